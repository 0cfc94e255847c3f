"""The FastAPI application (composition root for the HTTP side)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp

from uprflow import __version__
from uprflow.api import health, problems
from uprflow.api.limits import Limits
from uprflow.api.observability import HttpMetrics, Observability, metrics_router
from uprflow.api.routes import ROUTERS
from uprflow.api.runtime import Runtime, TemporalHandle
from uprflow.config import Settings, get_settings
from uprflow.logging import get_logger
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate

log = get_logger("uprflow.api")

DESCRIPTION = """
The HTTP API of uprflow. Ministries complete their tasks here; the NMRF secretariat steers
cycles; NHRIs, civil society and parliament take part in their windows; auditors read and
verify the ledger; the public sees published data.

Authenticate with `Authorization: Bearer <token>` (tokens from `uprflow tokens issue`). Every
POST accepts an `Idempotency-Key` header: a retried request returns the first result and
changes nothing. Errors are RFC 9457 problem details; validation errors name each field.

Every response carries an `X-Request-ID` header: the caller's own (1-128 visible ASCII
characters) or a new one. It is on every log line the request writes and in the trace of
every event it records.
"""

TAGS = [
    {"name": "cycles", "description": "UPR cycles and their stages (secretariat)"},
    {"name": "recommendations", "description": "recommendations, positions and status"},
    {"name": "tasks", "description": "the task inbox of each organisation"},
    {"name": "participation", "description": "comments and submissions in open windows"},
    {"name": "audit", "description": "the ledger, its verification and time travel (auditors)"},
    {"name": "public", "description": "published data, no token needed"},
    {
        "name": "operations",
        "description": "health and the orchestrator's probes (no token needed): /health, "
        "/livez, /readyz; Prometheus metrics at /metrics (not part of this document)",
    },
]


class UprflowAPI(FastAPI):
    """FastAPI with :class:`Observability` outside every other layer.

    Why outside: Starlette's error layer is the outermost one; wrapping it gives even a 500
    its request id (header and log line) and its place in the metrics.
    """

    def __init__(self, *, settings: Settings | None = None, **kwargs: Any) -> None:
        self.http_metrics = HttpMetrics()
        self.uprflow_settings = settings
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        """The usual stack inside :class:`Limits` (rates, body caps: before anything is
        read), wrapped in :class:`Observability`."""
        limits = Limits(
            super().build_middleware_stack(),
            self,
            lambda: self.uprflow_settings or get_settings(),
        )
        return Observability(limits, self.http_metrics)


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

    app = UprflowAPI(
        settings=settings,
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
    app.include_router(health.router)
    app.include_router(metrics_router(app.http_metrics))

    return app
