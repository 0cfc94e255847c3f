"""How a caller waits for the group commit that holds its events.

The committer answers each job through the small part of the ``concurrent.futures.Future``
interface it uses (``set_running_or_notify_cancel``, ``done``, ``set_result``,
``set_exception``): a blocking caller through a :class:`Waiter`, an asyncio caller through a
:class:`LoopAnswer` settled on its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from uprflow.store.append import AppendResult


class Waiter:
    """What a blocking caller waits on: a pre-acquired lock the committer releases.

    Why not a Future: a synchronous caller cannot cancel, so it needs none of a Future's
    condition variable and callbacks, which cost several microseconds per append on the
    committer's critical path. Same subset of the Future interface the committer uses.
    """

    __slots__ = ("_done", "_error", "_lock", "_result")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()
        self._done = False
        self._result: list[AppendResult] | None = None
        self._error: BaseException | None = None

    def set_running_or_notify_cancel(self) -> bool:
        return True

    def done(self) -> bool:
        return self._done

    def set_result(self, result: list[AppendResult]) -> None:
        self._result, self._done = result, True
        self._lock.release()

    def set_exception(self, error: BaseException) -> None:
        self._error, self._done = error, True
        self._lock.release()

    def result(self) -> list[AppendResult]:
        self._lock.acquire()  # released once, by the committer, after the commit
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


class LoopAnswer:
    """An asyncio caller's answer: an asyncio future settled on its own event loop.

    Why not ``wrap_future``: that chains a concurrent Future to an asyncio one and wakes the
    loop once per caller; the committer instead settles all the futures of one loop from a
    batch with ONE ``call_soon_threadsafe`` (see ``Ledger._commit``). A caller cancelled
    before its batch is written is dropped, as with a Future.
    """

    __slots__ = ("_done", "fut", "loop")

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.fut: asyncio.Future[list[AppendResult]] = self.loop.create_future()
        self._done = False

    def set_running_or_notify_cancel(self) -> bool:
        return not self.fut.cancelled()

    def done(self) -> bool:
        return self._done

    def set_result(self, result: list[AppendResult]) -> None:
        self._done = True
        call_soon(self.loop, settle, [(self.fut, result)])

    def set_exception(self, error: BaseException) -> None:
        self._done = True
        call_soon(self.loop, settle, [(self.fut, error)])

    def batched(
        self, result: list[AppendResult]
    ) -> tuple[asyncio.Future[list[AppendResult]], list[AppendResult]]:
        """Answered as part of a batch: the item to :func:`settle` with the loop's others."""
        self._done = True
        return self.fut, result


def call_soon(loop: asyncio.AbstractEventLoop, fn: Any, arg: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the caller's loop closed: nobody is waiting
        loop.call_soon_threadsafe(fn, arg)


def settle(items: list[tuple[asyncio.Future[list[AppendResult]], Any]]) -> None:
    for fut, value in items:
        if fut.cancelled():
            continue
        if isinstance(value, BaseException):
            fut.set_exception(value)
        else:
            fut.set_result(value)
