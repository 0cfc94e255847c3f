"""Health of every part uprflow depends on: API, ledger database, Temporal, worker.

``GET /health`` answers 200 only when all four are up; otherwise 503 with each component's
status and a reason, so an operator (or a load balancer) sees at once what is down.
For orchestrators there are two probes beside it: ``GET /livez`` (the process answers; no
dependency is checked, so a database outage never gets the API restarted) and
``GET /readyz`` (database, Temporal and worker pollers up: send traffic; 503 naming what is
down otherwise).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from uprflow import __version__
from uprflow.api.deps import RuntimeDep
from uprflow.api.runtime import Runtime

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


class Liveness(BaseModel):
    """The body of ``GET /livez``."""

    model_config = ConfigDict(json_schema_extra={"example": {"status": "up"}})

    status: Literal["up"] = "up"


class Readiness(BaseModel):
    """The body of ``GET /readyz``: the dependencies' states and the names of those down."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "status": "down",
                "down": ["worker"],
                "components": {
                    "database": {"status": "up", "detail": "postgresql"},
                    "temporal": {"status": "up", "detail": "temporal:7233"},
                    "worker": {
                        "status": "down",
                        "detail": "task queue 'uprflow': 0 workflow, 0 activity pollers",
                    },
                },
            }
        }
    )

    status: Literal["up", "down"]
    down: list[str] = Field(description="the components that are down (empty when ready)")
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


async def dependencies(rt: Runtime) -> dict[str, Component]:
    """The states of the ledger database, Temporal and the worker pollers, checked now."""
    client = await rt.temporal.get()
    return {
        "database": check_database(rt.engine),
        "temporal": await check_temporal(client, rt.temporal.last_error),
        "worker": await check_worker(client, rt.settings.temporal_task_queue),
    }


#: ``/health``, ``/livez`` and ``/readyz``. Why no token: probes and load balancers call
#: them; they reveal states and versions, never data.
router = APIRouter(tags=["operations"])


@router.get(
    "/health",
    response_model=HealthReport,
    summary="Health of the API, the ledger database, Temporal and the worker",
    responses={503: {"model": HealthReport, "description": "a component is down"}},
)
async def health(rt: RuntimeDep) -> JSONResponse:
    """Every component with a reason; 200 only when all are up."""
    components = {"api": Component(status="up", detail=f"uprflow {__version__}")}
    components.update(await dependencies(rt))
    body = report(components)
    return JSONResponse(body.model_dump(), status_code=200 if body.status == "up" else 503)


@router.get(
    "/livez",
    response_model=Liveness,
    summary="Liveness probe: the API process answers",
    description="Always 200 while the process serves requests. Checks no dependency, so an "
    "outage of the database or Temporal never makes an orchestrator restart the API.",
)
async def livez() -> Liveness:
    """The process is alive."""
    return Liveness()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Readiness probe: the database, Temporal and a worker are up",
    description="200 when the ledger database answers, Temporal serves and workers poll the "
    "task queue; 503 naming the components that are down otherwise (take the API out of "
    "the load balancer until it is ready).",
    responses={503: {"model": Readiness, "description": "a dependency is down"}},
)
async def readyz(rt: RuntimeDep) -> JSONResponse:
    """Ready when every dependency is up."""
    components = await dependencies(rt)
    down = sorted(name for name, c in components.items() if c.status != "up")
    body = Readiness(status="down" if down else "up", down=down, components=components)
    return JSONResponse(body.model_dump(), status_code=503 if down else 200)
