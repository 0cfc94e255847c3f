"""The row model shared by every format, and the error that names a row and a column."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from uprflow.domain.values import Position


class SourceFormat(StrEnum):
    """The file formats ``uprflow import`` reads."""

    UPR_INFO_CSV = "upr-info-csv"
    OHCHR_CSV = "ohchr-csv"
    OHCHR_XLSX = "ohchr-xlsx"
    UPR_INFO_XLSX = "upr-info-xlsx"
    UHRI_JSON = "uhri-json"


class ImportFileError(Exception):
    """A file that cannot be imported; nothing of it was written.

    ``row`` is the row number as a spreadsheet shows it (the header is row 1, the first
    recommendation row 2) or, for UHRI JSON, the 1-based position of the object in the list.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        self.reason = message
        where = ", ".join(
            p for p in (f"row {row}" if row else "", f"column {column}" if column else "") if p
        )
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One recommendation as read from a file, validated and normalised."""

    row: int
    cycle_id: str
    recommendation_id: str
    text: str
    recommending_states: tuple[str, ...]
    source_paragraph: str
    position: Position | None
    state_under_review: str  # ISO alpha-2
    themes: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()
    affected_persons: tuple[str, ...] = ()
    duplicate_of: int | None = None  # an earlier row with exactly the same content


@dataclass(frozen=True)
class ParsedFile:
    """Every row of a file, parsed and validated, with what identifies the file."""

    format: SourceFormat
    source: str  # who states the positions: "UPR Info" or "OHCHR"
    sha256: str
    rows: tuple[ImportRow, ...]
    name: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def stream_id(self) -> str:
        return f"import-{self.sha256[:16]}"
