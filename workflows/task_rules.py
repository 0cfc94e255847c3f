"""When a task refuses a command: the checks its update validators (and handlers) run.

Each check raises a :class:`~uprflow.domain.refusals.Refusal` through
:func:`~uprflow.workflows.refusals.refuse` and writes nothing; they are pure functions of the
task's state and the command, so the validator (before anything is accepted) and the handler
(re-checking against a racing twin) apply the same rule.
"""

from __future__ import annotations

from typing import Literal

from uprflow.domain.refusals import Refusal, RefusedField
from uprflow.domain.tasks import PayloadError, validate_completion
from uprflow.workflows.refusals import refuse
from uprflow.workflows.task_models import (
    TaskCompletion,
    TaskExtension,
    TaskReassignment,
    TaskSpec,
)


def check_open(
    spec: TaskSpec | None,
    status: Literal["open", "completed", "cancelled"],
    *,
    busy: bool,
    version: int,
    expected_version: int | None = None,
) -> TaskSpec:
    """The task's spec if it takes commands (started, open, not closing, at the version seen)."""
    if spec is None:
        raise refuse(Refusal.TASK_NOT_READY, "the task is not started yet")
    if status != "open" or busy:
        raise refuse(
            Refusal.TASK_CLOSED, f"task {spec.task_id} is {status if not busy else 'closing'}"
        )
    if expected_version is not None and expected_version != version:
        raise refuse(
            Refusal.STALE_VERSION,
            f"the task is at version {version}, not {expected_version}; reload it",
            field="expected_version",
        )
    return spec


def check_completion(spec: TaskSpec, completion: TaskCompletion) -> None:
    """The assignee (or the secretariat) completes, with a payload of the task's kind."""
    actor = completion.actor
    if actor.organisation != spec.assignee_org and actor.role not in ("secretariat",):
        raise refuse(
            Refusal.NOT_ASSIGNEE,
            f"{actor.organisation} is not the assignee ({spec.assignee_org})",
            field="actor.organisation",
        )
    try:
        validate_completion(spec.kind, completion.payload, spec.context)
    except PayloadError as exc:
        raise refuse(
            Refusal.INVALID_PAYLOAD,
            f"payload: {exc}",
            # The payload's paths, from the update's argument (``payload.positions.1...``).
            fields=(
                RefusedField(f"payload.{f.field}" if f.field else "payload", f.message)
                for f in exc.fields
            ),
        ) from None


def check_extension(spec: TaskSpec, ext: TaskExtension) -> None:
    """A new due date must be later than the current one."""
    if ext.new_due_at <= spec.due_at:
        raise refuse(
            Refusal.INVALID_EXTENSION,
            f"{ext.new_due_at.isoformat()} is not later than the current due "
            f"date {spec.due_at.isoformat()}",
            field="new_due_at",
        )


def check_reassignment(spec: TaskSpec, re: TaskReassignment) -> None:
    """A task is reassigned to another organisation than the one holding it."""
    if re.assignee_org == spec.assignee_org:
        raise refuse(
            Refusal.INVALID_REASSIGNMENT,
            f"the task is already assigned to {spec.assignee_org}",
            field="assignee_org",
        )
