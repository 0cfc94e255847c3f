"""API routes: imports (a whole file of recommendations) and the triage queue.

``POST /cycles/{cycle_id}/recommendations/import-file`` runs the same parser and writer as
``uprflow import``: every row is validated first (422 naming the row and the column, nothing
written), then every event is appended in one transaction. ``GET /cycles/{cycle_id}/triage``
lists what no routing rule matched.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from uprflow.api.commands.imports import import_file as import_recommendations_file
from uprflow.api.deps import AuditorOrSecretariat, RequestId, RuntimeDep, Secretariat
from uprflow.api.idempotency import idempotent
from uprflow.api.params import CycleId, normalise_cycle_id
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.triage import shipped_profile, triage_items
from uprflow.api.schemas.triage import TriageList
from uprflow.api.upload import openapi_file_body, read_file
from uprflow.domain.envelope import Actor
from uprflow.importing import ImportSummary
from uprflow.importing.fields import parse_cycle_id

router = APIRouter()


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
    "Secretariat only; `Idempotency-Key` supported. The cycle must have been started (404 "
    "otherwise: an import never creates a cycle); the file's positions are recorded only once "
    "the cycle is past its decisions (`positions_held` counts the others).",
    tags=["recommendations"],
    responses=problem_responses(401, 403, 404, 413, 422),
    openapi_extra=openapi_file_body("file", "the file to import"),
)
async def import_file(
    request: Request,
    cycle_id: CycleId,
    rt: RuntimeDep,
    p: Secretariat,
    rid: RequestId,
) -> JSONResponse:
    try:
        cycle_id = normalise_cycle_id(cycle_id)
        parse_cycle_id(cycle_id)
    except ValueError:
        raise ProblemError(422, f"{cycle_id!r} is not a cycle id like cycle-KE-4") from None
    # Why read here: only now, with the token and role checked, is the body read, in memory
    # (never spooled to disk), capped at UPRFLOW_MAX_IMPORT_BYTES as it arrives (api/limits.py).
    filename, data = await read_file(request, "file")
    name = filename or "upload"
    actor = Actor(role=p.role, organisation=p.organisation, subject=p.token_id)

    async def run() -> Any:
        summary = await asyncio.to_thread(
            import_recommendations_file,
            rt.ledger,
            data,
            name,
            cycle_id=cycle_id,
            actor=actor,
            request_id=rid,
            max_rows=rt.settings.max_import_rows,
        )
        return summary.model_dump(mode="json")

    body = {"cycle_id": cycle_id, "sha256": hashlib.sha256(data).hexdigest()}
    return await idempotent(request, rt, p, body, run, status_code=201)


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
async def triage(cycle_id: CycleId, rt: RuntimeDep, p: AuditorOrSecretariat) -> TriageList:
    try:
        cycle_id = normalise_cycle_id(cycle_id)
        profile = shipped_profile(cycle_id)
    except ValueError:
        raise ProblemError(422, f"{cycle_id!r} is not a cycle id like cycle-KE-4") from None
    org = profile.routing.triage if profile else None
    items = await asyncio.to_thread(triage_items, rt.engine, cycle_id, org)
    return TriageList(cycle_id=cycle_id, triage_organisation=org, total=len(items), items=items)
