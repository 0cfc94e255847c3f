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


# ------------------------------------------------------------------ item 9: XML and JSON

LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n"
)


def hostile_xlsx(kind: str) -> bytes:
    """An OHCHR thematic list as XLSX whose sheet XML declares entities (billion laughs) or an
    external entity; a cell uses it."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append([3, 34, "121.1", "Ratify the convention (France)", "Supported"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = body.decode("utf-8")
                xml = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
                if kind == "laughs":
                    head, ref = LAUGHS, "&lol9;"
                else:
                    head = (
                        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM '
                        '"file:///etc/passwd">]>\n'
                    )
                    ref = "&xxe;"
                xml = xml.replace("<t>121.1</t>", f"<t>{ref}</t>", 1)
                assert ref in xml, xml[:600]
                body = (head + xml).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


DEEP_JSON = ("[" * 100_000 + "]" * 100_000).encode()


@pytest.mark.parametrize("kind", ["laughs", "external"])
def test_xlsx_with_entities_is_refused_by_the_cli(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "slovenia-cycle-3.xlsx"
    path.write_bytes(hostile_xlsx(kind))
    out = _refused(tmp_path, path)
    assert "not a readable XLSX workbook" in out and "entities" in out, out


def test_deeply_nested_json_is_refused_by_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "uhri.json"
    path.write_bytes(DEEP_JSON)
    out = _refused(tmp_path, path)
    assert "nested too deeply" in out, out
