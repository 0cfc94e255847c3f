"""Appending to the ledger: optimistic concurrency, idempotency, hash chain, group commit.

One committer thread per :class:`Ledger` drains a queue of append requests and writes all
that are waiting in ONE transaction (group commit): while one commit is being fsynced, new
requests pile up and share the next one. Every request is checked on its own — an expected
version conflict or an event-id conflict fails that request only, with a typed error, and
writes nothing of it — and each caller is answered only after the transaction that holds its
events has committed. Both a thread-safe sync API and an asyncio API feed the same queue.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from domain.envelope import Actor, NewEvent, Trace
from domain.events import DomainEvent
from store.canonical import canonical_flat, canonical_json, canonical_str
from store.db import as_engine, lock_for_write, write_connection
from store.errors import EventIdConflict, LedgerClosed, LedgerError, WrongExpectedVersion
from store.hashing import GENESIS, chain_hash
from store.projections import project
from store.schema import events
from store.timefmt import format_ts, utc_now

_IN_CHUNK = 500  # bound on bind parameters per IN (...) lookup

# Statements built once (SQLAlchemy then reuses their compiled form).
_C = events.c
_HEAD = sa.select(_C.position, _C.hash, _C.recorded_at).order_by(_C.position.desc()).limit(1)
_EXISTING = sa.select(_C.event_id, _C.position, _C.stream_id, _C.stream_version, _C.body).where(
    _C.event_id.in_(sa.bindparam("ids", expanding=True))
)
_VERSIONS = (
    sa.select(_C.stream_id, sa.func.max(_C.stream_version))
    .where(_C.stream_id.in_(sa.bindparam("streams", expanding=True)))
    .group_by(_C.stream_id)
)
_INSERT = events.insert()


@dataclass(frozen=True, slots=True)
class Recorded:
    """Where an event landed: its global position and stream version."""

    position: int
    stream_id: str
    stream_version: int
    event_id: UUID


@dataclass(frozen=True)
class AppendRequest:
    """Events to append atomically to one stream.

    ``expected_version``: the stream's version the caller last saw (0 = the stream must not
    exist yet); ``None`` appends whatever the version.
    """

    stream_id: str
    events: Sequence[NewEvent]
    expected_version: int | None = None


AppendResult = list[Recorded] | LedgerError


@dataclass(slots=True)
class _Prepared:
    """An event encoded outside the lock: every canonical fragment but the positions."""

    new: NewEvent
    event_id: str
    event_type: str
    schema_version: int
    cycle_id: str
    occurred_at: str
    occurred_dt: datetime
    head: str  # canonical JSON of the fixed leading members
    payload: str
    trace: str
    actor: str

    def content(self, stream_id: str) -> tuple[Any, ...]:
        return (stream_id, self.event_type, self.schema_version, self.occurred_at,
                self.actor, self.trace, self.payload)  # fmt: skip


def _prepare(new: NewEvent) -> _Prepared:
    event = new.event
    cls = type(event)
    payload = event.model_dump(mode="json")
    event_id = str(new.event_id)
    occurred_dt = new.occurred_at.astimezone(UTC)
    occurred = format_ts(occurred_dt)
    # Actor and trace are flat string fields, the other members plain strings: no float or
    # key-order corner case of RFC 8785 can occur, so they skip the payload's shape check.
    actor = canonical_flat(new.actor.__dict__)
    head = (
        f'{{"actor":{actor},"cycle_id":{canonical_str(event.cycle_id)},'
        f'"event_id":"{event_id}","event_type":{canonical_str(cls.type_name())},'
        f'"occurred_at":"{occurred}",'
    )
    return _Prepared(
        new,
        event_id,
        cls.type_name(),
        cls.schema_version,
        event.cycle_id,
        occurred,
        occurred_dt,
        head,
        canonical_json(payload),
        canonical_flat(new.trace.__dict__),
        actor,
    )


def _stored_content(body: bytes) -> tuple[Any, ...]:
    doc = json.loads(body)
    return (doc["stream_id"], doc["event_type"], doc["schema_version"], doc["occurred_at"],
            canonical_json(doc["actor"]), canonical_json(doc["trace"]),
            canonical_json(doc["payload"]))  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Stamp:
    """The envelope facts the fold reads, without building a full EventEnvelope."""

    position: int
    occurred_at: datetime
    _event: DomainEvent

    def event(self) -> DomainEvent:
        return self._event


@dataclass
class _Job:
    requests: list[tuple[AppendRequest, list[_Prepared]]]
    future: Future[list[AppendResult]] = field(default_factory=Future)


@dataclass
class _Chain:
    position: int
    hash: bytes
    recorded_at: str


class Ledger:
    """The event store. Thread-safe; one committer thread batches concurrent appends.

    ``project``: update the projection tables in the same transaction (default True).
    """

    def __init__(self, bind: Engine | str, *, max_batch: int = 2000, project: bool = True):
        self.engine = as_engine(bind)
        self.max_batch = max_batch
        self.project = project
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False

    # ------------------------------------------------------------------ public API

    def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None = None
    ) -> list[Recorded]:
        """Append events to a stream atomically; return where they landed.

        Raises :class:`WrongExpectedVersion` or :class:`EventIdConflict` (nothing written).
        Re-appending events already recorded returns their original positions.
        """
        result = self._submit([AppendRequest(stream_id, events, expected_version)]).result()[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    async def append_async(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None = None
    ) -> list[Recorded]:
        """The asyncio form of :meth:`append` (awaits the group commit)."""
        fut = self._submit([AppendRequest(stream_id, events, expected_version)])
        result = (await asyncio.wrap_future(fut))[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    def append_many(self, requests: Sequence[AppendRequest]) -> list[AppendResult]:
        """Submit many requests at once; each succeeds or fails on its own (one transaction)."""
        return self._submit(list(requests)).result()

    async def append_many_async(self, requests: Sequence[AppendRequest]) -> list[AppendResult]:
        """The asyncio form of :meth:`append_many`."""
        return await asyncio.wrap_future(self._submit(list(requests)))

    def close(self) -> None:
        """Stop the committer after the queued appends; the engine stays open."""
        with self._start_lock:
            self._closed = True
            if self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._thread = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ committer

    def _submit(self, requests: list[AppendRequest]) -> Future[list[AppendResult]]:
        # Encoding happens on the caller's thread, outside the committer's critical path.
        job = _Job([(r, [_prepare(e) for e in r.events]) for r in requests])
        with self._start_lock:
            if self._closed:
                raise LedgerClosed("the ledger was closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="uprflow-ledger-committer", daemon=True
                )
                self._thread.start()
            self._queue.put(job)
        return job.future

    def _run(self) -> None:
        stop = False
        while not stop:
            job = self._queue.get()
            if job is None:
                return
            jobs, size = [job], len(job.requests)
            while size < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                jobs.append(more)
                size += len(more.requests)
            self._commit(jobs)

    def _commit(self, jobs: list[_Job]) -> None:
        requests = [r for job in jobs for r in job.requests]
        try:
            results = self._write(requests)
        except Exception as exc:
            if len(jobs) == 1:
                jobs[0].future.set_exception(exc)
                return
            # Why: one bad request must not fail the others sharing its commit; retry alone.
            for job in jobs:
                self._commit([job])
            return
        i = 0
        for job in jobs:
            n = len(job.requests)
            job.future.set_result(results[i : i + n])
            i += n

    # ------------------------------------------------------------------ one transaction

    def _write(self, requests: list[tuple[AppendRequest, list[_Prepared]]]) -> list[AppendResult]:
        with write_connection(self.engine) as conn, conn.begin():
            lock_for_write(conn)
            chain = self._head(conn)
            ids = [p.event_id for _, preps in requests for p in preps]
            existing = self._existing(conn, ids)
            versions = self._versions(conn, {r.stream_id for r, _ in requests})
            staged: dict[str, tuple[Recorded, tuple[Any, ...]]] = {}
            rows: list[dict[str, Any]] = []
            projected: list[tuple[_Stamp, DomainEvent]] = []
            results: list[AppendResult] = []
            for request, preps in requests:
                try:
                    results.append(
                        self._plan(
                            request, preps, chain, existing, staged, versions, rows, projected
                        )
                    )
                except LedgerError as exc:
                    results.append(exc)
            if rows:
                conn.execute(_INSERT, rows)
                if self.project:
                    project(conn, projected)
        return results

    @staticmethod
    def _head(conn: Connection) -> _Chain:
        row = conn.execute(_HEAD).first()
        now = format_ts(utc_now())
        if row is None:
            return _Chain(0, GENESIS, now)
        # Why: recorded_at never runs backwards along the log, so "as of T" is a log prefix.
        return _Chain(row.position, bytes(row.hash), max(now, row.recorded_at))

    @staticmethod
    def _existing(conn: Connection, ids: list[str]) -> dict[str, tuple[Recorded, bytes]]:
        found: dict[str, tuple[Recorded, bytes]] = {}
        for i in range(0, len(ids), _IN_CHUNK):
            for row in conn.execute(_EXISTING, {"ids": ids[i : i + _IN_CHUNK]}):
                rec = Recorded(row.position, row.stream_id, row.stream_version, UUID(row.event_id))
                found[row.event_id] = (rec, bytes(row.body))
        return found

    @staticmethod
    def _versions(conn: Connection, streams: set[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        names = sorted(streams)
        for i in range(0, len(names), _IN_CHUNK):
            rows = conn.execute(_VERSIONS, {"streams": names[i : i + _IN_CHUNK]})
            out.update({sid: int(v) for sid, v in rows})
        return out

    @staticmethod
    def _plan(
        request: AppendRequest,
        preps: list[_Prepared],
        chain: _Chain,
        existing: dict[str, tuple[Recorded, bytes]],
        staged: dict[str, tuple[Recorded, tuple[Any, ...]]],
        versions: dict[str, int],
        rows: list[dict[str, Any]],
        projected: list[tuple[_Stamp, DomainEvent]],
    ) -> list[Recorded]:
        sid = request.stream_id
        if not preps:
            return []
        # Idempotency first: a retried append must succeed even though the version moved on.
        hits: list[tuple[Recorded, tuple[Any, ...]] | None] = []
        any_hit = False
        for p in preps:
            if p.event_id in existing:
                rec, body = existing[p.event_id]
                hits.append((rec, _stored_content(body)))
                any_hit = True
            else:
                hit = staged.get(p.event_id)
                any_hit = any_hit or hit is not None
                hits.append(hit)
        if any_hit:
            out: list[Recorded] = []
            for p, hit in zip(preps, hits, strict=True):
                if hit is None:
                    raise EventIdConflict(
                        p.event_id, "is new but other events of the same append are recorded"
                    )
                if hit[1] != p.content(sid):
                    raise EventIdConflict(p.event_id, "is already recorded with different content")
                out.append(hit[0])
            return out
        if len({p.event_id for p in preps}) != len(preps):
            raise EventIdConflict(preps[0].event_id, "appears twice in one append")
        current = versions.get(sid, 0)
        if request.expected_version is not None and request.expected_version != current:
            raise WrongExpectedVersion(sid, request.expected_version, current)

        stream_json = canonical_str(sid)
        out = []
        for p in preps:
            prev_position = chain.position
            chain.position += 1
            current += 1
            body = (
                f'{p.head}"payload":{p.payload},"position":{chain.position},'
                f'"prev_position":{prev_position},"recorded_at":"{chain.recorded_at}",'
                f'"schema_version":{p.schema_version},"stream_id":{stream_json},'
                f'"stream_version":{current},"trace":{p.trace}}}'
            ).encode()
            digest = chain_hash(chain.hash, body)
            rows.append(
                {"position": chain.position, "body": body, "prev_hash": chain.hash, "hash": digest}
            )
            chain.hash = digest
            rec = Recorded(chain.position, sid, current, p.new.event_id)
            staged[p.event_id] = (rec, p.content(sid))
            out.append(rec)
            projected.append((_Stamp(chain.position, p.occurred_dt, p.new.event), p.new.event))
        versions[sid] = current
        return out


__all__ = ["Actor", "AppendRequest", "AppendResult", "Ledger", "NewEvent", "Recorded", "Trace"]
