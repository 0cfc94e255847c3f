"""Cell values that spreadsheets show and never run.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, per OWASP's
CSV injection guidance) is taken as a formula by Excel and LibreOffice when a CSV is opened, and
openpyxl writes a ``str`` beginning with ``=`` as a formula cell. Every text a document shows
comes from someone's input (a recommendation, a justification, a comment), so every cell goes
through here: :func:`inert` for CSV, :func:`set_text` for XLSX.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from openpyxl.cell.cell import Cell

# Why these: the characters OWASP lists as starting a formula in a CSV opened by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Why: XML 1.0 cannot carry these (openpyxl raises IllegalCharacterError); input refuses them
# (domain/text.py), but a ledger written before that refusal may still hold some, and one such
# text must not make a document fail for everyone.
T = TypeVar("T")

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def inert(text: str) -> str:
    """``text`` for a CSV cell: prefixed with ``'`` when a spreadsheet would run it."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def xml_safe(text: str) -> str:
    """``text`` with the control characters XML cannot hold replaced by U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def xml_safe_all(value: T) -> T:
    """``value`` with :func:`xml_safe` applied to every text inside it (strings, tuples, lists,
    dicts and frozen dataclasses, recursively), e.g. a whole report before it becomes XML."""
    if isinstance(value, str):
        return xml_safe(value)  # type: ignore[return-value]
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
        return type(value)(*(xml_safe_all(v) for v in value))
    if isinstance(value, tuple | list):
        return type(value)(xml_safe_all(v) for v in value)
    if isinstance(value, dict):
        return {k: xml_safe_all(v) for k, v in value.items()}  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: xml_safe_all(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value


def set_text(cell: Cell, value: Any) -> None:
    """Put ``value`` in an XLSX cell; a text is always a string cell, never a formula.

    The text stays exact and visible (no added quote): the cell's type is what makes it inert.
    """
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = xml_safe(value)
    # Why: openpyxl marks a str beginning with "=" as a formula ("f"); a string cell ("s") is
    # shown as text by Excel and LibreOffice and never evaluated.
    cell.data_type = "s"


def append_row(ws: Any, values: Sequence[Any]) -> int:
    """Append ``values`` as a new row of ``ws``, every text through :func:`set_text`; the
    row's index."""
    ws.append([xml_safe(v) if isinstance(v, str) else v for v in values])
    r_idx: int = ws.max_row
    for cell in ws[r_idx]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return r_idx
