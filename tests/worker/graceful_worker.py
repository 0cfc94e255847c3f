"""The production worker plus one slow activity, for the graceful-shutdown test.

Run as ``python -m tests.worker.graceful_worker`` with the usual ``UPRFLOW_*`` settings.
It registers :class:`SlowDeliveryProbe` and ``slow_delivery`` beside the production workflows
and activities, then calls ``worker.main()`` unchanged: its signal handling, ``run_worker``
and ``build_worker`` (with the configured shutdown grace) are the code under test.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio import activity

from tests.worker.graceful_workflows import SlowDeliveryProbe, SlowDeliveryRequest
from uprflow import worker as production
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import NotificationDelivered
from uprflow.store.ledger import Ledger

#: Where the probe's events go.
STREAM = "graceful-probe"


def _note(path: str, line: str) -> None:
    with Path(path).open("a") as fh:
        fh.write(line + "\n")


class SlowDelivery:
    """An activity that takes a while and then records one event through the real ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @activity.defn(name="slow_delivery")
    async def slow_delivery(self, request: SlowDeliveryRequest) -> int:
        """Sleep, then append ``NotificationDelivered``; a fresh event id on every attempt,
        so an attempt that ran twice would show as two events."""
        info = activity.info()
        _note(request.runs_file, f"started {info.attempt}")
        await asyncio.sleep(request.seconds)
        event = NotificationDelivered(
            cycle_id=request.cycle_id,
            notification_id=request.notification_id,
            recipient="probe",
            channel="inbox",
            template="graceful-shutdown",
        )
        recorded = await self._ledger.append_async(
            STREAM,
            [
                NewEvent(
                    event=event,
                    event_id=uuid.uuid4(),
                    occurred_at=datetime.now(UTC),
                    actor=Actor(role="system", organisation="uprflow", subject="probe"),
                    trace=Trace(workflow_id=info.workflow_id, run_id=info.workflow_run_id),
                )
            ],
        )
        _note(request.runs_file, "finished")
        return recorded[0].position


def main() -> None:
    """``worker.main()`` with the probe workflow and activity registered as well."""
    build_production_activities = production.build_activities

    def build_activities(engine: Any, ledger: Ledger, *args: Any, **kwargs: Any) -> list[Any]:
        found = build_production_activities(engine, ledger, *args, **kwargs)
        return [*found, SlowDelivery(ledger).slow_delivery]

    production.build_activities = build_activities  # type: ignore[assignment]
    production.WORKFLOWS = (*production.WORKFLOWS, SlowDeliveryProbe)
    production.main()


if __name__ == "__main__":
    main()
