"""The FastAPI application (composition root for the HTTP side)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api import problems
from api.health import (
    Component,
    HealthReport,
    check_database,
    check_temporal,
    check_worker,
    report,
)
from api.routes import ROUTERS
from api.runtime import Runtime, TemporalHandle
from store.db import make_engine
from store.ledger import Ledger
from store.migrate import migrate
from uprflow import __version__
from uprflow.config import Settings, get_settings
from uprflow.logging import get_logger

log = get_logger("uprflow.api")

DESCRIPTION = """
The HTTP API of uprflow. Ministries complete their tasks here; the NMRF secretariat steers
cycles; NHRIs, civil society and parliament take part in their windows; auditors read and
verify the ledger; the public sees published data.

Authenticate with `Authorization: Bearer <token>` (tokens from `uprflow tokens issue`). Every
POST accepts an `Idempotency-Key` header: a retried request returns the first result and
changes nothing. Errors are RFC 9457 problem details; validation errors name each field.
"""

TAGS = [
    {"name": "cycles", "description": "UPR cycles and their stages (secretariat)"},
    {"name": "recommendations", "description": "recommendations, positions and status"},
    {"name": "tasks", "description": "the task inbox of each organisation"},
    {"name": "participation", "description": "comments and submissions in open windows"},
    {"name": "audit", "description": "the ledger, its verification and time travel (auditors)"},
    {"name": "public", "description": "published data, no token needed"},
    {"name": "operations", "description": "health"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for ``settings`` (the environment's by default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            migrate(settings.ledger_url)
        except Exception as exc:
            # Why: the API must still start and say what is wrong in /health (503) rather
            # than crash-loop while the database is unreachable; the worker migrates too.
            log.error("ledger migration failed; /health reports the database", error=str(exc))
        engine = make_engine(settings.ledger_url)
        ledger = Ledger(engine)
        app.state.runtime = Runtime(settings, engine, TemporalHandle(settings), ledger)
        try:
            yield
        finally:
            ledger.close()
            engine.dispose()

    app = FastAPI(
        title="uprflow",
        version=__version__,
        summary="The UPR cycle of a State, run as workflows over a verifiable ledger.",
        lifespan=lifespan,
        description=DESCRIPTION,
        openapi_tags=TAGS,
    )
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.get(
        "/health",
        response_model=HealthReport,
        summary="Health of the API, the ledger database, Temporal and the worker",
        responses={503: {"model": HealthReport, "description": "a component is down"}},
        tags=["operations"],
    )
    async def health(request: Request) -> JSONResponse:
        rt: Runtime = request.app.state.runtime
        client = await rt.temporal.get()
        components = {
            "api": Component(status="up", detail=f"uprflow {__version__}"),
            "database": check_database(rt.engine),
            "temporal": await check_temporal(client, rt.temporal.last_error),
            "worker": await check_worker(client, rt.settings.temporal_task_queue),
        }
        body = report(components)
        return JSONResponse(body.model_dump(), status_code=200 if body.status == "up" else 503)

    return app
