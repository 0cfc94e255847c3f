"""Free text that people type: the one constrained ``str`` every input model uses.

A text taken in (a task payload, an API body, an imported row) must be bounded and free of the
control characters XML 1.0 cannot carry: one NUL in a justification made ``matrix.xlsx`` and
``midterm.docx`` fail for everyone, and a 1.5 MB title entered the ledger. The constraint lives
on INPUT models only, never on the stored event classes (``domain/events``): an event recorded
before a limit existed must still decode.

Why the lenient context: a Temporal update handler re-parses the payload its validator already
checked, also when it replays a history recorded before these limits; that parse is given
``context={LENIENT: True}`` so an old history replays to the same events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo

#: Titles, names, ids, references, list items (a theme, a signatory).
SHORT_MAX = 500
#: Justifications, notes, comments, summaries, answers, a recommendation's text.
LONG_MAX = 20_000

#: Validation context key: skip the checks (replaying what was accepted before they existed).
LENIENT = "lenient_text"

# Why: \t and \n are text; \r only as part of a CRLF line break; everything else below U+0020
# is a control character (XML 1.0 refuses most of them, none belongs in a human text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")


def text_problem(value: str, max_length: int) -> str | None:
    """Why ``value`` is not an acceptable free text of at most ``max_length`` characters."""
    if len(value) > max_length:
        return f"at most {max_length:,} characters are allowed, got {len(value):,}"
    bad = _CONTROL.search(value)
    if bad is not None:
        return (
            f"control character U+{ord(bad.group()[0]):04X} at position {bad.start()} is not "
            "allowed (only tab and line breaks)"
        )
    return None


def _checked(max_length: int) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        if isinstance(info.context, dict) and info.context.get(LENIENT):
            return value
        problem = text_problem(value, max_length)
        if problem is not None:
            raise ValueError(problem)
        return value

    return check


def _max_length(n: int) -> Callable[[dict[str, Any]], None]:
    """The limit in the JSON schema (OpenAPI), unless the field states a tighter one."""

    def extra(schema: dict[str, Any]) -> None:
        schema["maxLength"] = min(int(schema.get("maxLength", n)), n)

    return extra


#: A short free text: at most :data:`SHORT_MAX` characters, no control characters.
ShortText = Annotated[
    str, AfterValidator(_checked(SHORT_MAX)), Field(json_schema_extra=_max_length(SHORT_MAX))
]
#: A long free text: at most :data:`LONG_MAX` characters, no control characters.
LongText = Annotated[
    str, AfterValidator(_checked(LONG_MAX)), Field(json_schema_extra=_max_length(LONG_MAX))
]
