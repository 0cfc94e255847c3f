"""Shared pieces for workflow tests: a real SQLite ledger and a worker with every workflow."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

from uprflow.activities.ledger import LedgerActivities
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.notices import Notice
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all, read_stream


@dataclass
class NoticeBox:
    """Collects the notices the workflows send (an inbox-only delivery channel)."""

    notices: list[Notice] = field(default_factory=list)

    @activity.defn(name="deliver_notice")
    async def deliver_notice(self, notice: Notice) -> None:
        self.notices.append(notice)

    def to(self, org: str, template: str | None = None) -> list[Notice]:
        return [
            n
            for n in self.notices
            if n.recipient_org == org and (template is None or n.template == template)
        ]


@dataclass
class Rig:
    """A worker on a unique task queue over a fresh ledger."""

    client: Client
    engine: sa.Engine
    ledger: Ledger
    task_queue: str
    box: NoticeBox

    def stream(self, stream_id: str) -> list[EventEnvelope]:
        with self.engine.connect() as conn:
            return read_stream(conn, stream_id)

    def all_events(self) -> list[EventEnvelope]:
        return list(iter_all(self.engine))

    async def wait_for(self, predicate: Callable[[], bool], what: str, attempts: int = 200) -> None:
        for _ in range(attempts):
            if predicate():
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")


@asynccontextmanager
async def rig(
    client: Client,
    db_url: str,
    workflows: Sequence[type],
    extra_activities: Sequence[Any] = (),
) -> AsyncIterator[Rig]:
    migrate(db_url)
    engine = make_engine(db_url)
    ledger = Ledger(engine)
    box = NoticeBox()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    acts = LedgerActivities(ledger)
    try:
        async with Worker(
            client,
            task_queue=queue,
            workflows=list(workflows),
            activities=[acts.record_events, box.deliver_notice, *extra_activities],
        ):
            yield Rig(client, engine, ledger, queue, box)
    finally:
        ledger.close()
        engine.dispose()
