"""The mid-term report: DOCX with the chart and the progress table, HTML, as-of, the routes."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from docx import Document
from fastapi import FastAPI

from tests.api.conftest import closed_port, copy_sqlite
from tests.documents.conftest import Ledger
from uprflow.api.app import create_app
from uprflow.config import Settings
from uprflow.documents.dates import end_of_day
from uprflow.documents.midterm import load_midterm, midterm_docx, midterm_html
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.migrate import migrate

MIDTERM_DAY_OFFSET = 700  # ~2 years after review: well into the follow-up


def _as_of(ledger: Ledger):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    return end_of_day(ledger.review_date + timedelta(days=MIDTERM_DAY_OFFSET))


def _supported(ledger: Ledger) -> int:
    return sum(1 for e in ledger.of_type("PositionDecided") if e.payload["position"] != "noted")


def test_docx_has_chart_and_progress_table(ledger: Ledger) -> None:
    report = load_midterm(ledger.url, ledger.cycle_id, _as_of(ledger))
    doc = Document(io.BytesIO(midterm_docx(report)))
    assert len(doc.inline_shapes) >= 1  # the chart
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "ID")
    header = [c.text for c in table.rows[0].cells]
    assert "NHRI assessment" in header and "CSO assessments" in header
    assert len(table.rows) == _supported(ledger) + 1
    nhri, cso = header.index("NHRI assessment"), header.index("CSO assessments")
    body = table.rows[1:]
    assert all(r.cells[nhri].text and r.cells[cso].text for r in body)
    assert any("KNCHR" in r.cells[nhri].text for r in body)
    assert any(r.cells[cso].text != "no assessment" for r in body)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ledger.cycle_id in text
    assert report.matrix.progress_reports > 0


def test_html_is_self_contained_and_accessible(ledger: Ledger) -> None:
    html = midterm_html(load_midterm(ledger.url, ledger.cycle_id, _as_of(ledger)))
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert '<img src="data:image/png;base64,' in html and ' alt="Stacked bar chart' in html
    assert html.count("<caption>") >= 3 and '<th scope="col">NHRI assessment</th>' in html
    assert html.count('<tr>\n<th scope="row">KE-') == _supported(ledger)
    assert "http://" not in html and "https://" not in html


def test_as_of_before_the_follow_up_has_no_progress(ledger: Ledger) -> None:
    report = load_midterm(ledger.url, ledger.cycle_id, end_of_day(ledger.adopted_on))
    assert report.matrix.progress_reports == 0
    assert all(line.last_progress == "no report" for line in report.lines)
    assert dict(report.summary)["Progress reports"] == 0
    assert dict(report.summary)["Not started"] == len(report.lines)
    doc = Document(io.BytesIO(midterm_docx(report)))
    assert len(doc.inline_shapes) == 1


@pytest.fixture
async def api(ledger: Ledger, tmp_path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:  # type: ignore[no-untyped-def]
    url = copy_sqlite(ledger.path, tmp_path / "ledger.db")
    migrate(url)
    settings = Settings(database_url=url, temporal_address=f"127.0.0.1:{closed_port()}")
    engine = make_engine(url)
    tokens = {}
    try:
        for role, org in (("auditor", "AUDIT"), ("cso", "KSC"), ("parliament", "PARL")):
            _, tokens[role] = issue_token(
                engine,
                settings.secret_key.get_secret_value(),
                role=role,
                organisation=org,
                name=f"test {role}",
            )
    finally:
        engine.dispose()
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield client, tokens


async def test_routes_serve_the_files(ledger: Ledger, api) -> None:  # type: ignore[no-untyped-def]
    client, tokens = api
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    cso = {"Authorization": f"Bearer {tokens['cso']}"}
    c = ledger.cycle_id
    as_of = _as_of(ledger).date().isoformat()

    r = await client.get(f"/cycles/{c}/matrix.xlsx", headers=auditor)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    r = await client.get(f"/cycles/{c}/matrix.csv", headers=cso)  # CSOs read the matrix
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(r.text.strip().splitlines()) >= 31

    r = await client.get(
        f"/cycles/{c}/reports/midterm.docx", params={"as_of": as_of}, headers=auditor
    )
    assert r.status_code == 200
    assert r.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert len(Document(io.BytesIO(r.content)).inline_shapes) == 1
    r = await client.get(
        f"/cycles/{c}/reports/midterm.html", params={"as_of": as_of}, headers=auditor
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    r = await client.get(
        f"/cycles/{c}/reports/midterm.html",
        params={"as_of": as_of},
        headers={"Authorization": f"Bearer {tokens['parliament']}"},
    )
    assert r.status_code == 200

    r = await client.get(f"/cycles/{c}/reports/midterm.docx", params={"as_of": as_of}, headers=cso)
    assert r.status_code == 403
    r = await client.get(f"/cycles/{c}/reports/midterm.docx", params={"as_of": as_of})
    assert r.status_code == 401
    r = await client.get("/cycles/cycle-KE-99/matrix.xlsx", headers=auditor)
    assert r.status_code == 404
