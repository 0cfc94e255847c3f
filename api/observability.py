"""Request ids and Prometheus metrics for every HTTP request.

:class:`Observability` wraps the whole application, the error handlers included, so that:

- each request has an id: the caller's ``X-Request-ID`` when it is short and printable,
  otherwise a new one (uuid4 hex). It is bound to the structlog context for the request —
  every log line written while the request runs carries ``request_id`` — returned in the
  ``X-Request-ID`` response header, and put in the trace of the events the request records
  (:func:`request_id`);
- each request is counted and timed by method, route template and status code, served at
  ``GET /metrics`` in the Prometheus text format.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
_HEADER_BYTES = HEADER.lower().encode()
#: What a caller's id must look like to be adopted: 1-128 visible ASCII characters. Why:
#: the id lands in log lines and in the ledger; anything longer or with control characters
#: or spaces could forge log lines or bloat every event.
_VALID = re.compile(r"[\x21-\x7e]{1,128}")
#: The route label of a request no route matched (a 404). Why not the raw path: every
#: scanner's probe would create a new time series.
UNMATCHED = "<unmatched>"


def request_id(request: Request) -> str | None:
    """The id of ``request`` (set by :class:`Observability`), for an event's trace."""
    value = getattr(request.state, "request_id", None)
    return value if isinstance(value, str) else None


def _incoming_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == _HEADER_BYTES:
            candidate = value.decode("latin-1")
            if _VALID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class HttpMetrics:
    """The API's Prometheus metrics, in a registry of their own (one per application)."""

    def __init__(self) -> None:
        # Why a private registry: the tests build many apps in one process, and the default
        # registry refuses a second metric with the same name.
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        labels = ("method", "route", "status")
        self.duration = Histogram(
            "uprflow_http_request_duration_seconds",
            "Time from receiving an HTTP request to the end of its response",
            labels,
            registry=self.registry,
        )
        self.requests = Counter(
            "uprflow_http_requests",
            "HTTP requests answered",
            labels,
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.duration.labels(method, route, str(status)).observe(seconds)
        self.requests.labels(method, route, str(status)).inc()

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)


class Observability:
    """ASGI middleware: the request id (context, header, ``request.state``) and metrics."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        header = (_HEADER_BYTES, rid.encode("latin-1"))
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [h for h in message.get("headers", ()) if h[0] != _HEADER_BYTES]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=rid)
        try:
            await self.app(scope, receive, send_with_id)
        except BaseException:
            # Why no reset here: the server logs the unhandled error after this frame has
            # returned; the binding lives in the request's own task and ends with it.
            self._observe(scope, status, started)
            raise
        self._observe(scope, status, started)
        structlog.contextvars.reset_contextvars(**tokens)

    def _observe(self, scope: Scope, status: int, started: float) -> None:
        self.metrics.observe(
            scope.get("method", "?"), _route_template(scope), status, time.perf_counter() - started
        )


def metrics_router(metrics: HttpMetrics) -> APIRouter:
    """``GET /metrics`` (left out of the OpenAPI document: it is for Prometheus, not clients)."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
