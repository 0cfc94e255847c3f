"""Every refused command of an authenticated caller is recorded as ``CommandRejected``.

Temporal keeps no trace of an update its validator rejects, and an API that only logs would
let refused attempts vanish; an auditor reads them in the ledger with who tried and why.

Only an authenticated caller's refused write on a real command route is recorded, and its
size is bounded: the ledger is append-only, so anything an anonymous caller (or a scanner
probing routes that do not exist) could make it record would grow it forever.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from fastapi.routing import APIRoute
from starlette.requests import Request

from uprflow.api import observability
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import CommandRejected
from uprflow.logging import get_logger

log = get_logger("uprflow.api")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: A cycle number has at most 6 digits (the stream id and cycle id stay short).
_CYCLE_IN = re.compile(r"(?:cycle|stage|task)-(?P<cc>[A-Z]{2,3})-(?P<n>\d{1,6})(?!\d)")
#: Caps on what one rejection records (characters).
MAX_TARGET = 200
MAX_REASON = 500


def _cycle_of(request: Request) -> str:
    for value in (*request.path_params.values(), request.url.path):
        m = _CYCLE_IN.search(str(value))
        if m:
            return f"cycle-{m['cc']}-{m['n']}"
    return "none"


async def record_rejection(request: Request, status: int, reason: str) -> None:
    """Append ``CommandRejected`` for an authenticated caller's refused write on a command
    route (never raises: the answer comes first)."""
    if request.method not in WRITE_METHODS:
        return
    route = request.scope.get("route")
    # Why a matched route with this method: a 404 or 405 names no command of this API.
    if not isinstance(route, APIRoute) or request.method not in (route.methods or ()):
        return
    # Why authenticated only: deps.principal sets it once the token is valid; an anonymous
    # caller or an invalid token records nothing (the answer and the log line remain).
    p = getattr(request.state, "principal", None)
    if p is None:
        return
    rt = getattr(request.app.state, "runtime", None)
    if rt is None:
        return
    actor: Actor = p.actor()
    command = f"{request.method} {route.path}"
    cycle_id = _cycle_of(request)
    target = next(iter(request.path_params.values()), route.path)
    try:
        event = CommandRejected(
            cycle_id=cycle_id,
            command=command,
            target=str(target)[:MAX_TARGET],
            status=status,
            reason=reason[:MAX_REASON] or "refused",
        )
        await rt.ledger.append_async(
            f"rejections-{cycle_id}",
            [
                NewEvent(
                    event=event,
                    event_id=uuid.uuid4(),
                    occurred_at=datetime.now(UTC),
                    actor=actor,
                    trace=Trace(
                        correlation_id=cycle_id,
                        request_id=observability.request_id(request),
                    ),
                )
            ],
        )
    except Exception:
        log.exception("could not record a rejected command", command=command)
