"""The UPR Info database export (CSV, or the same as XLSX).

Header ``To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session``; one
row per recommendation. The cycle of a row is its State under review (``To``, mapped to ISO
alpha-2) and the cycle of its ``Session``, unless ``--cycle`` names one. Ids are per row
(``<cycle_id>:upr-info:<row>``): rows that are exact duplicates stay separate recommendations,
as the export lists them, and are counted as duplicates in the summary.
"""

from __future__ import annotations

from collections.abc import Callable

from uprflow.domain.sessions import cycle_of_session
from uprflow.domain.text import SHORT_MAX
from uprflow.importing import fields
from uprflow.importing.countries import country_code
from uprflow.importing.model import ImportFileError, ImportRow
from uprflow.importing.tabular import Row, require_columns

COLUMNS = (
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
)
REQUIRED = ("To", "Text", "From", "Response", "Issue", "Session")
SOURCE = "UPR Info"


def looks_like(header: list[str]) -> bool:
    return {"To", "From", "Response", "Session"} <= set(header) or header[:3] == list(COLUMNS[:3])


def parse(
    header: list[str],
    rows: list[Row],
    *,
    file_name: str,
    cycle: tuple[str, int] | None,
    tick: Callable[[], None] = lambda: None,
) -> list[ImportRow]:
    require_columns(header, REQUIRED)
    out: list[ImportRow] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, cells in rows:
        to = " ".join(cells["To"].split())
        code = country_code(to)
        if code is None:
            raise ImportFileError(f"{to!r} is not a known State", row=number, column="To")
        session = fields.integer(cells["Session"], number, "Session")
        if cycle is not None:
            cycle_id = fields.cycle_id(*cycle)
        else:
            cycle_id = fields.cycle_id(code, cycle_of_session(session))
        text = fields.free_text(cells["Text"].strip(), number, "Text")
        if not text:
            raise ImportFileError("the recommendation text is empty", row=number, column="Text")
        sender = fields.free_text(" ".join(cells["From"].split()), number, "From", SHORT_MAX)
        if not sender:
            raise ImportFileError("the recommending State is empty", row=number, column="From")
        key = tuple(cells.get(c, "") for c in header)
        duplicate_of = seen.setdefault(key, number)
        out.append(
            ImportRow(
                row=number,
                cycle_id=cycle_id,
                recommendation_id=f"{cycle_id}:upr-info:{number}",
                text=text,
                recommending_states=(sender,),
                source_paragraph=f"UPR Info {file_name} row {number}",
                position=fields.position(cells["Response"], number, "Response", "Accepted, Noted"),
                state_under_review=code,
                themes=fields.text_items(fields.split_list(cells["Issue"], ","), number, "Issue"),
                duplicate_of=None if duplicate_of == number else duplicate_of,
            )
        )
        tick()
    return out
