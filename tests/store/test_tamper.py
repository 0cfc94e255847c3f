"""Every tampering kind is detected at the right first position, on both backends.

Through the library, the CLI (``uprflow audit verify``: exit 1 naming the position, no
traceback) and HTTP (``GET /audit/verify``: 200 with the problem, never a 500), and in the
export (``uprflow audit export`` goes to the end; ``tools/verify_export.py`` names the
position). Kinds PostgreSQL cannot store (another type in a bytea column, a body that is not
UTF-8) are shown to be refused by PostgreSQL itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from tests.api.conftest import serve
from tests.store.tamper import SQLITE_ONLY, TAMPERS, fill, tamper
from tests.store.test_export import run_tool
from uprflow.cli.audit import audit_app
from uprflow.store.db import make_engine
from uprflow.store.export import export
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.verify import verify

runner = CliRunner()


def cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(audit_app, name="audit")
    return root


def test_intact_ledger_verifies(ledger: Ledger, db_url: str) -> None:
    fill(ledger)
    report = verify(ledger.engine)
    assert report.ok and report.checked == 10 and report.head_position == 10
    result = runner.invoke(cli(), ["audit", "verify", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "OK: 10 events verified" in result.output


def _tamper_or_refused(ledger: Ledger, name: str) -> bool:
    """Apply the tampering; False when PostgreSQL refuses a kind it cannot store."""
    if ledger.engine.dialect.name != "sqlite" and name in SQLITE_ONLY:
        with pytest.raises(sa.exc.DBAPIError):
            tamper(ledger.engine, name)
        return False
    tamper(ledger.engine, name)
    return True


@pytest.mark.parametrize("name", list(TAMPERS))
async def test_tampering_is_detected(ledger: Ledger, db_url: str, name: str) -> None:
    fill(ledger)
    if not _tamper_or_refused(ledger, name):
        assert verify(ledger.engine).ok  # the refused change left the chain intact
        return
    _, position, kind = TAMPERS[name]
    report = verify(ledger.engine)
    assert report.problem is not None, name
    assert (report.problem.position, report.problem.kind) == (position, kind), report.problem
    result = runner.invoke(cli(), ["audit", "verify", "--database-url", db_url])
    assert result.exit_code == 1, result.output
    assert f"FAIL at position {position}: {kind}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    async with serve(db_url) as api:
        answer = await api.client.get("/audit/verify", headers=api.auth("auditor"))
    assert answer.status_code == 200, answer.text
    problem = answer.json()["problem"]
    assert (problem["position"], problem["kind"]) == (position, kind), problem


TYPE_KINDS = [n for n in TAMPERS if n in SQLITE_ONLY or "null" in n or "hash-" in n]


@pytest.mark.parametrize("name", TYPE_KINDS)
async def test_export_goes_on_and_the_tool_names_the_position(
    ledger: Ledger, db_url: str, name: str, tmp_path: Path
) -> None:
    fill(ledger)
    if not _tamper_or_refused(ledger, name):
        return
    path = tmp_path / "ledger.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        summary = export(ledger.engine, fh, checkpoint=False)
    assert summary.events == 10  # every row exported, the tampered one included
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["kind"] == "end"
    assert "stored" in lines[5], lines[5]
    _, position, kind = TAMPERS[name]
    done = run_tool(path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith(f"FAIL position {position}: {kind}"), done.stdout
    # The same export over HTTP goes to its end record too.
    async with serve(db_url) as api:
        answer = await api.client.get("/audit/export", headers=api.auth("auditor"))
    assert answer.status_code == 200
    over_http = tmp_path / "http.jsonl"
    over_http.write_bytes(answer.content)
    assert json.loads(answer.content.splitlines()[-1])["kind"] == "end"
    done = run_tool(over_http)
    assert done.stdout.startswith(f"FAIL position {position}: {kind}"), done.stdout


def test_position_type_is_enforced_by_the_database(ledger: Ledger) -> None:
    """The position is the primary key (SQLite's rowid, PostgreSQL's BIGINT): a writer with
    SQL access cannot store another type there without rebuilding the table, which verify
    reports as the table altered (``altered-column``)."""
    fill(ledger)
    tamper_fn = "UPDATE events SET position = 'five' WHERE position = 5"
    from tests.store.conftest import drop_triggers

    drop_triggers(ledger.engine)
    with pytest.raises(sa.exc.DBAPIError), ledger.engine.begin() as conn:
        conn.exec_driver_sql(tamper_fn)
    assert verify(ledger.engine).ok


@pytest.mark.parametrize(
    "value", ["hex(head_hash)", "CAST(head_hash AS TEXT)", "substr(head_hash, 1, 31)", "7"]
)
def test_checkpoint_stored_as_another_type_is_reported(sqlite_url: str, value: str) -> None:
    """A checkpoint whose head hash is text, short or an integer is named, not a crash
    (SQLite: PostgreSQL's bytea column takes only bytes)."""
    engine = make_engine(sqlite_url)
    migrate(engine)
    ledger = Ledger(engine)
    fill(ledger)
    ledger.close()
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER checkpoints_no_update")
        conn.exec_driver_sql(f"UPDATE checkpoints SET head_hash = {value}")
    result = runner.invoke(cli(), ["audit", "verify", "--database-url", sqlite_url])
    assert result.exit_code == 1, result.output
    assert "FAIL at position 10: altered: a checkpoint is not stored as written" in result.output
    engine.dispose()
