"""Request limits applied before the application reads anything: rates and body sizes.

:class:`Limits` is an ASGI middleware just inside :class:`~uprflow.api.observability.
Observability` (so its answers carry a request id and are counted). For every request it:

- **rate-limits** the caller with a token bucket: per bearer token
  (``UPRFLOW_RATE_LIMIT_AUTHENTICATED_PER_MINUTE``), and per client address
  (``UPRFLOW_RATE_LIMIT_ANONYMOUS_PER_MINUTE``) when there is no token or the token was never
  seen to authenticate (so random tokens do not buy fresh buckets). The address is
  ``scope["client"]`` as uvicorn sets it (``proxy_headers``: the forwarded address when the
  proxy is trusted). Probes and ``/metrics`` are exempt. Above the rate: 429 problem+json with
  ``Retry-After``;
- **caps the body** at the matched route's limit (``UPRFLOW_MAX_BODY_BYTES``, or
  ``UPRFLOW_MAX_IMPORT_BYTES`` for the file import): a ``Content-Length`` above it is refused
  with 413 before a byte is read, and a streamed (chunked) body is counted as it arrives and
  refused with 413 as soon as it passes the limit;
- refuses an **anonymous body** sent to a route that needs a token with 401 before reading it.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uprflow.api.deps import principal
from uprflow.api.problems import MEDIA_TYPE, Problem
from uprflow.config import Settings

#: Routes no limit applies to: the orchestrator's probes and Prometheus.
EXEMPT = frozenset({"/livez", "/readyz", "/health", "/metrics"})
#: Routes whose body is a whole file (``UPRFLOW_MAX_IMPORT_BYTES``).
IMPORT_ROUTES = frozenset({"/cycles/{cycle_id}/recommendations/import-file"})
#: How many callers the buckets and the known-token set remember (oldest forgotten first).
MAX_KEYS = 100_000


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its route's limit (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class Buckets:
    """Token buckets by key: ``per_minute`` requests, refilled continuously, bursts up to
    ``per_minute``. Bounded: the least recently used key is forgotten beyond ``MAX_KEYS``."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one token for ``key``: 0 when allowed, else the seconds until one is free."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        tokens, at = self._state.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - at) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._state[key] = (tokens, now)
        if len(self._state) > MAX_KEYS:
            self._state.popitem(last=False)
        return wait


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every route, with included routers flattened (this API includes them unprefixed)."""
    out: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append(route)
        elif hasattr(route, "original_router"):
            out.extend(_api_routes(route.original_router.routes))
    return out


def _needs_token(dependant: Any) -> bool:
    if getattr(dependant, "call", None) is principal:
        return True
    return any(_needs_token(d) for d in getattr(dependant, "dependencies", ()))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _problem(
    scope: Scope, send: Send, status: int, title: str, detail: str, kind: str, **headers: str
) -> None:
    body = Problem(
        type=f"https://uprflow.org/problems/{kind}",
        title=title,
        status=status,
        detail=detail,
        instance=scope.get("path"),
    ).model_dump(exclude_none=True)
    raw = json.dumps(body).encode()
    head = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(raw)).encode())]
    head += [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})


class Limits:
    """ASGI middleware: rate limits, body caps and early 401 (see the module docstring)."""

    def __init__(self, app: ASGIApp, api: FastAPI, settings: Callable[[], Settings]) -> None:
        self.app = app
        self.api = api
        self._settings = settings
        self._ready = False
        self._needs: dict[int, bool] = {}
        self._known: OrderedDict[str, None] = OrderedDict()

    def _setup(self) -> None:
        s = self._settings()
        self.max_body = s.max_body_bytes
        self.max_import = s.max_import_bytes
        self.anonymous = Buckets(s.rate_limit_anonymous_per_minute)
        self.authenticated = Buckets(s.rate_limit_authenticated_per_minute)
        self.routes = _api_routes(self.api.router.routes)
        self._ready = True

    def _route(self, scope: Scope) -> APIRoute | None:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return route
        return None

    def _route_needs_token(self, route: APIRoute) -> bool:
        key = id(route)
        if key not in self._needs:
            self._needs[key] = _needs_token(route.dependant)
        return self._needs[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in EXEMPT:
            await self.app(scope, receive, send)
            return
        if not self._ready:
            self._setup()
        route = self._route(scope)
        if route is not None:
            # Why: an answer given here is still counted under its route template.
            scope["route"] = route
        auth = _header(scope, b"authorization")
        token = auth[7:].strip() if auth and auth[:7].lower() == "bearer " else None
        token_key = "t:" + hashlib.sha256(token.encode()).hexdigest()[:32] if token else None
        client = scope.get("client")
        ip_key = "a:" + (str(client[0]) if client else "unknown")
        waits = []
        if token_key is not None:
            waits.append(self.authenticated.take(token_key))
        if token_key is None or token_key not in self._known:
            waits.append(self.anonymous.take(ip_key))
        wait = max(waits)
        if wait > 0:
            await _problem(
                scope,
                send,
                429,
                "Too many requests",
                "too many requests from this caller; retry later",
                "rate-limited",
                retry_after=str(max(1, math.ceil(wait))),
            )
            return

        route = self._route(scope)
        limit = (
            self.max_import if route is not None and route.path in IMPORT_ROUTES else self.max_body
        )
        length = _header(scope, b"content-length")
        has_body = _header(scope, b"transfer-encoding") is not None or (
            length is not None and length.strip() not in ("", "0")
        )
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                await _problem(
                    scope, send, 400, "Bad request", "invalid Content-Length", "bad-request"
                )
                return
            if declared > limit:
                await _problem(
                    scope,
                    send,
                    413,
                    "Content too large",
                    f"the request body is larger than {limit} bytes",
                    "too-large",
                )
                return
        if has_body and auth is None and route is not None and self._route_needs_token(route):
            # Why before reading: an anonymous caller must not make the API hold its body.
            await _problem(
                scope,
                send,
                401,
                "Not authenticated",
                "a bearer token is required",
                "unauthenticated",
                www_authenticate="Bearer",
            )
            return

        received = 0
        status = 0

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, sent)
        if token_key is not None:
            self._remember(token_key, scope, status)

    def _remember(self, token_key: str, scope: Scope, status: int) -> None:
        """A token that authenticated is charged to its own bucket only from now on; one
        answered 401 (unknown, revoked) is charged to the caller's address again."""
        if scope.get("state", {}).get("principal") is not None:
            self._known[token_key] = None
            self._known.move_to_end(token_key)
            if len(self._known) > MAX_KEYS:
                self._known.popitem(last=False)
        elif status == 401:
            self._known.pop(token_key, None)
