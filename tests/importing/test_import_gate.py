"""The import goes through the cycle's life, not around it (issue 12, item 7), via the CLI and
HTTP as a secretariat would call them:

- ``uprflow import --cycle C`` / ``POST /cycles/C/recommendations/import-file`` into a cycle that
  was never started is refused naming ``uprflow cycle start``, and writes nothing;
- into a started cycle still before its decisions, the recommendations are recorded and the
  positions the file states are not (the cycle's workflow decides them);
- once the cycle's decisions stage has closed, the file's positions are recorded;
- without ``--cycle`` a file's own past cycles are recorded as history, positions included.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import httpx
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.importing.cycles import close_decisions, start_cycle
from uprflow.api.app import create_app
from uprflow.cli import app as cli_app
from uprflow.config import Settings
from uprflow.profiles import load_profile
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.migrate import migrate
from uprflow.store.schema import events, proj_recommendations

DATA = Path(__file__).resolve().parents[2] / "data"
SI3 = DATA / "ohchr-thematic" / "slovenia-cycle-3.csv"
CYCLE = "cycle-SI-3"
runner = CliRunner()


def _import(url: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, ["import", str(SI3), "--database-url", url, *extra])
    return result.exit_code, " ".join(result.output.split())


def _events(url: str) -> Counter[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return Counter(conn.execute(sa.select(events.c.event_type)).scalars())
    finally:
        engine.dispose()


def _positions(url: str) -> Counter[str | None]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            t = proj_recommendations
            return Counter(conn.execute(sa.select(t.c.position)).scalars())
    finally:
        engine.dispose()


def test_cli_refuses_a_cycle_never_started(sqlite_url: str) -> None:
    migrate(sqlite_url)
    code, out = _import(sqlite_url, "--cycle", CYCLE)
    assert code == 2, out
    assert "cycle-SI-3 was never started" in out and "uprflow cycle start" in out, out
    assert "nothing imported" in out and "Traceback" not in out
    assert _events(sqlite_url) == Counter()  # and no cycle came into being


def test_cli_holds_positions_until_the_decisions_are_past(sqlite_url: str) -> None:
    start_cycle(sqlite_url, CYCLE)
    code, out = _import(sqlite_url, "--cycle", CYCLE)
    assert code == 0, out
    assert re.search(r"positions not recorded \(cycle not past its decisions\)\W+215", out), out
    found = _events(sqlite_url)
    assert found["RecommendationReceived"] == 215 and found["PositionDecided"] == 0, found
    assert _positions(sqlite_url) == {None: 215}


def test_cli_records_positions_once_past_the_decisions(sqlite_url: str) -> None:
    start_cycle(sqlite_url, CYCLE)
    close_decisions(sqlite_url, CYCLE)
    code, out = _import(sqlite_url, "--cycle", CYCLE)
    assert code == 0, out
    assert _events(sqlite_url)["PositionDecided"] == 215
    assert _positions(sqlite_url) == {"supported": 182, "noted": 33}


def test_cli_without_cycle_records_history(sqlite_url: str) -> None:
    migrate(sqlite_url)
    code, out = _import(sqlite_url)
    assert code == 0, out
    assert _positions(sqlite_url) == {"supported": 182, "noted": 33}


def test_cli_without_cycle_holds_positions_of_a_running_derived_cycle(sqlite_url: str) -> None:
    # The file's own cycle is running: it follows the rule of a running cycle.
    start_cycle(sqlite_url, CYCLE)
    code, out = _import(sqlite_url)
    assert code == 0, out
    assert _positions(sqlite_url) == {None: 215}


KE_CSV = (
    "cycle,session,paragraph,recommendation_text,position\n"
    "4,49,145.1,Ratify the Optional Protocol (France);,Supported\n"
    "4,49,145.2,Abolish the death penalty (Spain);,Noted\n"
)


async def test_http_refuses_a_cycle_never_started_and_holds_positions(sqlite_url: str) -> None:
    migrate(sqlite_url)
    settings = Settings(database_url=sqlite_url, temporal_address="127.0.0.1:1")
    engine = make_engine(sqlite_url)
    try:
        _, token = issue_token(
            engine,
            settings.secret_key.get_secret_value(),
            role="secretariat",
            organisation=load_profile("KE").nmrf.secretariat,
            name="test",
        )
    finally:
        engine.dispose()
    auth = {"Authorization": f"Bearer {token}"}
    files = {"file": ("kenya-cycle-4.csv", KE_CSV.encode(), "text/csv")}
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            url = "/cycles/cycle-KE-4/recommendations/import-file"
            refused = await client.post(url, files=files, headers=auth)
            assert refused.status_code == 404, refused.text
            assert "never started" in refused.json()["detail"]
            assert "uprflow cycle start" in refused.json()["detail"]
            # Nothing but the record of the refusal; no cycle came into being.
            assert set(_events(sqlite_url)) <= {"CommandRejected"}
            start_cycle(sqlite_url, "cycle-KE-4")
            done = await client.post(url, files=files, headers=auth)
            assert done.status_code == 201, done.text
            assert done.json()["positions_held"] == 2
            assert _events(sqlite_url)["PositionDecided"] == 0
            assert _positions(sqlite_url) == {None: 2}
