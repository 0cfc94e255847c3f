"""Writes through Temporal: run a workflow update and turn a refusal into a precise problem.

The workflows own their state, so every write a workflow owns is a Temporal update whose
validator rejects bad, unauthorised or stale input before anything is written. A refusal
arrives as an ``ApplicationError`` whose ``type`` is a :class:`Refusal` and whose details name
the bad fields; this module maps each kind to HTTP: invalid payload 422, not the assignee 403,
closed window / closed task / stale version / concurrent completion 409. An unknown workflow
is 404, Temporal not answering 503.
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
from uprflow.domain.refusals import Refusal, fields_of, refusal_of

#: The HTTP meaning of each refusal (every member has one; a test checks it).
STATUS_BY_REFUSAL: dict[Refusal, int] = {
    Refusal.INVALID_PAYLOAD: 422,
    Refusal.INVALID_EXTENSION: 422,
    Refusal.INVALID_REASSIGNMENT: 422,
    Refusal.NOT_ASSIGNEE: 403,
    Refusal.NOT_ALLOWED: 403,
    Refusal.STALE_VERSION: 409,
    Refusal.TASK_CLOSED: 409,
    Refusal.TASK_NOT_READY: 409,
    Refusal.WINDOW_CLOSED: 409,
    Refusal.WINDOW_FULL: 409,
    Refusal.STAGE_NOT_OPEN: 409,
}

#: A failed update that is not a known refusal (a handler's own failure): a conflict.
_OTHER_STATUS = 409


async def temporal_client(rt: Runtime) -> Client:
    """The Temporal client, or 503 when the server cannot be reached."""
    client = await rt.temporal.get()
    if client is None:
        raise ProblemError(
            503, f"Temporal is not reachable: {rt.temporal.last_error}", kind="temporal-down"
        )
    return client


def refusal_problem(cause: BaseException | None) -> ProblemError:
    """The problem for a failed update: status by refusal kind, field paths from its details.

    Only an unprocessable command (422) lists fields: they run from the update's argument,
    which is the request body (``body.payload.positions.1.justification``).
    """
    if not isinstance(cause, ApplicationError):
        return ProblemError(_OTHER_STATUS, str(cause))
    refusal = refusal_of(cause.type)
    status = STATUS_BY_REFUSAL[refusal] if refusal is not None else _OTHER_STATUS
    errors = None
    if status == 422:
        errors = [
            FieldError(field=f"body.{f.field}", message=f.message) for f in fields_of(cause.details)
        ]
    return ProblemError(status, cause.message, kind=_kebab(cause.type), errors=errors or None)


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
        raise refusal_problem(exc.cause) from None
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
