"""OHCHR's Universal Human Rights Index (UHRI) export: a JSON list of annotation objects.

Fields: AnnotationId, Symbol, PublicationDate, Body, AnnotationType, Countries, Regions,
Themes, AffectedPersons, Sdgs, Text, UprSession, UprRecommendingCountry, UprPositions
(Supported, Noted, or "Supported/Noted") and UprCycle. List fields may be JSON lists of strings
or ``;``-separated strings. A Text that starts with the Working Group report's paragraph number
("121.12 Ratify ...") gives the id ``<cycle_id>:<paragraph>`` (the same as the OHCHR thematic
list); otherwise ``<cycle_id>:uhri:<AnnotationId>``. "Row" is the object's 1-based position.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from uprflow.importing import fields
from uprflow.importing.countries import country_code
from uprflow.importing.model import ImportFileError, ImportRow

REQUIRED = ("AnnotationId", "Symbol", "Countries", "Text", "UprPositions", "UprCycle")
LISTS = ("Countries", "Themes", "AffectedPersons", "Sdgs", "UprRecommendingCountry")
POSITIONS = "Supported, Noted, Supported/Noted"
SOURCE = "OHCHR"
_LEADING_PARAGRAPH = re.compile(r"^([0-9]+\.[0-9]+)\.?\s+(.*)$", re.DOTALL)
_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def looks_like(text: str) -> bool:
    return text.lstrip().startswith("[")


def _type(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _string(obj: dict[str, Any], key: str, row: int, *, number_ok: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if number_ok and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    want = "a string or a number" if number_ok else "a string"
    raise ImportFileError(f"expected {want}, got {_type(value)}", row=row, column=key)


def _strings(obj: dict[str, Any], key: str, row: int) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return fields.text_items(fields.split_list(value), row, key)
    if isinstance(value, list):
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ImportFileError(
                    f"item {i + 1} is {_type(item)}, expected a string", row=row, column=key
                )
            item = " ".join(item.split())
            if item and item not in out:
                out.append(item)
        return fields.text_items(tuple(out), row, key)
    raise ImportFileError(f"expected a list of strings, got {_type(value)}", row=row, column=key)


def load(text: str) -> list[dict[str, Any]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
    except RecursionError:
        # Why: a hostile file nests arrays thousands deep; the decoder runs out of stack.
        raise ImportFileError("not a UHRI export: the JSON is nested too deeply") from None
    if not isinstance(doc, list):
        raise ImportFileError(f"a UHRI export is a JSON list of objects, got {_type(doc)}")
    for i, obj in enumerate(doc, start=1):
        if not isinstance(obj, dict):
            raise ImportFileError(f"expected an object, got {_type(obj)}", row=i)
    return doc


def parse(
    objects: list[dict[str, Any]],
    *,
    cycle: tuple[str, int] | None,
    tick: Callable[[], None] = lambda: None,
) -> list[ImportRow]:
    out: list[ImportRow] = []
    seen: dict[str, int] = {}
    for row, obj in enumerate(objects, start=1):
        for key in REQUIRED:
            if key not in obj:
                raise ImportFileError("missing", row=row, column=key)
        annotation = _string(obj, "AnnotationId", row, number_ok=True)
        if not annotation:
            raise ImportFileError("empty", row=row, column="AnnotationId")
        symbol = _string(obj, "Symbol", row)
        countries = _strings(obj, "Countries", row)
        codes = [country_code(c) for c in countries]
        if len(countries) != 1 or codes[0] is None:
            raise ImportFileError(
                f"expected the one State under review, got {list(countries)}",
                row=row,
                column="Countries",
            )
        country = codes[0]
        assert country is not None
        if cycle is not None and cycle[0] != country:
            raise ImportFileError(
                f"{countries[0]} does not match --cycle {fields.cycle_id(*cycle)}",
                row=row,
                column="Countries",
            )
        cycle_text = _string(obj, "UprCycle", row, number_ok=True)
        number = fields.integer(re.sub(r"(?i)^cycle\s*", "", cycle_text), row, "UprCycle")
        if cycle is not None and number != cycle[1]:
            raise ImportFileError(
                f"{number} does not match --cycle {fields.cycle_id(*cycle)}",
                row=row,
                column="UprCycle",
            )
        session = _string(obj, "UprSession", row, number_ok=True)
        if session:
            fields.integer(session, row, "UprSession")
        cycle_id = fields.cycle_id(country, number)
        raw_text = fields.free_text(" ".join(_string(obj, "Text", row).split()), row, "Text")
        m = _LEADING_PARAGRAPH.match(raw_text)
        paragraph, text = (m.group(1), m.group(2)) if m else (None, raw_text)
        if not text:
            raise ImportFileError("empty", row=row, column="Text")
        rec_id = f"{cycle_id}:{paragraph}" if paragraph else f"{cycle_id}:uhri:{annotation}"
        if rec_id in seen:
            raise ImportFileError(
                f"the same recommendation as row {seen[rec_id]}", row=row, column="AnnotationId"
            )
        seen[rec_id] = row
        states = _strings(obj, "UprRecommendingCountry", row) or fields.recommending_states(text)
        if not states:
            raise ImportFileError("no recommending State", row=row, column="UprRecommendingCountry")
        positions = obj.get("UprPositions")
        if isinstance(positions, list) and len(positions) <= 1:
            positions = positions[0] if positions else None
        if positions is not None and not isinstance(positions, str):
            raise ImportFileError(
                f"expected a string, got {_type(positions)}", row=row, column="UprPositions"
            )
        where = f"para {paragraph}" if paragraph else f"(UHRI {annotation})"
        out.append(
            ImportRow(
                row=row,
                cycle_id=cycle_id,
                recommendation_id=rec_id,
                text=text,
                recommending_states=states,
                source_paragraph=f"{symbol} {where}".strip(),
                position=fields.position(positions or "", row, "UprPositions", POSITIONS),
                state_under_review=country,
                themes=_strings(obj, "Themes", row),
                sdgs=fields.sdgs(_strings(obj, "Sdgs", row), row, "Sdgs"),
                affected_persons=_strings(obj, "AffectedPersons", row),
            )
        )
        tick()
    return out
