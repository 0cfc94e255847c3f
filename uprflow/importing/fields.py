"""Field parsers shared by the formats: positions, lists, SDGs, recommending States, cycles."""

from __future__ import annotations

import re

from uprflow.domain.text import LONG_MAX, SHORT_MAX, text_problem
from uprflow.domain.values import Position
from uprflow.importing.model import ImportFileError

_POSITIONS = {
    "accepted": Position.SUPPORTED,
    "supported": Position.SUPPORTED,
    "noted": Position.NOTED,
    "supported/noted": Position.SUPPORTED_IN_PART,
}
_CYCLE_ID = re.compile(r"^(?:cycle-)?([A-Za-z]{2})-([1-9][0-9]*)$")
_SDG = re.compile(
    r"^(?:SDG\s*)?([0-9]{1,2})(\.[0-9a-z]{1,2})?(?:\s*[-\u2013:]\s*.*)?$", re.IGNORECASE
)
_ACRONYM = re.compile(r"^[A-Z0-9\-/]{2,}$")


def position(value: str, row: int, column: str, allowed: str) -> Position | None:
    """The position a source states (``None`` when the cell is empty)."""
    text = " ".join(value.split())
    if not text:
        return None
    found = _POSITIONS.get(text.casefold().replace(" / ", "/"))
    if found is None:
        raise ImportFileError(f"{value!r} is not one of {allowed}", row=row, column=column)
    return found


def free_text(value: str, row: int, column: str, max_length: int = LONG_MAX) -> str:
    """``value`` if it is an acceptable free text (bounded, no control characters:
    :mod:`uprflow.domain.text`); else the error naming the row and the column."""
    problem = text_problem(value, max_length)
    if problem is not None:
        raise ImportFileError(problem, row=row, column=column)
    return value


def text_items(items: tuple[str, ...], row: int, column: str) -> tuple[str, ...]:
    """Every item of a list cell checked as a short free text (a theme, a group of persons)."""
    for item in items:
        free_text(item, row, column, SHORT_MAX)
    return items


def split_list(value: str, sep: str = ";") -> tuple[str, ...]:
    """A separated list: items stripped, empty ones dropped, duplicates removed, order kept."""
    out: list[str] = []
    for part in value.split(sep):
        item = " ".join(part.split())
        if item and item not in out:
            out.append(item)
    return tuple(out)


def sdgs(items: tuple[str, ...], row: int, column: str) -> tuple[str, ...]:
    """SDG goals/targets: ``"10 - REDUCED INEQUALITIES"`` -> ``"10"``, ``"5.2"`` stays."""
    out: list[str] = []
    for item in items:
        m = _SDG.match(item)
        if m is None or not 1 <= int(m.group(1)) <= 17:
            raise ImportFileError(
                f"{item!r} is not a Sustainable Development Goal (1 to 17, e.g. "
                "'10 - REDUCED INEQUALITIES' or '5.2')",
                row=row,
                column=column,
            )
        code = m.group(1).lstrip("0") + (m.group(2) or "")
        if code not in out:
            out.append(code)
    return tuple(out)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _trailing_groups(segment: str) -> list[str]:
    """The parenthesised groups at the end of a segment, outermost parentheses only."""
    groups: list[str] = []
    s = segment.rstrip(" ;.,\t\n")
    while s.endswith(")"):
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            if s[i] == ")":
                depth += 1
            elif s[i] == "(":
                depth -= 1
                if depth == 0:
                    break
        else:
            break  # unbalanced: stop
        inner = s[i + 1 : -1].strip()
        if _ACRONYM.match(inner):  # e.g. "(ICRMW)" before the State: part of the text
            break
        groups.insert(0, inner)
        s = s[:i].rstrip()
    return groups


def recommending_states(text: str) -> tuple[str, ...]:
    """The recommending States OHCHR writes in parentheses after each recommendation.

    ``"... (France) (Lithuania);"``, ``"... (Portugal, Slovakia);"`` and merged paragraphs
    ``"... (Ukraine); Increase ... (Slovakia);"`` all count; ``"Venezuela (Bolivarian
    Republic of)"`` stays one name.
    """
    out: list[str] = []
    for segment in _split_top(text, ";"):
        for group in _trailing_groups(segment):
            for name in _split_top(group, ","):
                name = " ".join(name.split())
                if name and name not in out:
                    out.append(name)
    return tuple(out)


def parse_cycle_id(value: str) -> tuple[str, int]:
    """``cycle-SI-3`` (or ``SI-3``) -> ``("SI", 3)``; ValueError otherwise."""
    m = _CYCLE_ID.match(value.strip())
    if m is None:
        raise ValueError(f"{value!r} is not a cycle id like cycle-SI-3")
    return m.group(1).upper(), int(m.group(2))


def cycle_id(country: str, number: int) -> str:
    return f"cycle-{country.upper()}-{number}"


def integer(value: object, row: int, column: str) -> int:
    """A whole number cell (``"20"``, ``20``, ``20.0``)."""
    text = str(value).strip() if value is not None else ""
    try:
        number = float(text)
        if number != int(number) or number < 1:
            raise ValueError
        return int(number)
    except ValueError:
        raise ImportFileError(
            f"{text!r} is not a positive whole number", row=row, column=column
        ) from None
