"""OHCHR's thematic list of recommendations (CSV, or the same as XLSX), one row each.

Header ``cycle,session,paragraph,recommendation_text,position,source_of_position,
cluster_theme,themes,groups_of_persons,sdgs``. The State under review is not in the file: it
comes from ``--cycle`` (e.g. ``cycle-SI-3``) or, failing that, from the file name
(``slovenia-cycle-3.csv``). Ids are ``<cycle_id>:<paragraph>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from uprflow.importing import fields
from uprflow.importing.countries import country_code
from uprflow.importing.model import ImportFileError, ImportRow
from uprflow.importing.tabular import Row, require_columns

COLUMNS = (
    "cycle",
    "session",
    "paragraph",
    "recommendation_text",
    "position",
    "source_of_position",
    "cluster_theme",
    "themes",
    "groups_of_persons",
    "sdgs",
)
REQUIRED = ("cycle", "session", "paragraph", "recommendation_text", "position")
POSITIONS = "Supported, Noted, Supported/Noted"
SOURCE = "OHCHR"
_PARAGRAPH = re.compile(r"^[0-9]+(\.[0-9]+)*$")


def looks_like(header: list[str]) -> bool:
    return {"paragraph", "recommendation_text"} <= set(header)


def country_from_name(file_name: str) -> str | None:
    """``slovenia-cycle-3.csv`` -> ``SI`` (the words before ``cycle``), if they name a State."""
    stem = re.split(r"[-_ ]cycle", file_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)[0]
    return country_code(stem.replace("-", " ").replace("_", " ")) if stem else None


def symbol_of(source_of_position: str) -> str:
    """``A/HRC/43/15 - Para 121`` -> ``A/HRC/43/15`` (an addendum's ``/Add.1`` dropped)."""
    symbol = source_of_position.split(" - ", 1)[0].strip()
    return re.sub(r"/Add\.[0-9]+$", "", symbol, flags=re.IGNORECASE)


def parse(
    header: list[str],
    rows: list[Row],
    *,
    file_name: str,
    cycle: tuple[str, int] | None,
    tick: Callable[[], None] = lambda: None,
) -> list[ImportRow]:
    require_columns(header, REQUIRED)
    country = cycle[0] if cycle else country_from_name(file_name)
    if country is None:
        raise ImportFileError(
            "an OHCHR thematic list does not name the State under review: give --cycle "
            "(e.g. cycle-SI-3)"
        )
    out: list[ImportRow] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        number_of_cycle = fields.integer(cells["cycle"], number, "cycle")
        fields.integer(cells["session"], number, "session")
        if cycle is not None and number_of_cycle != cycle[1]:
            raise ImportFileError(
                f"{number_of_cycle} does not match --cycle {fields.cycle_id(*cycle)}",
                row=number,
                column="cycle",
            )
        cycle_id = fields.cycle_id(country, number_of_cycle)
        paragraph = cells["paragraph"].strip()
        if not _PARAGRAPH.match(paragraph):
            raise ImportFileError(
                f"{paragraph!r} is not a paragraph number like 121.12",
                row=number,
                column="paragraph",
            )
        rec_id = f"{cycle_id}:{paragraph}"
        if rec_id in seen:
            raise ImportFileError(
                f"paragraph {paragraph} is already on row {seen[rec_id]}",
                row=number,
                column="paragraph",
            )
        seen[rec_id] = number
        text = fields.free_text(
            " ".join(cells["recommendation_text"].split()), number, "recommendation_text"
        )
        if not text:
            raise ImportFileError("the text is empty", row=number, column="recommendation_text")
        states = fields.recommending_states(text)
        if not states:
            raise ImportFileError(
                "no recommending State in parentheses at the end of the text",
                row=number,
                column="recommendation_text",
            )
        themes = fields.text_items(fields.split_list(cells.get("themes", "")), number, "themes")
        if not themes:
            themes = fields.text_items(
                fields.split_list(cells.get("cluster_theme", "")), number, "cluster_theme"
            )
        symbol = symbol_of(cells.get("source_of_position", ""))
        out.append(
            ImportRow(
                row=number,
                cycle_id=cycle_id,
                recommendation_id=rec_id,
                text=text,
                recommending_states=states,
                source_paragraph=f"{symbol} para {paragraph}" if symbol else f"para {paragraph}",
                position=fields.position(cells["position"], number, "position", POSITIONS),
                state_under_review=country,
                themes=themes,
                sdgs=fields.sdgs(fields.split_list(cells.get("sdgs", "")), number, "sdgs"),
                affected_persons=fields.text_items(
                    fields.split_list(cells.get("groups_of_persons", "")),
                    number,
                    "groups_of_persons",
                ),
            )
        )
        tick()
    return out
