"""API routes: cycles and their stages (the secretariat steers; every role reads).

Starting a cycle starts the ``Cycle`` workflow (``cycle-<CC>-<N>``); starting a running cycle
again finds it (200 instead of 201). Closing a stage early and extending its deadline are the
stage workflow's validated updates. Reads come from the read models, which are updated in the
same transaction as each ledger append, plus the live ``state`` query when Temporal answers.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from uprflow.api import observability
from uprflow.api.commands import renamed, run_update, temporal_client
from uprflow.api.idempotency import idempotency_key, idempotent, update_id
from uprflow.api.problems import FieldError, ProblemError, problem_responses
from uprflow.api.runtime import Runtime
from uprflow.api.schemas import (
    CycleDetail,
    CycleList,
    CycleLive,
    CycleStartIn,
    CycleStartOut,
    CycleSummaryOut,
    StageCloseIn,
    StageExtendIn,
    StageName,
    StageOut,
    StageRecord,
)
from uprflow.api.security import ALL_ROLES, Principal, RuntimeDep, require
from uprflow.domain.profile import Profile
from uprflow.profiles import ProfileError, load_profile, parse_profile
from uprflow.store.schema import proj_cycles, proj_stages
from uprflow.workflows.cycle import CycleInput, CycleWorkflow, cycle_workflow_id
from uprflow.workflows.stage import CloseEarly, ExtendDeadline, StageBase, stage_workflow_id

router = APIRouter()

#: How long a read waits for a workflow query before answering without the live part.
QUERY_TIMEOUT = timedelta(seconds=3)

CycleId = Annotated[
    str,
    Path(
        description="cycle id, e.g. cycle-KE-4 (KE-4 is accepted too)",
        pattern=r"^(?:cycle-)?[A-Za-z]{2,3}-[0-9]{1,7}$",
        examples=["cycle-KE-4"],
    ),
]
Secretariat = Annotated[Principal, Depends(require("secretariat"))]
AnyRole = Annotated[Principal, Depends(require(*ALL_ROLES))]


# ------------------------------------------------------------------ helpers (shared by routes)


def normalise_cycle_id(value: str) -> str:
    """``cycle-KE-4`` for ``cycle-KE-4``, ``KE-4`` or ``ke-4``."""
    country, _, number = value.removeprefix("cycle-").rpartition("-")
    return cycle_workflow_id(country, int(number))


def _cycle_row(engine: sa.Engine, cycle_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(proj_cycles).where(proj_cycles.c.cycle_id == cycle_id)
        ).first()


async def cycle_known(rt: Runtime, cycle_id: str) -> bool:
    """Whether the cycle exists: in the read model, or (just started) on Temporal."""
    if await asyncio.to_thread(_cycle_row, rt.engine, cycle_id) is not None:
        return True
    client = await rt.temporal.get()
    if client is None:
        return False
    try:
        await client.get_workflow_handle(cycle_id).describe()
        return True
    except RPCError:
        return False


async def stage_update(
    rt: Runtime,
    cycle_id: str,
    stage: str,
    update: Any,
    arg: Any,
    *,
    update_key: str | None,
    not_yet: str,
    fields: dict[str, str] | None = None,
) -> Any:
    """Run an update on a stage workflow; a stage that has not started yet is a 409.

    ``fields`` renames field paths of a refusal (``body.new_deadline`` -> ``body.until``).
    """
    try:
        return await run_update(
            rt, stage_workflow_id(cycle_id, stage), update, arg, update_id=update_key, what="stage"
        )
    except ProblemError as exc:
        if exc.status == 404 and await cycle_known(rt, cycle_id):
            raise ProblemError(409, not_yet, kind="stage-not-open") from None
        if exc.status == 404:
            raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found") from None
        raise renamed(exc, fields or {}) from None


def _summary(row: Any) -> CycleSummaryOut:
    data = json.loads(row.data)
    return CycleSummaryOut(
        cycle_id=row.cycle_id,
        status=row.status,
        country=row.country,
        cycle_number=row.cycle_number,
        review_date=data.get("review_date"),
        profile_id=data.get("profile_id"),
        started_at=data.get("started_at"),
        completed_at=data.get("completed_at"),
        next_cycle_id=data.get("next_cycle_id"),
        last_position=row.last_position,
    )


def _list_cycles(
    engine: sa.Engine, country: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[CycleSummaryOut], int]:
    where = []
    if country:
        where.append(proj_cycles.c.country == country.upper())
    if status:
        where.append(proj_cycles.c.status == status)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(proj_cycles).where(*where))
        rows = conn.execute(
            sa.select(proj_cycles)
            .where(*where)
            .order_by(proj_cycles.c.country, proj_cycles.c.cycle_number)
            .limit(limit)
            .offset(offset)
        ).all()
        return [_summary(r) for r in rows], int(total.scalar_one())


def _cycle_and_stages(engine: sa.Engine, cycle_id: str) -> tuple[Any, list[StageRecord], int]:
    from uprflow.store.schema import proj_recommendations

    with engine.connect() as conn:
        row = conn.execute(sa.select(proj_cycles).where(proj_cycles.c.cycle_id == cycle_id)).first()
        stages = conn.execute(
            sa.select(proj_stages.c.data).where(proj_stages.c.cycle_id == cycle_id)
        ).all()
        recs = conn.execute(
            sa.select(sa.func.count())
            .select_from(proj_recommendations)
            .where(proj_recommendations.c.cycle_id == cycle_id)
        ).scalar_one()
    records = [StageRecord.model_validate_json(s.data) for s in stages]
    records.sort(key=lambda s: (s.opened_at is None, s.opened_at))
    return row, records, int(recs)


def _profile_errors(exc: ProfileError) -> list[FieldError]:
    return [
        FieldError(field=".".join(p for p in ("body.profile", path) if p), message=msg)
        for path, msg in exc.errors
    ] or [FieldError(field="body.profile", message=str(exc))]


async def _profile_for(body: CycleStartIn, country: str) -> tuple[Profile, str]:
    if body.profile is None:
        try:
            profile = await asyncio.to_thread(load_profile, country)
        except ProfileError as exc:
            raise ProblemError(
                422,
                f"no shipped profile for {country}: send one inline in profile",
                kind="validation",
                errors=[FieldError(field="body.profile", message=str(exc))],
            ) from None
        return profile, f"{country.lower()}:{profile.digest()[:12]}"
    try:
        profile = parse_profile(body.profile, "profile")
    except ProfileError as exc:
        errors = _profile_errors(exc)
        fields = ", ".join(e.field for e in errors[:5])
        raise ProblemError(
            422, f"the profile is not valid: {fields}", kind="validation", errors=errors
        ) from None
    if profile.country.upper() != country:
        raise ProblemError(
            422,
            f"the profile is for {profile.country}, not {country}",
            kind="validation",
            errors=[
                FieldError(
                    field="body.profile.country",
                    message=f"the profile is for {profile.country}, not {country}",
                )
            ],
        )
    return profile, f"inline:{profile.digest()[:12]}"


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
    request: Request, body: CycleStartIn, rt: RuntimeDep, p: Secretariat
) -> JSONResponse:
    country = body.country.upper()
    wf_id = cycle_workflow_id(country, body.cycle)
    profile, profile_id = await _profile_for(body, country)
    client = await temporal_client(rt)
    inp = CycleInput(
        country=country,
        cycle_number=body.cycle,
        review_date=body.review_date,
        profile=profile,
        profile_id=profile_id,
        chain_next=body.chain_next,
    )
    started_now: dict[str, bool] = {}

    async def run() -> CycleStartOut:
        try:
            handle = await client.start_workflow(
                CycleWorkflow.run,
                inp,
                id=wf_id,
                task_queue=rt.settings.temporal_task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                # Why: a completed cycle is history; starting it again would record a second
                # cycle under the same id. A failed or terminated one may be started afresh.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        except WorkflowAlreadyStartedError as exc:
            raise ProblemError(
                409,
                f"{wf_id} already ran (run {exc.run_id}); a completed cycle is not started again",
                kind="cycle-completed",
            ) from None
        # The SDK keeps whether this call started the run on the start response.
        resp: Any = getattr(handle, "_start_workflow_response", None)
        started = bool(getattr(resp, "started", True))
        started_now["started"] = started
        return CycleStartOut(
            cycle_id=wf_id,
            run_id=handle.result_run_id or "",
            status="started" if started else "already_running",
        )

    # The status code a keyed retry replays is decided before the start (201 unless it runs).
    running = False
    try:
        desc = await client.get_workflow_handle(wf_id).describe()
        running = desc.status == WorkflowExecutionStatus.RUNNING
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise ProblemError(503, f"Temporal: {exc.message}", kind="temporal-down") from None
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
    items, total = await asyncio.to_thread(_list_cycles, rt.engine, country, status, limit, offset)
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
    row, stages, recs = await asyncio.to_thread(_cycle_and_stages, rt.engine, cycle_id)
    live: CycleLive | None = None
    live_error: str | None = None
    client = await rt.temporal.get()
    if client is None:
        live_error = f"Temporal is not reachable: {rt.temporal.last_error}"
    else:
        try:
            view = await client.get_workflow_handle(cycle_id).query(
                CycleWorkflow.state, rpc_timeout=QUERY_TIMEOUT
            )
            live = CycleLive.model_validate(view.model_dump())
        except RPCError as exc:
            live_error = (
                "the cycle workflow is unknown to Temporal"
                if exc.status == RPCStatusCode.NOT_FOUND
                else f"the cycle workflow did not answer: {exc.message}"
            )
        except Exception as exc:  # a query failure must not hide the read model
            live_error = f"the cycle workflow did not answer: {type(exc).__name__}"
    if row is None and live is None:
        raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
    if row is not None:
        summary = _summary(row)
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
    stage: Annotated[StageName, Path(description="the stage, e.g. consultation")],
    body: StageCloseIn,
    rt: RuntimeDep,
    p: Secretariat,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id

    async def run() -> Any:
        return await stage_update(
            rt, cycle_id, stage, StageBase.close_early,
            CloseEarly(actor=p.actor(), reason=body.reason, request_id=rid),
            update_key=update_id(p, key), not_yet=f"the {stage} stage of {cycle_id} is not open",
        )  # fmt: skip

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
    stage: Annotated[StageName, Path(description="the stage, e.g. consultation")],
    body: StageExtendIn,
    rt: RuntimeDep,
    p: Secretariat,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id

    async def run() -> Any:
        return await stage_update(
            rt, cycle_id, stage, StageBase.extend_deadline,
            ExtendDeadline(
                actor=p.actor(), new_deadline=body.until, reason=body.reason, request_id=rid
            ),
            update_key=update_id(p, key), not_yet=f"the {stage} stage of {cycle_id} is not open",
            fields={"body.new_deadline": "body.until"},
        )  # fmt: skip

    return await idempotent(request, rt, p, body, run)
