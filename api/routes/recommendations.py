"""API routes: recommendations (import by the secretariat; lists for every role).

The import completes the review stage's ``import_recommendations`` task through its
``complete`` update, so the recommendations are validated by the task kind's schema and
recorded with ``TaskCompleted`` in one append before the response is sent.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from uprflow.api.commands.tasks import complete_task, open_task_finder
from uprflow.api.deps import AnyRole, RuntimeDep, Secretariat
from uprflow.api.params import CycleId, normalise_cycle_id
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.cycles import cycle_known
from uprflow.api.queries.recommendations import deliberation_visible, recommendation_page
from uprflow.api.schemas.recommendations import (
    ImportOut,
    RecommendationList,
    RecommendationsImportIn,
)
from uprflow.api.schemas.tasks import task_out
from uprflow.domain.tasks import TaskKind

router = APIRouter()


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

    find = open_task_finder(
        rt,
        cycle_id,
        TaskKind.IMPORT_RECOMMENDATIONS,
        None,
        f"the review stage of {cycle_id} has no open import task (the review has not "
        "started yet, or the recommendations were already imported)",
    )
    payload = {"recommendations": [r.model_dump(mode="json") for r in body.recommendations]}
    return await complete_task(
        request,
        rt,
        p,
        find,
        payload,
        expected_version=None,
        body=body,
        fields={"body.payload": "body"},
        status_code=201,
        present=lambda task_id, view: ImportOut(
            task_id=task_id, imported=len(body.recommendations), task=task_out(view)
        ),
    )


@router.get(
    "/cycles/{cycle_id}/recommendations",
    response_model=RecommendationList,
    summary="List a cycle's recommendations, filtered",
    description="From the read model. `theme`: a theme containing this text; `sdg`: an SDG "
    "or target (5 matches 5.2); `ministry`: the lead ministry; `position`: supported, noted "
    "or supported_in_part; `status`: received, routed, proposed, assessed or decided. All "
    "case-insensitive where text. Any authenticated role. The deliberation (`proposed_position`, "
    "`proposed_justification`, `assessment_concurs`, `assessment_note`) is filled in only for "
    "the cycle's secretariat, auditors and, on the recommendations it leads, the lead ministry; "
    "null for everyone else.",
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
    visible = await deliberation_visible(rt, p, cycle_id)
    items, total = await asyncio.to_thread(
        lambda: recommendation_page(
            rt.engine,
            cycle_id,
            theme=theme,
            sdg=sdg,
            ministry=ministry,
            position=position,
            status=status,
            limit=limit,
            offset=offset,
            deliberation=visible,
        )
    )
    if total == 0 and not await cycle_known(rt, cycle_id):
        raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
    return RecommendationList(items=items, total=total, limit=limit, offset=offset)
