"""API routes: audit — the ledger paged by position, verification, time travel, export.

Auditors and the NMRF secretariat read everything here; nobody writes through these routes
(every route is a GET, and ``/audit/export`` does not record a checkpoint, unlike the CLI).
The answers are the same functions the ``uprflow audit`` CLI uses (`uprflow/store/reading.py`,
`uprflow/store/verify.py`, `uprflow/store/replay.py`, `uprflow/store/export.py`), so the two
can never disagree.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from uprflow.api.deps import AuditorOrSecretariat, RuntimeDep
from uprflow.api.params import LedgerCycleId
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.export_stream import export_stream
from uprflow.api.queries.ledger import read_cycle_page, read_log
from uprflow.api.schemas.audit import CycleStateAt, EventPage, VerifyResult, verify_result
from uprflow.store.replay import cycle_state
from uprflow.store.verify import verify

router = APIRouter(prefix="/audit", tags=["audit"])

#: Positions are 64-bit integers in both backends; a larger cursor is a client error, not a
#: driver overflow (500).
MAX_POSITION = 2**62

After = Annotated[
    int,
    Query(
        ge=0, le=MAX_POSITION, description="return events after this position (0: from the start)"
    ),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="page size (1-1000)")]

_ERRORS = problem_responses(401, 403, 404, 422)


@router.get(
    "/events",
    response_model=EventPage,
    summary="A page of the whole ledger, in position order",
    responses=_ERRORS,
)
async def log_page(
    _: AuditorOrSecretariat, rt: RuntimeDep, after: After = 0, limit: Limit = 100
) -> EventPage:
    """Events with a position greater than `after`, at most `limit`. Follow `next_after`
    until it is null to read the whole log; `head_position` is the last position now
    (positions may have gaps: never assume `after + 1` exists)."""
    return await asyncio.to_thread(read_log, rt.engine, after, limit)


@router.get(
    "/cycles/{cycle_id}/events",
    response_model=EventPage,
    summary="A page of one cycle's events (every stream of the cycle), in position order",
    responses=_ERRORS,
)
async def cycle_page(
    cycle_id: LedgerCycleId,
    _: AuditorOrSecretariat,
    rt: RuntimeDep,
    after: After = 0,
    limit: Limit = 100,
) -> EventPage:
    """The cycle's events after `after`; `head_position` is the cycle's last position. 404
    when the ledger has no event of that cycle."""
    page = await asyncio.to_thread(read_cycle_page, rt.engine, cycle_id, after, limit)
    if page is None:
        raise ProblemError(404, f"no events for cycle {cycle_id}", kind="not-found")
    return page


@router.get(
    "/verify",
    response_model=VerifyResult,
    summary="Verify the whole hash chain and the checkpoints",
    responses=_ERRORS,
)
async def verify_ledger(_: AuditorOrSecretariat, rt: RuntimeDep) -> VerifyResult:
    """Re-hash every event and check every link and checkpoint (as `uprflow audit verify`).
    200 with `ok: false` and the first bad position and its kind (altered, removed, inserted,
    reordered, truncated) when the ledger was tampered with."""
    return verify_result(await asyncio.to_thread(verify, rt.engine))


@router.get(
    "/cycles/{cycle_id}/state",
    response_model=CycleStateAt,
    summary="A cycle's folded state as it stood at an instant",
    responses=_ERRORS,
)
async def state_at(
    cycle_id: LedgerCycleId,
    _: AuditorOrSecretariat,
    rt: RuntimeDep,
    as_of: Annotated[
        datetime | None,
        Query(description="ISO 8601 instant (naive means UTC); default now"),
    ] = None,
    by: Annotated[
        Literal["recorded", "occurred"],
        Query(
            description="time axis: `recorded` (what the ledger knew) or `occurred` (business time)"
        ),
    ] = "recorded",
) -> CycleStateAt:
    """Fold every event of the cycle known at `as_of` (as `uprflow audit replay --cycle`).
    404 when the cycle had no events by then."""
    instant = None
    if as_of is not None:
        try:
            instant = (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)).astimezone(UTC)
        except (OverflowError, ValueError):
            raise ProblemError(
                422, "as_of: not a representable UTC instant", kind="validation"
            ) from None
    state = await asyncio.to_thread(cycle_state, rt.engine, cycle_id, instant, by)
    if state is None:
        when = instant.isoformat() if instant else "now"
        raise ProblemError(404, f"cycle {cycle_id} has no events as of {when}", kind="not-found")
    return CycleStateAt(cycle_id=cycle_id, as_of=instant, by=by, state=state)


@router.get(
    "/export",
    summary="The whole ledger as JSON Lines (as `uprflow audit export`)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "header, one line per event (with its hashed bytes), checkpoints, end",
            "content": {
                "application/x-ndjson": {
                    "schema": {"type": "string"},
                    "example": (
                        '{"kind":"header","format":"uprflow-ledger-export","version":1}\n'
                        '{"kind":"event","position":1,"prev_hash":"00…","hash":"9c…",'
                        '"body":"{…}","event":{…}}\n'
                        '{"kind":"end","head_position":1,"head_hash":"9c…","events":1}\n'
                    ),
                }
            },
        },
        **_ERRORS,
    },
)
async def export_ledger(_: AuditorOrSecretariat, rt: RuntimeDep) -> StreamingResponse:
    """Stream the ledger from one read snapshot; check the file offline with
    `python3 tools/verify_export.py FILE`. No checkpoint is recorded (auditors write nothing)."""
    return StreamingResponse(
        export_stream(rt.engine),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="uprflow-ledger.jsonl"'},
    )
