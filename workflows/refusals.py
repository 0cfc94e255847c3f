"""How a workflow refuses a command: one :class:`~uprflow.domain.refusals.Refusal` per kind.

Every update validator (and the handler's re-check) refuses through :func:`refuse`, so the
``ApplicationError`` a caller receives always has a :class:`Refusal` value as its ``type`` and
the bad fields' paths in its ``details``. Raising in a validator writes nothing to the
workflow's history; the handler's re-check fails only that update.
"""

from __future__ import annotations

from collections.abc import Iterable

from temporalio.exceptions import ApplicationError

from uprflow.domain.refusals import Refusal, RefusedField, refusal_details


def refuse(
    kind: Refusal,
    message: str,
    *,
    field: str | None = None,
    fields: Iterable[RefusedField] = (),
) -> ApplicationError:
    """The error to raise for a refused command.

    With ``field`` the message is the reason that field is wrong and the error's text reads
    ``field: message``; ``fields`` names several (the message then says it all). Field paths
    run from the update's argument (``new_deadline``, ``payload.positions.1.justification``).
    """
    named = list(fields)
    if field is not None:
        named.insert(0, RefusedField(field, message))
        message = f"{field}: {message}"
    # Why non-retryable: the same command would be refused again; only a changed command
    # (or a changed workflow state, which the caller reloads) can succeed.
    return ApplicationError(message, refusal_details(named), type=kind.value, non_retryable=True)
