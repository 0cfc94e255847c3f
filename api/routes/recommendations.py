"""API routes: recommendations (import by the secretariat; lists for every role).

The import completes the review stage's ``import_recommendations`` task through its
``complete`` update, so the recommendations are validated by the task kind's schema and
recorded with ``TaskCompleted`` in one append before the response is sent.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.routes.cycles import CycleId, cycle_known, normalise_cycle_id
from uprflow.api.routes.tasks import complete_task, open_tasks
from uprflow.api.schemas import (
    ImportOut,
    RecommendationList,
    RecommendationOut,
    RecommendationsImportIn,
)
from uprflow.api.security import ALL_ROLES, Principal, RuntimeDep, require
from uprflow.domain.tasks import TaskKind
from uprflow.store.schema import proj_recommendations

router = APIRouter()

Secretariat = Annotated[Principal, Depends(require("secretariat"))]
AnyRole = Annotated[Principal, Depends(require(*ALL_ROLES))]


def _sdg_matches(wanted: str, sdgs: list[str]) -> bool:
    """``5`` matches ``5``, ``SDG 5`` and the targets ``5.2``; ``5.2`` matches ``5.2`` only."""

    def norm(s: str) -> str:
        return s.casefold().replace("sdg", "").replace(" ", "")

    w = norm(wanted)
    return any(norm(s) == w or norm(s).startswith(w + ".") for s in sdgs)


def _list(
    engine: sa.Engine,
    cycle_id: str,
    *,
    theme: str | None,
    sdg: str | None,
    ministry: str | None,
    position: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[RecommendationOut], int]:
    t = proj_recommendations
    where: list[sa.ColumnElement[bool]] = [t.c.cycle_id == cycle_id]
    if ministry:
        where.append(sa.func.upper(t.c.lead_ministry) == ministry.upper())
    if position:
        where.append(t.c.position == position)
    if status:
        where.append(t.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.data).where(*where).order_by(t.c.recommendation_id))
        found: list[dict[str, Any]] = [json.loads(r.data) for r in rows]
    # Why in Python: themes and SDGs are lists inside ``data``; a cycle holds hundreds of
    # recommendations, not millions, and this stays the same on SQLite and PostgreSQL.
    if theme:
        wanted = theme.casefold()
        found = [d for d in found if any(wanted in th.casefold() for th in d.get("themes", ()))]
    if sdg:
        found = [d for d in found if _sdg_matches(sdg, list(d.get("sdgs", ())))]
    page = found[offset : offset + limit]
    return [RecommendationOut.model_validate({**d, "cycle_id": cycle_id}) for d in page], len(found)


@router.post(
    "/cycles/{cycle_id}/recommendations/import",
    status_code=201,
    response_model=ImportOut,
    summary="Import the Working Group's draft list of recommendations",
    description="Completes the review stage's open `import_recommendations` task with the "
    "list: each recommendation is checked (422 naming `body.recommendations.N.<field>`, "
    "duplicates too) and recorded as `RecommendationReceived`. 409 when the review stage has "
    "no open import task (not reached yet, or already imported). Secretariat only.",
    tags=["recommendations"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def import_recommendations(
    request: Request,
    cycle_id: CycleId,
    body: RecommendationsImportIn,
    rt: RuntimeDep,
    p: Secretariat,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)

    async def find() -> str:
        tasks = await asyncio.to_thread(
            open_tasks, rt.engine, cycle_id, TaskKind.IMPORT_RECOMMENDATIONS
        )
        if not tasks:
            if not await cycle_known(rt, cycle_id):
                raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
            raise ProblemError(
                409,
                f"the review stage of {cycle_id} has no open import task (the review has not "
                "started yet, or the recommendations were already imported)",
                kind="no-open-task",
            )
        return tasks[0].task_id

    payload = {"recommendations": [r.model_dump(mode="json") for r in body.recommendations]}
    return await complete_task(
        request, rt, p, find, payload, expected_version=None, body=body,
        fields={"body.payload": "body"}, status_code=201,
        present=lambda task_id, view: ImportOut(
            task_id=task_id, imported=len(body.recommendations), task=view
        ),
    )  # fmt: skip


@router.get(
    "/cycles/{cycle_id}/recommendations",
    response_model=RecommendationList,
    summary="List a cycle's recommendations, filtered",
    description="From the read model. `theme`: a theme containing this text; `sdg`: an SDG "
    "or target (5 matches 5.2); `ministry`: the lead ministry; `position`: supported, noted "
    "or supported_in_part; `status`: received, routed, proposed, assessed or decided. All "
    "case-insensitive where text. Any authenticated role.",
    tags=["recommendations"],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_recommendations(
    cycle_id: CycleId,
    rt: RuntimeDep,
    p: AnyRole,
    theme: Annotated[str | None, Query(max_length=200, examples=["Right to education"])] = None,
    sdg: Annotated[str | None, Query(max_length=20, examples=["5"])] = None,
    ministry: Annotated[str | None, Query(max_length=200, examples=["MOJ"])] = None,
    position: Annotated[str | None, Query(pattern=r"^(supported|noted|supported_in_part)$")] = None,
    status: Annotated[
        str | None, Query(pattern=r"^(received|routed|proposed|assessed|decided)$")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RecommendationList:
    cycle_id = normalise_cycle_id(cycle_id)
    items, total = await asyncio.to_thread(
        lambda: _list(
            rt.engine, cycle_id, theme=theme, sdg=sdg, ministry=ministry, position=position,
            status=status, limit=limit, offset=offset,
        )
    )  # fmt: skip
    if total == 0 and not await cycle_known(rt, cycle_id):
        raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
    return RecommendationList(items=items, total=total, limit=limit, offset=offset)
