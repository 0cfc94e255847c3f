"""What every wire model shares: the strict request base, example helpers, shared literals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from uprflow.domain.text import LONG_MAX, text_problem

#: The roles a task can be assigned to (auditors never act).
AssigneeRole = Literal["secretariat", "ministry", "nhri", "cso", "parliament"]

#: An instant used by the examples.
WHEN = "2026-05-04T09:30:00Z"
#: A task id used by the examples.
TASK_ID = "task-KE-4-decisions-003-moj-propose"


def check_text(value: Any, where: str = "") -> None:
    """Refuse text that is not valid Unicode (a lone surrogate, which JSON can carry), longer
    than :data:`~uprflow.domain.text.LONG_MAX` or holding a control character.

    Why: such a string cannot be encoded as UTF-8, so it could neither reach Temporal nor be
    hashed into the ledger; it is refused up front as a 422 naming the field.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{where or 'text'}: not valid Unicode (a lone surrogate)") from None
        # Why here too: a free-form body (a task payload, an inline profile) is checked by its
        # schema only inside the workflow; its texts are bounded and control-free before
        # anything is sent (domain/text.py; typed fields use ShortText/LongText).
        problem = text_problem(value, LONG_MAX)
        if problem is not None:
            raise ValueError(f"{where or 'text'}: {problem}")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_text(k, where)
            check_text(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            check_text(v, f"{where}.{i}" if where else str(i))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            check_text(getattr(value, name), f"{where}.{name}" if where else name)


def _valid_unicode(cls: type, value: Any) -> Any:
    check_text(value)
    return value


class RequestBody(BaseModel):
    """A request body: strict, and its text must be valid Unicode (typed ``str`` fields are
    checked by pydantic; free-form ones such as a task payload or a profile here)."""

    model_config = ConfigDict(extra="forbid")
    _unicode = field_validator("*", mode="after")(_valid_unicode)


def examples(*values: dict[str, Any]) -> ConfigDict:
    """A response model's OpenAPI examples."""
    return ConfigDict(json_schema_extra={"examples": list(values)})


def strict_examples(*values: dict[str, Any]) -> ConfigDict:
    """A request body's OpenAPI examples; unknown fields are refused."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(values)})
