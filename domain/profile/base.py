"""What every part of a national profile shares: a frozen model base and located errors.

Every profile model is frozen and forbids unknown keys, so a misspelt key in a profile file is
an error, not a silent default. Errors are raised as pydantic errors carrying the field's
path, so the file's author sees e.g. ``stages.validation.parliament_committee``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

#: A field's location in a profile, e.g. ``("stages", "validation", "approval_chain", 0)``.
Loc = tuple[str | int, ...]


class FrozenModel(BaseModel):
    """Base of every profile model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def field_error(loc: Loc, message: str, value: Any) -> InitErrorDetails:
    """One profile error at ``loc``, to be raised with others in a ``ValidationError``."""
    return InitErrorDetails(type=PydanticCustomError("profile", message), loc=loc, input=value)


def fail_at(loc: Loc, message: str, value: Any) -> None:
    """Raise a ``ValidationError`` for one field (used inside a model validator)."""
    # Why not ValueError: a model validator's ValueError carries no location, and the file's
    # author needs the exact field (e.g. stages.validation.parliament_committee).
    raise ValidationError.from_exception_data("profile", [field_error(loc, message, value)])
