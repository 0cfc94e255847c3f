"""API routes: imports (a whole file of recommendations) and the triage queue.

``POST /cycles/{cycle_id}/recommendations/import-file`` runs the same parser and writer as
``uprflow import``: every row is validated first (422 naming the row and the column, nothing
written), then every event is appended in one transaction. ``GET /cycles/{cycle_id}/triage``
lists what no routing rule matched.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from uprflow.api import observability
from uprflow.api.idempotency import idempotent
from uprflow.api.problems import FieldError, ProblemError, problem_responses
from uprflow.api.routes.cycles import CycleId, normalise_cycle_id
from uprflow.api.security import Principal, RuntimeDep, require
from uprflow.domain.envelope import Actor
from uprflow.domain.profile import Profile
from uprflow.importing import ImportFileError, ImportSummary, parse_bytes, write_import
from uprflow.importing.fields import parse_cycle_id
from uprflow.profiles import ProfileError, load_profile, shipped_profiles
from uprflow.store.schema import proj_recommendations

router = APIRouter()

Secretariat = Annotated[Principal, Depends(require("secretariat"))]
Reader = Annotated[Principal, Depends(require("secretariat", "auditor"))]

_MAX_BYTES = 50 * 1024 * 1024


class TriageItem(BaseModel):
    """A recommendation no routing rule matched."""

    recommendation_id: str = Field(examples=["cycle-KE-4:145.3"])
    text: str = Field(examples=["Ratify the Convention on ... (France);"])
    themes: list[str] = Field(default_factory=list, examples=[["Culture"]])
    position: str | None = Field(None, examples=["supported"])
    lead_ministry: str = Field(examples=["OAG-DOJ"])


class TriageList(BaseModel):
    """The cycle's triage queue: recommendations routed to the triage organisation."""

    cycle_id: str = Field(examples=["cycle-KE-4"])
    triage_organisation: str | None = Field(examples=["OAG-DOJ"])
    total: int = Field(examples=[1])
    items: list[TriageItem]


def _profile(cycle_id: str) -> Profile | None:
    country, _ = parse_cycle_id(cycle_id)
    if country not in shipped_profiles():
        return None
    return load_profile(country)


@router.post(
    "/cycles/{cycle_id}/recommendations/import-file",
    status_code=201,
    response_model=ImportSummary,
    summary="Import a file of recommendations (UPR Info, OHCHR thematic list, UHRI JSON)",
    description="Multipart upload `file`: a UPR Info export (CSV/XLSX), an OHCHR thematic "
    "list (CSV/XLSX) or a UHRI JSON export, detected from its content. Every row is checked "
    "first: a bad row is a 422 whose `errors[0].field` is `row N, column C`, and nothing is "
    "written. Then every recommendation is recorded (`RecommendationReceived`, "
    "`RecommendationRouted` by the cycle's shipped profile, `PositionDecided` when the file "
    "states a position) in one transaction. Importing the same file again adds nothing. "
    "Secretariat only; `Idempotency-Key` supported.",
    tags=["recommendations"],
    responses=problem_responses(401, 403, 413, 422),
)
async def import_file(
    request: Request,
    cycle_id: CycleId,
    rt: RuntimeDep,
    p: Secretariat,
    file: Annotated[UploadFile, File(description="the file to import")],
) -> JSONResponse:
    try:
        cycle_id = normalise_cycle_id(cycle_id)
        parse_cycle_id(cycle_id)
    except ValueError:
        raise ProblemError(422, f"{cycle_id!r} is not a cycle id like cycle-KE-4") from None
    data = await file.read(_MAX_BYTES + 1)
    if len(data) > _MAX_BYTES:
        raise ProblemError(413, f"the file is larger than {_MAX_BYTES} bytes", kind="too-large")
    name = file.filename or "upload"

    def run_sync() -> ImportSummary:
        try:
            parsed = parse_bytes(data, name, cycle=cycle_id)
        except ImportFileError as exc:
            where = ", ".join(
                x
                for x in (
                    f"row {exc.row}" if exc.row else "",
                    exc.column and f"column {exc.column}",
                )
                if x
            )
            raise ProblemError(
                422,
                f"{name}: {exc} (nothing imported)",
                kind="import-invalid",
                errors=[FieldError(field=where or "file", message=exc.reason)],
            ) from None
        try:
            profile = _profile(cycle_id)
        except ProfileError as exc:  # pragma: no cover - shipped profiles are tested
            raise ProblemError(500, str(exc)) from None
        actor = Actor(role=p.role, organisation=p.organisation, subject=p.token_id)
        return write_import(
            rt.ledger, parsed, actor=actor, profile=profile,
            request_id=observability.request_id(request),
        )  # fmt: skip

    async def run() -> Any:
        return (await asyncio.to_thread(run_sync)).model_dump(mode="json")

    body = {"cycle_id": cycle_id, "sha256": hashlib.sha256(data).hexdigest()}
    return await idempotent(request, rt, p, body, run, status_code=201)


def _triage(engine: sa.Engine, cycle_id: str, org: str | None) -> list[TriageItem]:
    if org is None:
        return []
    t = proj_recommendations
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.recommendation_id, t.c.position, t.c.lead_ministry, t.c.data)
            .where(t.c.cycle_id == cycle_id, t.c.lead_ministry == org)
            .order_by(t.c.recommendation_id)
        ).all()
    out = []
    for r in rows:
        data = json.loads(r.data)
        out.append(
            TriageItem(
                recommendation_id=r.recommendation_id,
                text=data.get("text", ""),
                themes=list(data.get("themes", ())),
                position=r.position,
                lead_ministry=r.lead_ministry,
            )
        )
    return out


@router.get(
    "/cycles/{cycle_id}/triage",
    response_model=TriageList,
    summary="The triage queue: recommendations no routing rule matched",
    description="The recommendations of the cycle routed to the profile's triage organisation "
    "(`routing.triage`), from the read model, for the secretariat to assign by hand. A cycle "
    "without a shipped profile has an empty queue. Secretariat and auditors.",
    tags=["recommendations"],
    responses=problem_responses(401, 403, 422),
)
async def triage(cycle_id: CycleId, rt: RuntimeDep, p: Reader) -> TriageList:
    try:
        cycle_id = normalise_cycle_id(cycle_id)
        profile = _profile(cycle_id)
    except ValueError:
        raise ProblemError(422, f"{cycle_id!r} is not a cycle id like cycle-KE-4") from None
    org = profile.routing.triage if profile else None
    items = await asyncio.to_thread(_triage, rt.engine, cycle_id, org)
    return TriageList(cycle_id=cycle_id, triage_organisation=org, total=len(items), items=items)
