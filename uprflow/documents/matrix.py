"""The implementation matrix as a file: XLSX (openpyxl) and CSV.

``load_matrix`` reads a cycle's events from the ledger as of an instant of business time
(``occurred_at``: the cycle's own calendar, which is what a date in a document means) and
builds the rows (:func:`~uprflow.documents.matrix_rows.build_matrix`); ``matrix_xlsx`` and
``matrix_csv`` render them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.engine import Engine

from uprflow.documents.cells import append_row, inert
from uprflow.documents.matrix_rows import (
    COLUMNS,
    HEADERS,
    POSITION_LABELS,
    STATUS_LABELS,
    STATUSES,
    Matrix,
    build_matrix,
    row_values,
)
from uprflow.store.db import as_engine
from uprflow.store.reading import read_cycle

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


class CycleNotFound(LookupError):
    """The ledger has no events of the cycle (as of the instant asked)."""


def profile_cluster_fn(country: str | None) -> Callable[[Sequence[str]], str | None] | None:
    """``Profile.cluster`` of the country's shipped profile when it defines matrix clusters."""
    if not country:
        return None
    from uprflow.profiles import ProfileError, load_profile

    try:
        profile = load_profile(country)
    except (ProfileError, OSError, KeyError, ValueError):
        return None
    if not profile.stages.follow_up.matrix_clusters:
        return None
    return profile.cluster


def load_matrix(bind: Engine | str, cycle_id: str, as_of: datetime | None = None) -> Matrix:
    """The matrix of ``cycle_id`` from the ledger as of ``as_of`` (business time; None: now)."""
    with as_engine(bind).connect() as conn:
        envelopes = read_cycle(conn, cycle_id, as_of=as_of, by="occurred")
    if not envelopes:
        when = f" as of {as_of.isoformat()}" if as_of else ""
        raise CycleNotFound(f"no events of cycle {cycle_id}{when}")
    country = next(
        (e.payload.get("country") for e in envelopes if e.event_type == "CycleStarted"), None
    )
    return build_matrix(envelopes, cycle_id, as_of=as_of, cluster_of=profile_cluster_fn(country))


# ------------------------------------------------------------------ CSV


def matrix_csv(matrix: Matrix) -> bytes:
    """UTF-8 CSV (no BOM, CRLF rows as RFC 4180) with the matrix columns; a cell a
    spreadsheet would run as a formula is prefixed with ``'`` (:func:`~.cells.inert`)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(inert(h) for h in HEADERS)
    for row in matrix.rows:
        writer.writerow(inert(v) for v in row_values(row))
    return buf.getvalue().encode("utf-8")


# ------------------------------------------------------------------ XLSX

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_CLUSTER_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _title(matrix: Matrix) -> str:
    parts = [f"Implementation matrix - {matrix.cycle_id}"]
    if matrix.review_date:
        parts.append(f"review {matrix.review_date.isoformat()}")
    parts.append(f"as of {matrix.as_of.isoformat()}" if matrix.as_of else "as of now")
    return ", ".join(parts)


def matrix_xlsx(matrix: Matrix) -> bytes:
    """The matrix workbook: sheet "Matrix" (frozen header, auto-filter, wrapped text, rows
    grouped by cluster under bold cluster rows, outlined) and sheet "Summary" (counts)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Matrix"
    append_row(ws, list(HEADERS))
    for col, (_, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C2"  # header row and the cluster / id columns stay in view
    current: str | None = None
    for row in matrix.rows:
        if row.cluster != current:
            current = row.cluster
            n = sum(1 for r in matrix.rows if r.cluster == current)
            r_idx = append_row(ws, [f"{current} ({n})"])
            for col in range(1, len(COLUMNS) + 1):
                ws.cell(row=r_idx, column=col).fill = _CLUSTER_FILL
            ws.cell(row=r_idx, column=1).font = Font(bold=True)
        # Why append_row: every text is a string cell, never a formula (cells.py).
        r_idx = append_row(ws, row_values(row))
        ws.row_dimensions[r_idx].outlineLevel = 1
        for col in range(1, len(COLUMNS) + 1):
            ws.cell(row=r_idx, column=col).alignment = _WRAP
    last_col = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last_col}{max(ws.max_row, 2)}"
    ws.sheet_properties.outlinePr.summaryBelow = False
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"

    _summary_sheet(wb, matrix)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _summary_sheet(wb: Workbook, matrix: Matrix) -> None:
    ws = wb.create_sheet("Summary")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 14
    append_row(ws, [_title(matrix)])
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    ws.append([])

    def section(title: str, items: list[tuple[str, int]]) -> None:
        append_row(ws, [title, "Count"])
        for c in (1, 2):
            ws.cell(row=ws.max_row, column=c).font = Font(bold=True)
        for label, count in items:
            append_row(ws, [label, count])
        ws.append([])

    by_pos = matrix.by_position()
    section(
        "Position",
        [
            (POSITION_LABELS.get(k, k.capitalize()), by_pos[k])
            for k in (*POSITION_LABELS, "undecided")
            if by_pos[k]
        ]
        + [("Total recommendations", len(matrix.rows))],
    )
    by_status = matrix.by_status()
    section(
        "Status (supported recommendations)",
        [(STATUS_LABELS[s], by_status[s]) for s in STATUSES]
        + [("Total supported", sum(by_status.values()))],
    )
    clusters = [(c, sum(1 for r in matrix.rows if r.cluster == c)) for c in matrix.clusters]
    section("Cluster", clusters)
    section(
        "Follow-up",
        [
            ("Implementation plans", matrix.plans),
            ("Progress reports", matrix.progress_reports),
            ("Independent assessments (NHRI, CSOs)", matrix.assessments),
        ],
    )
