"""``uprflow export matrix`` and ``uprflow report midterm``: documents built from the ledger.

Both read the ledger (``UPRFLOW_DATABASE_URL`` or ``--database-url``) as of an instant of
business time (the cycle's own calendar) and write a file (``-o``; default a name made of the
cycle id and the format, ``-`` for standard output).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from uprflow.cli.options import DatabaseUrl, fail, ledger_url
from uprflow.documents.dates import end_of_day

export_app = typer.Typer(help="Export documents from the ledger.", no_args_is_help=True)
report_app = typer.Typer(help="Reports built from the ledger.", no_args_is_help=True)

CycleOpt = Annotated[
    str, typer.Option("--cycle", help="cycle id, e.g. cycle-KE-4 (KE-4 is accepted too)")
]
Output = Annotated[
    str | None,
    typer.Option("-o", "--output", help="file to write ('-': standard output)"),
]


def cycle_id_of(value: str) -> str:
    """``cycle-KE-4`` for ``cycle-KE-4``, ``KE-4`` or ``ke-4``."""
    text = value.strip()
    if text.lower().startswith("cycle-"):
        text = text[len("cycle-") :]
    country, _, number = text.partition("-")
    if not country.isalpha() or not number.isdigit():
        raise fail(f"error: --cycle: not a cycle id: {value!r} (expected e.g. cycle-KE-4)")
    return f"cycle-{country.upper()}-{int(number)}"


def parse_as_of(value: str) -> datetime:
    """An ISO 8601 instant (naive = UTC) or a date (its end)."""
    from uprflow.store.timefmt import parse_ts

    text = value.strip()
    try:
        if len(text) == 10:
            return end_of_day(date.fromisoformat(text))
        return parse_ts(text)
    except ValueError:
        raise fail(f"error: --as-of: not an ISO 8601 date or timestamp: {value!r}") from None


def _write(data: bytes, output: str | None, default: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(output or default)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise fail(f"error: cannot write {path}: {exc}") from None
    typer.echo(f"wrote {path} ({len(data)} bytes)", err=True)


@export_app.command("matrix")
def export_matrix(
    cycle: CycleOpt,
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    output: Output = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="ISO 8601 instant or date (business time); default: now"),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The implementation matrix: one row per recommendation (OHCHR and implementation columns)."""
    from uprflow.documents.matrix import CycleNotFound, load_matrix, matrix_csv, matrix_xlsx

    if fmt not in ("xlsx", "csv"):
        raise fail(f"error: --format must be xlsx or csv, got {fmt!r}")
    cycle_id = cycle_id_of(cycle)
    instant = parse_as_of(as_of) if as_of else None
    try:
        matrix = load_matrix(ledger_url(database_url), cycle_id, instant)
    except CycleNotFound as exc:
        raise fail(f"error: {exc}", 1) from None
    except Exception as exc:
        raise fail(f"error: cannot read the ledger: {exc}") from None
    data = matrix_xlsx(matrix) if fmt == "xlsx" else matrix_csv(matrix)
    _write(data, output, f"matrix-{cycle_id}.{fmt}")


@report_app.command("midterm")
def report_midterm(
    cycle: CycleOpt,
    as_of: Annotated[
        str, typer.Option("--as-of", help="ISO 8601 date (or instant) the report is as of")
    ],
    fmt: Annotated[str, typer.Option("--format", help="docx or html")] = "docx",
    output: Output = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The mid-term report built from the ledger as of a date (DOCX or HTML)."""
    from uprflow.documents.matrix import CycleNotFound
    from uprflow.documents.midterm import load_midterm, midterm_docx, midterm_html

    if fmt not in ("docx", "html"):
        raise fail(f"error: --format must be docx or html, got {fmt!r}")
    cycle_id = cycle_id_of(cycle)
    instant = parse_as_of(as_of)
    try:
        report = load_midterm(ledger_url(database_url), cycle_id, instant)
    except CycleNotFound as exc:
        raise fail(f"error: {exc}", 1) from None
    except Exception as exc:
        raise fail(f"error: cannot read the ledger: {exc}") from None
    data = midterm_docx(report) if fmt == "docx" else midterm_html(report).encode("utf-8")
    _write(data, output, f"midterm-{cycle_id}-{instant.date().isoformat()}.{fmt}")
