"""Why a command was refused: the kinds of refusal and the field paths a refusal names.

A workflow's update validator refuses a command before anything is written; the refusal
crosses Temporal as an ``ApplicationError`` whose ``type`` is a :class:`Refusal` value and
whose first detail is a :class:`RefusalDetails` mapping (the bad fields). The API reads both
back (:func:`refusal_of`, :func:`fields_of`) and decides the HTTP status per kind; the
field paths never have to be recovered from the message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple


class Refusal(StrEnum):
    """The kinds of refusal a workflow gives a command.

    Why the values are these CamelCase names: they are the ``ApplicationError`` types the
    workflows have always raised, so recorded histories and failures keep their meaning.
    Never rename a value; add a member for a new kind.
    """

    #: The command's payload does not fit (a field is missing, malformed or out of range).
    INVALID_PAYLOAD = "InvalidPayload"
    #: A new deadline or due date is not later than the current one, or has no time zone.
    INVALID_EXTENSION = "InvalidExtension"
    #: The task would be reassigned to the organisation that already holds it.
    INVALID_REASSIGNMENT = "InvalidReassignment"
    #: The actor is not the task's assignee (nor the secretariat).
    NOT_ASSIGNEE = "NotAssignee"
    #: The actor's role or organisation may not take part in this window.
    NOT_ALLOWED = "NotAllowed"
    #: The caller saw an older version of the task than the current one.
    STALE_VERSION = "StaleVersion"
    #: The task is completed, cancelled, or closing under a concurrent command.
    TASK_CLOSED = "TaskClosed"
    #: The task workflow has not received its assignment yet.
    TASK_NOT_READY = "TaskNotReady"
    #: The window (consultation, comments on the draft) is closed.
    WINDOW_CLOSED = "WindowClosed"
    #: The window took the most entries it takes.
    WINDOW_FULL = "WindowFull"
    #: The stage is not open (not started, closing or closed).
    STAGE_NOT_OPEN = "StageNotOpen"


def refusal_of(error_type: str | None) -> Refusal | None:
    """The refusal an ``ApplicationError`` type names, or ``None`` for any other failure."""
    try:
        return Refusal(error_type or "")
    except ValueError:
        return None


class RefusedField(NamedTuple):
    """One bad field of a refused command: its dotted path in the command and why."""

    #: Dotted path from the update's argument: ``payload.positions.1.justification``.
    field: str
    message: str


#: The key of :class:`RefusedField` entries in an ``ApplicationError``'s details mapping.
FIELDS = "fields"


def refusal_details(fields: Iterable[RefusedField]) -> dict[str, list[dict[str, str]]]:
    """The details mapping a refusal carries (plain JSON: it crosses Temporal's converter)."""
    return {FIELDS: [{"field": f.field, "message": f.message} for f in fields]}


def fields_of(details: Iterable[Any]) -> list[RefusedField]:
    """The refused fields in an ``ApplicationError``'s details (none if it carries none)."""
    out: list[RefusedField] = []
    for detail in details:
        if not isinstance(detail, Mapping):
            continue
        for entry in detail.get(FIELDS) or ():
            if isinstance(entry, Mapping) and isinstance(entry.get("field"), str):
                out.append(RefusedField(entry["field"], str(entry.get("message", ""))))
    return out
