"""The ledger export as a stream of chunks, for ``GET /audit/export``.

The export is :func:`uprflow.store.export.export`, the same function as ``uprflow audit
export``, run from one read snapshot; no checkpoint is recorded (auditors write nothing).
"""

from __future__ import annotations

import asyncio
import io
import queue
import threading
from collections.abc import AsyncIterator
from typing import TextIO, cast

import sqlalchemy as sa

from uprflow.store.export import export

_END = object()


class _ChunkWriter(io.TextIOBase):
    """A text sink that hands ~64 KiB chunks to a bounded queue (back-pressure on the export).

    Why a thread and a queue: :func:`uprflow.store.export.export` writes synchronously from one read
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


async def export_stream(engine: sa.Engine) -> AsyncIterator[bytes]:
    """The ledger export (as ``uprflow audit export``, no checkpoint) as ~64 KiB chunks."""
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
