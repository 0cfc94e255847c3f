"""Formula injection (issue 12, item 3): a recommendation text that a spreadsheet would run
(``=HYPERLINK(...)``, ``+``, ``-``, ``@``) is imported through a real import, then the matrix is
exported through the CLI and fetched over HTTP: the XLSX has no formula cell and keeps the text
exact, the CSV prefixes each such cell with ``'``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.api.conftest import serve
from uprflow.cli import app as cli_app
from uprflow.documents.cells import inert
from uprflow.store.migrate import migrate

runner = CliRunner()
CYCLE = "cycle-SI-3"
HOSTILE = {
    "121.1": '=HYPERLINK("http://evil.example/x","click") (France)',
    "121.2": "+1+cmd|' /C calc'!A0 (France)",
    "121.3": "-2+3 (France)",
    "121.4": "@SUM(1+1) (France)",
}


def _ohchr_file(directory: Path) -> Path:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(
        ["cycle", "session", "paragraph", "recommendation_text", "position", "source_of_position"]
    )
    for para, text in HOSTILE.items():
        w.writerow([3, 34, para, text, "Supported", "A/HRC/43/15 - Para 121"])
    path = directory / "slovenia-cycle-3.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    migrate(url)
    result = runner.invoke(
        cli_app,
        ["import", str(_ohchr_file(tmp_path)), "--database-url", url],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return url


def _check_xlsx(data: bytes) -> None:
    wb = load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert set(HOSTILE.values()) <= texts  # exact and visible, no quote added


def _check_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    texts = {cell for row in rows for cell in row}
    for text in HOSTILE.values():
        assert "'" + text in texts
        assert text not in texts
    assert not [c for c in texts if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_cli_export_is_inert(ledger_url: str, tmp_path: Path) -> None:
    for fmt, check in (("xlsx", _check_xlsx), ("csv", _check_csv)):
        out = tmp_path / f"m.{fmt}"
        result = runner.invoke(
            cli_app,
            [
                "export",
                "matrix",
                "--cycle",
                CYCLE,
                "--format",
                fmt,
                "--output",
                str(out),
                "--database-url",
                ledger_url,
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
        check(out.read_bytes())


async def test_http_matrix_is_inert(ledger_url: str) -> None:
    async with serve(ledger_url) as api:
        for fmt, check in (("xlsx", _check_xlsx), ("csv", _check_csv)):
            r = await api.client.get(f"/cycles/{CYCLE}/matrix.{fmt}", headers=api.auth("auditor"))
            assert r.status_code == 200, r.text
            check(r.content)


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_inert_prefixes_every_formula_start(lead: str) -> None:
    assert inert(lead + "x") == "'" + lead + "x"
    assert inert("x" + lead) == "x" + lead
    assert inert("") == ""


def test_a_ledger_holding_control_characters_still_renders(ledger_url: str, tmp_path: Path) -> None:
    """Input refuses control characters (tests/api/test_text_limits.py); a ledger written before
    that may hold some, and the documents still render (U+FFFD in their place)."""
    import uuid
    from datetime import UTC, date, datetime

    from docx import Document

    from uprflow.domain.envelope import Actor, NewEvent
    from uprflow.domain.events import RecommendationReceived
    from uprflow.store.db import make_engine
    from uprflow.store.ledger import Ledger

    engine = make_engine(ledger_url)
    ledger = Ledger(engine)
    try:
        ledger.append(
            "import-legacy",
            [
                NewEvent(
                    event=RecommendationReceived(
                        cycle_id=CYCLE,
                        recommendation_id=f"{CYCLE}:121.9",
                        text="Ratify\x00 the\x1b convention (France)",
                        recommending_states=("France",),
                        source_paragraph="para 121.9",
                    ),
                    event_id=uuid.uuid4(),
                    occurred_at=datetime.now(UTC),
                    actor=Actor(role="secretariat", organisation="NMRF", subject="legacy"),
                )
            ],
        )
    finally:
        ledger.close()
        engine.dispose()
    for args, name in (
        (["export", "matrix", "--format", "xlsx"], "m.xlsx"),
        (["report", "midterm", "--as-of", date.today().isoformat()], "m.docx"),
    ):
        out = tmp_path / name
        result = runner.invoke(
            cli_app,
            [*args, "--cycle", CYCLE, "--output", str(out), "--database-url", ledger_url],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
    texts = {
        c.value for row in load_workbook(tmp_path / "m.xlsx")["Matrix"].iter_rows() for c in row
    }
    assert "Ratify\ufffd the\ufffd convention (France)" in texts
    Document(str(tmp_path / "m.docx"))  # a valid document
