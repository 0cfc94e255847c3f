"""API routes: audit — the ledger paged by position, verification, time travel, export.

Auditors and the NMRF secretariat read everything here; nobody writes through these routes
(every route is a GET, and ``/audit/export`` does not record a checkpoint, unlike the CLI).
The answers are the same functions the ``uprflow audit`` CLI uses (`uprflow/store/reading.py`,
`uprflow/store/verify.py`, `uprflow/store/replay.py`, `uprflow/store/export.py`), so the two can never disagree.
"""

from __future__ import annotations

import asyncio
import io
import queue
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TextIO, cast

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.security import Principal, RuntimeDep, require
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.state import CycleState
from uprflow.store.export import export
from uprflow.store.reading import envelope_from_body, head, read_all
from uprflow.store.replay import cycle_state
from uprflow.store.schema import events
from uprflow.store.verify import verify

router = APIRouter(prefix="/audit", tags=["audit"])

Auditor = Annotated[Principal, Depends(require("auditor", "secretariat"))]

#: Positions are 64-bit integers in both backends; a larger cursor is a client error, not a
#: driver overflow (500).
MAX_POSITION = 2**62
CYCLE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"

After = Annotated[
    int,
    Query(
        ge=0, le=MAX_POSITION, description="return events after this position (0: from the start)"
    ),
]
Limit = Annotated[int, Query(ge=1, le=1000, description="page size (1-1000)")]
CycleId = Annotated[
    str,
    Path(pattern=CYCLE_ID, description="a cycle id, e.g. `cycle-KE-4`", examples=["cycle-KE-4"]),
]

_ERRORS = problem_responses(401, 403, 404, 422)

_EVENT_EXAMPLE: dict[str, Any] = {
    "position": 42,
    "event_id": "6f1c2a9e-1d1b-4c4b-9f0e-1f7a6f0d2b11",
    "stream_id": "stage-KE-4-decisions",
    "stream_version": 7,
    "event_type": "PositionDecided",
    "schema_version": 1,
    "cycle_id": "cycle-KE-4",
    "occurred_at": "2030-03-01T09:00:00Z",
    "recorded_at": "2030-03-01T09:00:00.120000Z",
    "actor": {"role": "secretariat", "organisation": "NMRF", "subject": "token:3f2a9c0d1e2b4a5c"},
    "trace": {"correlation_id": "cycle-KE-4", "workflow_id": "stage-KE-4-decisions"},
    "payload": {
        "cycle_id": "cycle-KE-4",
        "recommendation_id": "KE-S35-001",
        "position": "supported",
        "justification": None,
    },
}


class EventPage(BaseModel):
    """A page of the ledger in position order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"events": [_EVENT_EXAMPLE], "next_after": 42, "head_position": 4711}]
        }
    )

    events: list[EventEnvelope]
    next_after: int | None = Field(
        description="pass as `after` for the next page; null when this page reached the head"
    )
    head_position: int = Field(description="the last position of the whole ledger right now")


class VerifyProblem(BaseModel):
    """The first defect found in the chain."""

    position: int
    kind: str = Field(description="altered, removed, inserted, reordered or truncated")
    detail: str


class VerifyResult(BaseModel):
    """The result of verifying the whole hash chain and the checkpoints."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ok": True,
                    "checked": 4711,
                    "head_position": 4711,
                    "head_hash": "9c1d…",
                    "checkpoints": 3,
                    "problem": None,
                },
                {
                    "ok": False,
                    "checked": 1203,
                    "head_position": 1203,
                    "head_hash": "77ab…",
                    "checkpoints": 3,
                    "problem": {
                        "position": 1204,
                        "kind": "altered",
                        "detail": "the body no longer hashes to the stored hash",
                    },
                },
            ]
        }
    )

    ok: bool
    checked: int = Field(description="events verified (up to the first problem)")
    head_position: int
    head_hash: str
    checkpoints: int
    problem: VerifyProblem | None


class CycleStateAt(BaseModel):
    """A cycle's folded state as it stood at an instant."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "as_of": "2030-06-01T00:00:00Z",
                    "by": "occurred",
                    "state": {
                        "cycle_id": "cycle-KE-4",
                        "status": "active",
                        "country": "KE",
                        "cycle_number": 4,
                        "review_date": "2030-01-15",
                        "outcome_adopted_on": "2030-05-20",
                        "recommendations": {
                            "KE-S35-001": {
                                "recommendation_id": "KE-S35-001",
                                "text": "Ratify the ICRMW",
                                "status": "decided",
                                "position": "supported",
                            }
                        },
                        "last_position": 3120,
                    },
                }
            ]
        }
    )

    cycle_id: str
    as_of: datetime | None = Field(description="the instant asked for (null: now)")
    by: Literal["recorded", "occurred"]
    state: CycleState


def _page(batch: list[EventEnvelope], limit: int, head_position: int) -> EventPage:
    full = len(batch) == limit and batch[-1].position < head_position
    return EventPage(
        events=batch,
        next_after=batch[-1].position if full else None,
        head_position=head_position,
    )


def _read_log(engine: sa.Engine, after: int, limit: int) -> EventPage:
    with engine.connect() as conn:
        batch = read_all(conn, after_position=after, limit=limit)
        return _page(batch, limit, head(conn).position)


def _read_cycle_page(engine: sa.Engine, cycle_id: str, after: int, limit: int) -> EventPage | None:
    with engine.connect() as conn:
        known = conn.execute(
            sa.select(events.c.position).where(events.c.cycle_id == cycle_id).limit(1)
        ).first()
        if known is None:
            return None
        rows = conn.execute(
            sa.select(events.c.body)
            .where(events.c.cycle_id == cycle_id, events.c.position > after)
            .order_by(events.c.position)
            .limit(limit)
        )
        batch = [envelope_from_body(r.body) for r in rows]
        last = conn.execute(
            sa.select(sa.func.max(events.c.position)).where(events.c.cycle_id == cycle_id)
        ).scalar()
    return _page(batch, limit, int(last or 0))


@router.get(
    "/events",
    response_model=EventPage,
    summary="A page of the whole ledger, in position order",
    responses=_ERRORS,
)
async def log_page(_: Auditor, rt: RuntimeDep, after: After = 0, limit: Limit = 100) -> EventPage:
    """Events with a position greater than `after`, at most `limit`. Follow `next_after`
    until it is null to read the whole log; `head_position` is the last position now
    (positions may have gaps: never assume `after + 1` exists)."""
    return await asyncio.to_thread(_read_log, rt.engine, after, limit)


@router.get(
    "/cycles/{cycle_id}/events",
    response_model=EventPage,
    summary="A page of one cycle's events (every stream of the cycle), in position order",
    responses=_ERRORS,
)
async def cycle_page(
    cycle_id: CycleId, _: Auditor, rt: RuntimeDep, after: After = 0, limit: Limit = 100
) -> EventPage:
    """The cycle's events after `after`; `head_position` is the cycle's last position. 404
    when the ledger has no event of that cycle."""
    page = await asyncio.to_thread(_read_cycle_page, rt.engine, cycle_id, after, limit)
    if page is None:
        raise ProblemError(404, f"no events for cycle {cycle_id}", kind="not-found")
    return page


@router.get(
    "/verify",
    response_model=VerifyResult,
    summary="Verify the whole hash chain and the checkpoints",
    responses=_ERRORS,
)
async def verify_ledger(_: Auditor, rt: RuntimeDep) -> VerifyResult:
    """Re-hash every event and check every link and checkpoint (as `uprflow audit verify`).
    200 with `ok: false` and the first bad position and its kind (altered, removed, inserted,
    reordered, truncated) when the ledger was tampered with."""
    report = await asyncio.to_thread(verify, rt.engine)
    p = report.problem
    return VerifyResult(
        ok=report.ok,
        checked=report.checked,
        head_position=report.head_position,
        head_hash=report.head_hash,
        checkpoints=report.checkpoints,
        problem=None
        if p is None
        else VerifyProblem(position=p.position, kind=p.kind, detail=p.detail),
    )


@router.get(
    "/cycles/{cycle_id}/state",
    response_model=CycleStateAt,
    summary="A cycle's folded state as it stood at an instant",
    responses=_ERRORS,
)
async def state_at(
    cycle_id: CycleId,
    _: Auditor,
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


# ------------------------------------------------------------------ export

_END = object()


class _ChunkWriter(io.TextIOBase):
    """A text sink that hands ~64 KiB chunks to a bounded queue (back-pressure on the export).

    Why a thread and a queue: :func:`store.export.export` writes synchronously from one read
    snapshot; running it in a thread keeps the event loop free, and the bounded queue keeps
    memory flat however large the ledger is.
    """

    def __init__(self, out: queue.Queue[object], stop: threading.Event) -> None:
        self._out = out
        self._stop = stop
        self._buf: list[str] = []
        self._size = 0

    def write(self, s: str) -> int:
        self._buf.append(s)
        self._size += len(s)
        if self._size >= 65536:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self._buf:
            chunk = "".join(self._buf).encode("utf-8")
            self._buf, self._size = [], 0
            self._put(chunk)

    def _put(self, item: object) -> None:
        while True:
            if self._stop.is_set():
                raise RuntimeError("export abandoned: the client went away")
            try:
                self._out.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


async def _export_stream(engine: sa.Engine) -> AsyncIterator[bytes]:
    chunks: queue.Queue[object] = queue.Queue(maxsize=16)
    stop = threading.Event()
    writer = _ChunkWriter(chunks, stop)

    def produce() -> None:
        try:
            export(engine, cast(TextIO, writer), checkpoint=False)
            writer.flush()
            writer._put(_END)
        except BaseException as exc:  # handed to the consumer, which re-raises
            if not stop.is_set():
                chunks.put(exc)

    thread = threading.Thread(target=produce, name="audit-export", daemon=True)
    thread.start()
    try:
        while True:
            item = await asyncio.to_thread(chunks.get)
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        stop.set()


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
async def export_ledger(_: Auditor, rt: RuntimeDep) -> StreamingResponse:
    """Stream the ledger from one read snapshot; check the file offline with
    `python3 tools/verify_export.py FILE`. No checkpoint is recorded (auditors write nothing)."""
    return StreamingResponse(
        _export_stream(rt.engine),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="uprflow-ledger.jsonl"'},
    )
