"""Reading tabular files (CSV, first sheet of an XLSX) into numbered rows of strings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from uprflow.importing.model import ImportFileError

#: One data row: its spreadsheet row number (header = 1) and its cells by column name.
Row = tuple[int, dict[str, str]]
#: The most data rows a file may hold (``UPRFLOW_MAX_IMPORT_ROWS`` for the API).
MAX_ROWS = 100_000
#: The most an XLSX (a zip) or a gzip may expand to; the 41,066-row UPR Info export is 10 MB.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: The most members an XLSX may have (a real workbook has a few dozen).
MAX_XLSX_MEMBERS = 10_000


def too_many_rows(max_rows: int) -> ImportFileError:
    """The error for a file over the row limit (it names the limit and its setting)."""
    return ImportFileError(
        f"the file holds more than {max_rows} rows (the limit, UPRFLOW_MAX_IMPORT_ROWS)"
    )


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); an error names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"
        ) from None


def csv_table(text: str, max_rows: int = MAX_ROWS) -> tuple[list[str], list[Row]]:
    """The header and rows of a CSV text; a row with too many cells, or more than
    ``max_rows`` rows, is an error."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                raise too_many_rows(max_rows)
            rows.append((number, _cells(header, cells, number)))
    except csv.Error as exc:
        raise ImportFileError(f"not valid CSV: {exc}", row=reader.line_num) from None
    return header, rows


def _cells(header: list[str], cells: list[str], number: int) -> dict[str, str]:
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        raise ImportFileError(
            f"{len(cells)} cells but the header has {len(header)} columns", row=number
        )
    return {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def check_xlsx_size(data: bytes, limit: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse a workbook whose members would expand beyond ``limit`` bytes.

    Why the declared sizes suffice: Python's zip reader never returns more than a member's
    declared size, so their sum bounds what openpyxl can decompress (a zip bomb is refused
    before it is opened).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(f"not a readable XLSX workbook: {exc}") from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise ImportFileError(f"the workbook has more than {MAX_XLSX_MEMBERS} parts")
    total = sum(m.file_size for m in members)
    if total > limit:
        raise ImportFileError(
            f"the workbook expands to more than {limit // (1024 * 1024)} MB "
            f"({total} bytes uncompressed)"
        )


def xlsx_table(data: bytes, max_rows: int = MAX_ROWS) -> tuple[list[str], list[Row]]:
    """The header and rows of the first sheet of an XLSX workbook (its uncompressed size
    checked first; more than ``max_rows`` rows is an error)."""
    import openpyxl

    check_xlsx_size(data)
    from openpyxl.xml import DEFUSEDXML

    # Why: a workbook is XML from anyone; openpyxl parses it with defusedxml (no entity
    # expansion, no external entities) only when defusedxml is installed and not disabled.
    if not DEFUSEDXML:
        raise ImportFileError("XLSX import needs defusedxml (and OPENPYXL_DEFUSEDXML unset)")
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile/openpyxl raise many types for a broken workbook
        raise ImportFileError(f"not a readable XLSX workbook: {_why(exc)}") from None
    try:
        return _sheet_table(wb, max_rows)
    except ImportFileError:
        raise
    except Exception as exc:  # the sheet's XML is read lazily: entities, bad XML, bad zip
        raise ImportFileError(f"not a readable XLSX workbook: {_why(exc)}") from None
    finally:
        wb.close()


def _why(exc: Exception) -> str:
    """What was wrong with a workbook, in words (defusedxml's refusals say little)."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's error in its own
        if isinstance(cause, DefusedXmlException):
            return f"its XML declares entities or a DTD, which are refused ({type(cause).__name__})"
        cause = cause.__cause__ or cause.__context__
    return str(exc) or type(exc).__name__


def _sheet_table(wb: Any, max_rows: int) -> tuple[list[str], list[Row]]:
    """The header and rows of the workbook's first sheet (its XML is parsed here)."""
    sheet = wb.worksheets[0]
    it: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    first = next(it, None)
    if first is None:
        raise ImportFileError("the first sheet is empty")
    header = [_cell(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()
    rows: list[Row] = []
    for number, values in enumerate(it, start=2):
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= max_rows:
            raise too_many_rows(max_rows)
        rows.append((number, _cells(header, cells, number)))
    return header, rows


def require_columns(header: list[str], required: tuple[str, ...]) -> None:
    """Every required column is in the header (else an error naming the first missing one)."""
    for column in required:
        if column not in header:
            raise ImportFileError(
                f"missing (the header has: {', '.join(h for h in header if h)})",
                row=1,
                column=column,
            )
