"""The ledger: appends through one committer thread that writes waiting requests together.

One committer thread per :class:`Ledger` drains a queue of append requests and writes all
that are waiting in ONE transaction (group commit): while one commit is being fsynced, new
requests pile up and share the next one. Every request is checked on its own — an expected
version conflict or an event-id conflict fails that request only, with a typed error, and
writes nothing of it (:mod:`uprflow.store.append`) — and each caller is answered only after
the transaction that holds its events has committed (:mod:`uprflow.store.answers`). Both a
thread-safe sync API and an asyncio API feed the same queue; events are encoded on the
caller's thread (:mod:`uprflow.store.prepared`).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.store.answers import LoopAnswer, Waiter, call_soon, settle
from uprflow.store.append import AppendRequest, AppendResult, Recorded, write
from uprflow.store.db import as_engine
from uprflow.store.errors import LedgerClosed, LedgerError
from uprflow.store.prepared import Prepared, prepare


@dataclass
class _Job:
    requests: list[tuple[AppendRequest, list[Prepared]]]
    future: Future[list[AppendResult]] | Waiter | LoopAnswer = field(default_factory=Future)


class Ledger:
    """The event store. Thread-safe; one committer thread batches concurrent appends.

    ``project``: update the projection tables in the same transaction (default True).
    """

    def __init__(
        self,
        bind: Engine | str,
        *,
        max_batch: int = 2000,
        project: bool = True,
        gather_wait: float = 0.002,
    ):
        self.engine = as_engine(bind)
        self.max_batch = max_batch
        self.project = project
        self.gather_wait = gather_wait
        self._gathering = False  # the committer is waiting for ``_want`` more jobs
        self._want = 0
        self._full = threading.Event()
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
        waiter = Waiter()
        self._submit([AppendRequest(stream_id, events, expected_version)], waiter)
        result = waiter.result()[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    async def append_async(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: int | None = None
    ) -> list[Recorded]:
        """The asyncio form of :meth:`append` (awaits the group commit)."""
        answer = LoopAnswer()
        self._submit([AppendRequest(stream_id, events, expected_version)], answer)
        result = (await answer.fut)[0]
        if isinstance(result, LedgerError):
            raise result
        return result

    def append_many(self, requests: Sequence[AppendRequest]) -> list[AppendResult]:
        """Submit many requests at once; each succeeds or fails on its own (one transaction)."""
        waiter = Waiter()
        self._submit(list(requests), waiter)
        return waiter.result()

    async def append_many_async(self, requests: Sequence[AppendRequest]) -> list[AppendResult]:
        """The asyncio form of :meth:`append_many`."""
        answer = LoopAnswer()
        self._submit(list(requests), answer)
        return await answer.fut

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

    def _submit(
        self,
        requests: list[AppendRequest],
        answer: Future[list[AppendResult]] | Waiter | LoopAnswer,
    ) -> None:
        # Encoding happens on the caller's thread, outside the committer's critical path.
        job = _Job([(r, [prepare(e) for e in r.events]) for r in requests], answer)
        with self._start_lock:
            if self._closed:
                raise LedgerClosed("the ledger was closed")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="uprflow-ledger-committer", daemon=True
                )
                self._thread.start()
            self._queue.put(job)
        if self._gathering and self._queue.qsize() >= self._want:
            self._full.set()

    def _run(self) -> None:
        stop = False
        # Callers active around the last commit: those it answered plus those that queued
        # meanwhile. Answered callers usually come straight back with their next append.
        active = 0
        while not stop:
            job = self._queue.get()
            if job is None:
                return
            jobs, size = [job], len(job.requests)
            gathered = False
            while size < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    # Why wait a moment: without it the committer takes whoever queued during
                    # the last fsync while the callers it just answered are still on their
                    # way back, and the batches settle at half the callers. Waiting (at most
                    # ``gather_wait``, once) for the expected callers lets one fsync serve
                    # them all. A lone caller (active <= 1) never waits. The committer sleeps
                    # on one event that the submitter completing the batch sets, rather than
                    # waking (and taking the GIL) for every arrival.
                    if gathered or len(jobs) >= active or self.gather_wait <= 0:
                        break
                    gathered = True
                    self._want = active - len(jobs)
                    self._full.clear()
                    self._gathering = True
                    if self._queue.qsize() < self._want:
                        self._full.wait(self.gather_wait)
                    self._gathering = False
                    continue
                if more is None:
                    stop = True
                    break
                jobs.append(more)
                size += len(more.requests)
            # Why: a caller may cancel while waiting (an asyncio task, a cancelled Temporal
            # activity). A cancelled job is dropped before writing; a running one can no
            # longer be cancelled, so answering it below cannot fail and kill this thread.
            live = [j for j in jobs if j.future.set_running_or_notify_cancel()]
            if live:
                try:
                    self._commit(live)
                except BaseException as exc:  # pragma: no cover - last-resort guard
                    for j in live:
                        if not j.future.done():
                            j.future.set_exception(exc)
            active = len(jobs) + self._queue.qsize()

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
        loops: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        for job in jobs:
            n = len(job.requests)
            answer = job.future
            if isinstance(answer, LoopAnswer):
                loops.setdefault(answer.loop, []).append(answer.batched(results[i : i + n]))
            else:
                answer.set_result(results[i : i + n])
            i += n
        for loop, items in loops.items():  # one wake-up per event loop, not per caller
            call_soon(loop, settle, items)

    def _write(self, requests: list[tuple[AppendRequest, list[Prepared]]]) -> list[AppendResult]:
        return write(self.engine, requests, projections=self.project)


__all__ = ["Actor", "AppendRequest", "AppendResult", "Ledger", "NewEvent", "Recorded", "Trace"]
