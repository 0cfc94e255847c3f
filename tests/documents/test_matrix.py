"""The implementation matrix: XLSX and CSV reopen with the expected columns and rows, and the
values are the ledger's."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.documents.conftest import Ledger
from uprflow.cli import app
from uprflow.documents.dates import end_of_day
from uprflow.documents.matrix import load_matrix, matrix_csv, matrix_xlsx
from uprflow.documents.matrix_rows import HEADERS

EXPECTED_COLUMNS = [
    "Cluster",
    "Recommendation ID",
    "Paragraph",
    "Recommendation",
    "Recommending State(s)",
    "Position",
    "Themes",
    "Groups of persons",
    "SDGs",
    "Lead ministry",
    "Responsible body",
    "Action",
    "Indicators",
    "Partners",
    "Timeframe",
    "Status",
    "Last progress",
    "NHRI assessment",
    "CSO assessment",
]
KE_CLUSTERS = {
    "Legal and institutional reforms",
    "Civil and political rights",
    "Economic, social and cultural rights",
    "Group rights",
}


def _latest(ledger: Ledger, event_type: str, field: str) -> dict[str, str]:
    return {e.payload["recommendation_id"]: e.payload[field] for e in ledger.of_type(event_type)}


def _xlsx_rows(data: bytes) -> tuple[list[str], list[dict[str, str]], object]:
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Matrix"]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(c) for c in rows[0]]
    body = [
        dict(zip(header, ["" if c is None else str(c) for c in r], strict=True))
        for r in rows[1:]
        if r[1] is not None  # cluster header rows carry only the cluster's name
    ]
    return header, body, wb


def test_xlsx_reopens_with_columns_rows_and_layout(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "m.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "matrix",
            "--cycle",
            ledger.cycle_id,
            "--database-url",
            ledger.url,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    header, body, wb = _xlsx_rows(out.read_bytes())
    for column in EXPECTED_COLUMNS:
        assert column in header
    ws = wb["Matrix"]  # type: ignore[index]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.auto_filter.ref.endswith(str(ws.max_row))
    assert (
        ws.cell(row=2, column=4).alignment.wrap_text or ws.cell(row=3, column=4).alignment.wrap_text
    )
    assert ws.column_dimensions["D"].width >= 40

    received = ledger.of_type("RecommendationReceived")
    assert len(body) == len(received) == 30
    assert {r["Recommendation ID"] for r in body} == {
        e.payload["recommendation_id"] for e in received
    }
    # Grouped by cluster: the Kenyan four areas, each a contiguous block under a bold header.
    clusters = [r["Cluster"] for r in body]
    assert set(clusters) <= KE_CLUSTERS | {"Other"}
    assert clusters == sorted(clusters, key=str.casefold)
    bold_headers = [
        ws.cell(row=i, column=1).value
        for i in range(2, ws.max_row + 1)
        if ws.cell(row=i, column=2).value is None and ws.cell(row=i, column=1).font.bold
    ]
    assert len(bold_headers) == len(set(clusters))

    # Values are the ledger's.
    positions = _latest(ledger, "PositionDecided", "position")
    leads = _latest(ledger, "RecommendationRouted", "lead_ministry")
    bodies = _latest(ledger, "ImplementationPlanned", "responsible_body")
    statuses = _latest(ledger, "ProgressReported", "status")
    nhri = {
        e.payload["recommendation_id"]: e.payload["text"]
        for e in ledger.of_type("AssessmentFiled")
        if e.payload["assessor_kind"] == "nhri"
    }
    for row in body:
        rid = row["Recommendation ID"]
        assert row["Position"].lower().startswith(positions[rid].replace("_", " "))
        assert row["Lead ministry"] == leads[rid]
        assert row["Responsible body"] == bodies.get(rid, "")
        if rid in statuses:
            assert row["Status"].lower() == statuses[rid].replace("_", " ")
        assert row["NHRI assessment"] == nhri.get(rid, "")
    supported = [r for r in body if r["Position"].startswith("Supported")]
    assert supported and all(r["Action"] and r["Timeframe"] for r in supported)
    assert any(r["CSO assessment"] for r in body)

    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}  # type: ignore[index]
    assert summary["Total recommendations"] == 30
    assert summary["Supported"] == sum(1 for p in positions.values() if p == "supported")


def test_csv_has_the_same_rows(ledger: Ledger) -> None:
    matrix = load_matrix(ledger.url, ledger.cycle_id)
    _, xlsx_body, _ = _xlsx_rows(matrix_xlsx(matrix))
    text = matrix_csv(matrix).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0].keys()) == list(HEADERS)
    assert rows == xlsx_body


def test_as_of_cuts_the_matrix(ledger: Ledger) -> None:
    before_review = datetime.combine(ledger.review_date, datetime.min.time()).replace(
        tzinfo=end_of_day(ledger.review_date).tzinfo
    ) - timedelta(days=1)
    assert load_matrix(ledger.url, ledger.cycle_id, before_review).rows == ()
    at_adoption = load_matrix(ledger.url, ledger.cycle_id, end_of_day(ledger.adopted_on))
    assert len(at_adoption.rows) == 30
    assert at_adoption.progress_reports == 0
    assert all(r.status in (None, "not_started") for r in at_adoption.rows)
    assert all(r.last_progress is None for r in at_adoption.rows)


def test_cli_reports_an_unknown_cycle(ledger: Ledger, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "export",
            "matrix",
            "--cycle",
            "KE-99",
            "--format",
            "csv",
            "--database-url",
            ledger.url,
            "-o",
            str(tmp_path / "x.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "cycle-KE-99" in result.output
