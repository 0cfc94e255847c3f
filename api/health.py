"""Liveness of every part uprflow depends on: API, ledger database, Temporal, worker.

``GET /health`` answers 200 only when all four are up; otherwise 503 with each component's
status and a reason, so an operator (or a load balancer) sees at once what is down.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

#: A worker long-polls for about a minute; a poller last seen longer ago than this has gone.
POLLER_FRESHNESS = timedelta(seconds=75)
CHECK_TIMEOUT_S = 3.0


class Component(BaseModel):
    """One component's state in the health report."""

    status: Literal["up", "down"]
    detail: str = ""


class HealthReport(BaseModel):
    """The body of ``GET /health``."""

    status: Literal["up", "down"]
    components: dict[str, Component]


def check_database(engine: sa.Engine) -> Component:
    """Run ``SELECT 1`` on the ledger database."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return Component(status="up", detail=engine.url.get_backend_name())
    except Exception as exc:  # health reports every failure as "down", never raises
        return Component(status="down", detail=f"{type(exc).__name__}: {exc}"[:300])


async def check_temporal(client: Client | None, error: str = "") -> Component:
    """Ask the Temporal frontend whether it serves (gRPC health check)."""
    if client is None:
        return Component(status="down", detail=error or "not connected")
    try:
        ok = await asyncio.wait_for(client.service_client.check_health(), CHECK_TIMEOUT_S)
    except Exception as exc:
        return Component(status="down", detail=f"{type(exc).__name__}: {exc}"[:300])
    return Component(status="up" if ok else "down", detail=client.service_client.config.target_host)


async def check_worker(client: Client | None, task_queue: str) -> Component:
    """A worker is up when a poller was seen on the workflow and activity task queues lately."""
    if client is None:
        return Component(status="down", detail="Temporal not connected")
    now = datetime.now(UTC)
    found: dict[str, int] = {}
    try:
        for kind, name in (
            (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "workflow"),
            (TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, "activity"),
        ):
            resp = await asyncio.wait_for(
                client.workflow_service.describe_task_queue(
                    DescribeTaskQueueRequest(
                        namespace=client.namespace,
                        task_queue=TaskQueue(name=task_queue),
                        task_queue_type=kind,
                    )
                ),
                CHECK_TIMEOUT_S,
            )
            found[name] = sum(
                1
                for p in resp.pollers
                if now - p.last_access_time.ToDatetime(tzinfo=UTC) <= POLLER_FRESHNESS
            )
    except Exception as exc:
        return Component(status="down", detail=f"{type(exc).__name__}: {exc}"[:300])
    detail = (
        f"task queue {task_queue!r}: {found['workflow']} workflow, "
        f"{found['activity']} activity pollers"
    )
    return Component(status="up" if all(found.values()) else "down", detail=detail)


def report(components: dict[str, Component]) -> HealthReport:
    """Fold component states into the overall status."""
    overall = "up" if all(c.status == "up" for c in components.values()) else "down"
    return HealthReport(status=overall, components=components)
