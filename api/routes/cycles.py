"""API routes: cycles and their stages (the secretariat steers; every role reads).

Starting a cycle starts the ``Cycle`` workflow (``cycle-<CC>-<N>``); starting a running cycle
again finds it (200 instead of 201). Closing a stage early and extending its deadline are the
stage workflow's validated updates. Reads come from the read models, which are updated in the
same transaction as each ledger append, plus the live ``state`` query when Temporal answers.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from uprflow.api.commands.binding import bind_start
from uprflow.api.commands.cycles import is_running, profile_for, start_cycle_workflow
from uprflow.api.commands.stages import stage_update
from uprflow.api.commands.updates import temporal_client
from uprflow.api.deps import AnyRole, IdempotencyKey, RequestId, RuntimeDep, Secretariat
from uprflow.api.idempotency import idempotent, update_id
from uprflow.api.params import CycleId, StagePath, normalise_cycle_id
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.cycles import cycle_and_stages, cycle_page, cycle_summary
from uprflow.api.queries.live import live_cycle
from uprflow.api.schemas.cycles import (
    CycleDetail,
    CycleList,
    CycleStartIn,
    CycleStartOut,
    CycleSummaryOut,
    StageCloseIn,
    StageExtendIn,
    StageOut,
    stage_out,
)
from uprflow.workflows.cycle import CycleInput, cycle_workflow_id
from uprflow.workflows.stage import StageBase
from uprflow.workflows.stage_models import CloseEarly, ExtendDeadline

router = APIRouter()


# ------------------------------------------------------------------ cycles


@router.post(
    "/cycles",
    status_code=201,
    response_model=CycleStartOut,
    summary="Start a cycle (or find the running one)",
    description="Starts the cycle workflow `cycle-<CC>-<N>` with the inline profile, or the "
    "country's shipped one. 201 when started now; 200 with the same ids when it is already "
    "running; 409 when that cycle already ran to completion. Secretariat only.",
    tags=["cycles"],
    responses={
        200: {"model": CycleStartOut, "description": "the cycle was already running"},
        **problem_responses(401, 403, 409, 422, 503),
    },
)
async def start_cycle(
    request: Request, body: CycleStartIn, rt: RuntimeDep, p: Secretariat, rid: RequestId
) -> JSONResponse:
    country = body.country.upper()
    wf_id = cycle_workflow_id(country, body.cycle)
    profile, profile_id = await profile_for(body, country)
    await bind_start(rt, p, profile, wf_id)
    client = await temporal_client(rt)
    inp = CycleInput(
        country=country,
        cycle_number=body.cycle,
        review_date=body.review_date,
        profile=profile,
        profile_id=profile_id,
        chain_next=body.chain_next,
        requested_by=p.actor(),
        request_id=rid,
    )
    started_now: dict[str, bool] = {}

    async def run() -> CycleStartOut:
        out, started = await start_cycle_workflow(
            client, inp, wf_id, rt.settings.temporal_task_queue
        )
        started_now["started"] = started
        return out

    # The status code a keyed retry replays is decided before the start (201 unless it runs).
    running = await is_running(client, wf_id)
    response = await idempotent(request, rt, p, body, run, status_code=200 if running else 201)
    if "started" in started_now:  # answered now, not replayed: the code says what happened
        response.status_code = 201 if started_now["started"] else 200
    return response


@router.get(
    "/cycles",
    response_model=CycleList,
    summary="List cycles",
    description="Every cycle the ledger knows, from the read model. Any authenticated role.",
    tags=["cycles"],
    responses=problem_responses(401, 403, 422),
)
async def list_cycles(
    rt: RuntimeDep,
    p: AnyRole,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}$")] = None,
    status: Annotated[str | None, Query(pattern=r"^(not_started|active|completed)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CycleList:
    items, total = await asyncio.to_thread(cycle_page, rt.engine, country, status, limit, offset)
    return CycleList(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/cycles/{cycle_id}",
    response_model=CycleDetail,
    summary="One cycle: read model and live workflow state",
    description="The cycle and its stages from the read model, plus the cycle workflow's "
    "`state` query (every stage with status and dates) when Temporal answers within 3 s. "
    "Any authenticated role.",
    tags=["cycles"],
    responses=problem_responses(401, 403, 404, 422),
)
async def get_cycle(cycle_id: CycleId, rt: RuntimeDep, p: AnyRole) -> CycleDetail:
    cycle_id = normalise_cycle_id(cycle_id)
    row, stages, recs = await asyncio.to_thread(cycle_and_stages, rt.engine, cycle_id)
    live, live_error = await live_cycle(rt, cycle_id)
    if row is None and live is None:
        raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
    if row is not None:
        summary = cycle_summary(row)
    else:
        assert live is not None
        summary = CycleSummaryOut(
            cycle_id=cycle_id,
            status="not_started",
            country=live.country,
            cycle_number=live.cycle_number,
            review_date=live.review_date,
            last_position=0,
        )
    summary.recommendations = recs
    return CycleDetail(cycle=summary, stages=stages, live=live, live_error=live_error)


# ------------------------------------------------------------------ stage commands


@router.post(
    "/cycles/{cycle_id}/stages/{stage}/close",
    response_model=StageOut,
    summary="Close a stage's window now",
    description="The stage's `close_early` update: the window must be open; open tasks of the "
    "stage are cancelled and `StageClosed` (early) is recorded. Secretariat only.",
    tags=["cycles"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def close_stage(
    request: Request,
    cycle_id: CycleId,
    stage: StagePath,
    body: StageCloseIn,
    rt: RuntimeDep,
    p: Secretariat,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)

    async def run() -> Any:
        view = await stage_update(
            rt,
            cycle_id,
            stage,
            StageBase.close_early,
            CloseEarly(actor=p.actor(), reason=body.reason, request_id=rid),
            update_key=update_id(p, key),
            not_yet=f"the {stage} stage of {cycle_id} is not open",
        )
        return stage_out(view)

    return await idempotent(request, rt, p, body, run)


@router.post(
    "/cycles/{cycle_id}/stages/{stage}/extend",
    response_model=StageOut,
    summary="Move a stage's deadline later",
    description="The stage's `extend_deadline` update, recorded as `DeadlineExtended`: the "
    "window must be open and the new deadline later than the current one. Secretariat only.",
    tags=["cycles"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def extend_stage(
    request: Request,
    cycle_id: CycleId,
    stage: StagePath,
    body: StageExtendIn,
    rt: RuntimeDep,
    p: Secretariat,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)

    async def run() -> Any:
        view = await stage_update(
            rt,
            cycle_id,
            stage,
            StageBase.extend_deadline,
            ExtendDeadline(
                actor=p.actor(), new_deadline=body.until, reason=body.reason, request_id=rid
            ),
            update_key=update_id(p, key),
            not_yet=f"the {stage} stage of {cycle_id} is not open",
            fields={"body.new_deadline": "body.until"},
        )
        return stage_out(view)

    return await idempotent(request, rt, p, body, run)
