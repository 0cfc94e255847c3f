"""Writes through Temporal: run a workflow update and turn a refusal into a precise problem.

The workflows own their state, so every write a workflow owns is a Temporal update whose
validator rejects bad, unauthorised or stale input before anything is written. This module
maps those refusals to HTTP: invalid payload 422, not the assignee 403, closed window / closed
task / stale version / concurrent completion 409, unknown workflow 404, Temporal not answering
503.
"""

from __future__ import annotations

import re
from typing import Any

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from uprflow.api.problems import FieldError, ProblemError
from uprflow.api.runtime import Runtime

#: ApplicationError type raised by a workflow validator -> HTTP status.
STATUS_BY_TYPE = {
    "InvalidPayload": 422,
    "InvalidExtension": 422,
    "InvalidReassignment": 422,
    "NotAssignee": 403,
    "NotAllowed": 403,
    "StaleVersion": 409,
    "TaskClosed": 409,
    "TaskNotReady": 409,
    "WindowClosed": 409,
    "WindowFull": 409,
    "StageNotOpen": 409,
}

_FIELD = re.compile(r"(?:^|; )(?:payload: )?(?P<field>[A-Za-z_][\w.]*): (?P<msg>[^;]+)")


async def temporal_client(rt: Runtime) -> Client:
    """The Temporal client, or 503 when the server cannot be reached."""
    client = await rt.temporal.get()
    if client is None:
        raise ProblemError(
            503, f"Temporal is not reachable: {rt.temporal.last_error}", kind="temporal-down"
        )
    return client


def field_errors(message: str, prefix: str = "body") -> list[FieldError]:
    """Field paths named in a validator's message (``payload: positions.1.justification: ...``)."""
    out = []
    for m in _FIELD.finditer(message.removeprefix("payload: ")):
        field = m["field"]
        if not field.startswith(("payload", "new_", "assignee", "expected_version", "actor")):
            field = f"payload.{field}"
        out.append(FieldError(field=f"{prefix}.{field}", message=m["msg"].strip()))
    return out


async def run_update(
    rt: Runtime,
    workflow_id: str,
    update: Any,
    arg: Any,
    *,
    update_id: str | None = None,
    what: str = "workflow",
) -> Any:
    """Execute ``update`` on ``workflow_id``; refusals become :class:`ProblemError`."""
    client = await temporal_client(rt)
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.execute_update(update, arg, id=update_id)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        kind = cause.type if isinstance(cause, ApplicationError) else None
        message = cause.message if isinstance(cause, ApplicationError) else str(cause)
        status = STATUS_BY_TYPE.get(kind or "", 409)
        errors = field_errors(message) if status == 422 else None
        raise ProblemError(status, message, kind=_kebab(kind), errors=errors or None) from None
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            if await _exists(client, workflow_id):
                raise ProblemError(
                    409, f"the {what} {workflow_id} is closed", kind="closed"
                ) from None
            raise ProblemError(404, f"no {what} {workflow_id}", kind="not-found") from None
        # Why 503 and not 500: Temporal failing to answer is an outage the caller can retry.
        raise ProblemError(
            503, f"Temporal did not complete the command: {exc.message}", kind="temporal-down"
        ) from None
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        raise ProblemError(
            503,
            f"no worker answered for {workflow_id} in time; the command may still be applied: "
            "retry it with the same Idempotency-Key",
            kind="temporal-timeout",
        ) from None


def renamed(exc: ProblemError, fields: dict[str, str]) -> ProblemError:
    """``exc`` with the workflow's field names replaced by the request body's."""
    if not exc.errors or not fields:
        return exc
    for err in exc.errors:
        for old, new in fields.items():
            if err.field == old or err.field.startswith(old + "."):
                err.field = new + err.field[len(old) :]
    return exc


async def _exists(client: Client, workflow_id: str) -> bool:
    try:
        await client.get_workflow_handle(workflow_id).describe()
        return True
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return False
        raise


def _kebab(kind: str | None) -> str | None:
    if not kind:
        return None
    return re.sub(r"(?<!^)(?=[A-Z])", "-", kind).lower()
