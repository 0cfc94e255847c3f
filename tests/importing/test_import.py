"""Import on the real files (data/) and fixtures made from them, SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.importing.cycles import start_cycle
from tests.ledger import event_count
from uprflow.api.app import create_app
from uprflow.cli import app as cli_app
from uprflow.config import Settings
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.migrate import migrate
from uprflow.store.schema import proj_recommendations

DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
OHCHR = DATA / "ohchr-thematic"
runner = CliRunner()


def _import(url: str, path: Path, *extra: str) -> str:
    result = runner.invoke(
        cli_app, ["import", str(path), "--database-url", url, *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def _positions(url: str, cycle_id: str) -> Counter[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(proj_recommendations.c.position).where(
                    proj_recommendations.c.cycle_id == cycle_id
                )
            ).all()
    finally:
        engine.dispose()
    return Counter(r.position for r in rows)


@pytest.mark.parametrize(
    ("path", "cycle", "supported", "noted"),
    [
        (OHCHR / "slovenia-cycle-2.csv", "cycle-SI-2", 142, 21),
        (OHCHR / "slovenia-cycle-3.csv", "cycle-SI-3", 182, 33),
        (FIXTURES / "slovenia-cycle-3.xlsx", "cycle-SI-3", 182, 33),
        (FIXTURES / "slovenia-cycle-3-uhri.json", "cycle-SI-3", 182, 33),
    ],
    ids=["ohchr-csv-2", "ohchr-csv-3", "ohchr-xlsx-3", "uhri-json-3"],
)
def test_slovenia_counts_and_reimport(
    db_url: str, path: Path, cycle: str, supported: int, noted: int
) -> None:
    # Without --cycle: a past session's file recorded as history, positions included (a
    # --cycle import needs a started cycle: tests/importing/test_import_gate.py).
    migrate(db_url)
    _import(db_url, path)
    assert _positions(db_url, cycle) == {"supported": supported, "noted": noted}
    before = event_count(db_url)
    assert before == 2 * (supported + noted)  # received + decided; SI has no shipped profile
    out = _import(db_url, path)
    assert event_count(db_url) == before
    assert "already present" in out


def test_formats_agree(sqlite_url: str) -> None:
    from uprflow.importing import parse_bytes

    def rows(path: Path) -> list[tuple[object, ...]]:
        parsed = parse_bytes(path.read_bytes(), path.name, cycle="cycle-SI-3")
        return sorted(
            (
                r.recommendation_id,
                r.position,
                r.recommending_states,
                r.themes,
                r.sdgs,
                r.affected_persons,
            )
            for r in parsed.rows
        )

    csv_rows = rows(OHCHR / "slovenia-cycle-3.csv")
    assert rows(FIXTURES / "slovenia-cycle-3.xlsx") == csv_rows
    assert rows(FIXTURES / "slovenia-cycle-3-uhri.json") == csv_rows
    by_id = {r[0]: r for r in csv_rows}
    assert by_id["cycle-SI-3:121.1"][2] == ("France", "Lithuania")
    assert by_id["cycle-SI-3:121.2"][2] == ("Ukraine", "Slovakia")
    assert by_id["cycle-SI-3:121.1"][4] == ("16",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bad-position.csv",
            "row 17, column position: 'Rejected' is not one of Supported, Noted, Supported/Noted",
        ),
        ("missing-column.csv", "row 1, column position: missing"),
        ("bad-sdg.csv", "row 6, column sdgs: '18 - SPACE EXPLORATION'"),
        ("bad-type-uhri.json", "row 7, column Themes: expected a list of strings, got a number"),
    ],
)
def test_broken_files_name_row_and_column_and_write_nothing(
    db_url: str, name: str, expected: str
) -> None:
    migrate(db_url)
    result = runner.invoke(
        cli_app,
        ["import", str(FIXTURES / name), "--cycle", "cycle-SI-3", "--database-url", db_url],
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert event_count(db_url) == 0


@pytest.mark.slow
def test_whole_upr_info_file(sqlite_url: str) -> None:
    migrate(sqlite_url)
    path = DATA / "upr-info" / "recommendations-sessions-1-20.csv.gz"
    from uprflow.domain.envelope import Actor
    from uprflow.importing import parse_bytes, write_import
    from uprflow.store.ledger import Ledger

    parsed = parse_bytes(path.read_bytes(), path.name)
    engine = make_engine(sqlite_url)
    ledger = Ledger(engine)
    try:
        actor = Actor(role="secretariat", organisation="NMRF", subject="test")
        summary = write_import(ledger, parsed, actor=actor)
        assert summary.recommendations == 41_066
        assert summary.written == 41_066
        assert summary.states == 193
        assert summary.by_position == {"supported": 30_472, "noted": 10_594}
        assert summary.duplicate_rows == 2  # Lesotho and Tonga: kept, one recommendation per row
        with engine.connect() as conn:
            t = proj_recommendations
            assert conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() == 41_066
        again = write_import(ledger, parsed, actor=actor)
        assert again.written == 0 and again.already_present == 41_066
        assert again.events_written == 0
    finally:
        ledger.close()
        engine.dispose()


KE_CSV = (
    "cycle,session,paragraph,recommendation_text,position,source_of_position,cluster_theme,"
    "themes,groups_of_persons,sdgs\n"
    "4,49,145.1,Ratify the Optional Protocol (France);,Supported,A/HRC/53/10 - Para 145,,"
    "Acceptance of international norms,general,16 - PEACE\n"
    "4,49,145.2,Explore the Moon peacefully (Spain) (Chile);,Noted,A/HRC/53/10 - Para 145,,"
    "Outer space,,\n"
)


async def test_routing_sends_unmatched_to_triage_and_api_lists_it(db_url: str) -> None:
    from uprflow.profiles import load_profile

    triage_org = load_profile("KE").routing.triage
    migrate(db_url)
    settings = Settings(database_url=db_url, temporal_address="127.0.0.1:1")
    app = create_app(settings)
    engine = make_engine(db_url)
    try:
        _, secretariat = issue_token(
            engine,
            settings.secret_key.get_secret_value(),
            role="secretariat",
            organisation=load_profile("KE").nmrf.secretariat,
            name="test",
        )
        _, ministry = issue_token(
            engine,
            settings.secret_key.get_secret_value(),
            role="ministry",
            organisation="MOH",
            name="test",
        )
    finally:
        engine.dispose()
    auth = {"Authorization": f"Bearer {secretariat}"}
    start_cycle(db_url, "cycle-KE-4")  # an import never creates a cycle (issue 12, item 7)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            files = {"file": ("ke.csv", KE_CSV.encode(), "text/csv")}
            r = await client.post(
                "/cycles/cycle-KE-4/recommendations/import-file", files=files, headers=auth
            )
            assert r.status_code == 201, r.text
            body = r.json()
            assert body["recommendations"] == 2
            assert body["routed"] == 1 and body["triage"] == 1
            assert body["triage_organisations"] == [triage_org]
            r2 = await client.post(
                "/cycles/cycle-KE-4/recommendations/import-file", files=files, headers=auth
            )
            assert r2.status_code == 201 and r2.json()["events_written"] == 0
            bad = {"file": ("bad.csv", (FIXTURES / "bad-position.csv").read_bytes(), "text/csv")}
            r3 = await client.post(
                "/cycles/cycle-SI-3/recommendations/import-file", files=bad, headers=auth
            )
            assert r3.status_code == 422
            assert r3.json()["errors"][0]["field"] == "row 17, column position"
            r4 = await client.get("/cycles/cycle-KE-4/triage", headers=auth)
            assert r4.status_code == 200, r4.text
            queue = r4.json()
            assert queue["triage_organisation"] == triage_org
            assert [i["recommendation_id"] for i in queue["items"]] == ["cycle-KE-4:145.2"]
            r5 = await client.get(
                "/cycles/cycle-KE-4/triage", headers={"Authorization": f"Bearer {ministry}"}
            )
            assert r5.status_code == 403
    assert json.dumps(body)  # the summary is plain JSON


def test_gzip_is_read_as_its_content_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip
    import importlib

    from uprflow.importing import ImportFileError, parse_bytes

    detect_module = importlib.import_module("uprflow.importing.detect")

    raw = (OHCHR / "slovenia-cycle-3.csv").read_bytes()
    plain = parse_bytes(raw, "slovenia-cycle-3.csv")
    packed = parse_bytes(gzip.compress(raw), "slovenia-cycle-3.csv.gz")
    # Same content, same digest and rows: re-importing the gzip of a file adds nothing.
    assert packed.sha256 == plain.sha256
    assert packed.rows == plain.rows
    with pytest.raises(ImportFileError, match="truncated gzip"):
        parse_bytes(gzip.compress(raw)[:-40], "slovenia-cycle-3.csv.gz")
    monkeypatch.setattr(detect_module, "MAX_UNCOMPRESSED_BYTES", 1024)
    with pytest.raises(ImportFileError, match="expands to more than"):
        parse_bytes(gzip.compress(raw), "slovenia-cycle-3.csv.gz")
