"""Every refused command is recorded in the ledger as ``CommandRejected``.

Temporal keeps no trace of an update its validator rejects, and an API that only logs would
let refused attempts vanish; an auditor reads them in the ledger with who tried and why.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from starlette.requests import Request

from uprflow.api import observability
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import CommandRejected
from uprflow.logging import get_logger

log = get_logger("uprflow.api")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CYCLE_IN = re.compile(r"(?:cycle|stage|task)-(?P<cc>[A-Z]{2,3})-(?P<n>\d+)")


def _cycle_of(request: Request) -> str:
    for value in (*request.path_params.values(), request.url.path):
        m = _CYCLE_IN.search(str(value))
        if m:
            return f"cycle-{m['cc']}-{m['n']}"
    return "none"


async def record_rejection(request: Request, status: int, reason: str) -> None:
    """Append ``CommandRejected`` for a refused write (never raises: the answer comes first)."""
    if request.method not in WRITE_METHODS:
        return
    rt = getattr(request.app.state, "runtime", None)
    if rt is None:
        return
    p = getattr(request.state, "principal", None)
    actor = p.actor() if p is not None else Actor(role="anonymous", organisation="-", subject="-")
    route = request.scope.get("route")
    command = f"{request.method} {getattr(route, 'path', request.url.path)}"
    cycle_id = _cycle_of(request)
    target = next(iter(request.path_params.values()), request.url.path)
    event = CommandRejected(
        cycle_id=cycle_id,
        command=command,
        target=str(target)[:200],
        status=status,
        reason=reason[:2000] or "refused",
    )
    try:
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
