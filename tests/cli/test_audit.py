"""The audit, projections and db sub-apps, driven through a root Typer like ``uprflow``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from tests.store.tamper import fill
from tests.store.test_export import run_tool
from uprflow.cli.audit import audit_app, db_app, projections_app
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import head_revision

runner = CliRunner()


def root() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(audit_app, name="audit")
    app.add_typer(projections_app, name="projections")
    app.add_typer(db_app, name="db")
    return app


def test_db_upgrade_then_commands(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(root(), ["db", "upgrade", "--database-url", db_url])
    assert result.exit_code == 0 and f"revision {head_revision()}" in result.output
    ledger = Ledger(db_url)
    fill(ledger)
    ledger.close()

    out = tmp_path / "export.jsonl"
    result = runner.invoke(root(), ["audit", "export", "-o", str(out), "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "exported 10 events" in result.output
    assert run_tool(out).returncode == 0

    result = runner.invoke(root(), ["projections", "rebuild", "--database-url", db_url])
    assert result.exit_code == 0 and "1 cycles" in result.output

    result = runner.invoke(root(), ["audit", "verify", "--json", "--database-url", db_url])
    assert result.exit_code == 0
    assert json.loads(result.output)["head_position"] == 10


def test_settings_url_is_the_default(sqlite_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from uprflow.config import get_settings

    monkeypatch.setenv("UPRFLOW_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    try:
        assert runner.invoke(root(), ["db", "upgrade"]).exit_code == 0
        result = runner.invoke(root(), ["audit", "verify"])
        assert result.exit_code == 0 and "OK: 0 events" in result.output
    finally:
        get_settings.cache_clear()


def test_bad_arguments_are_named(sqlite_url: str) -> None:
    result = runner.invoke(root(), ["audit", "replay", "--database-url", sqlite_url])
    assert result.exit_code == 2 and "--stream or --cycle" in result.output
    result = runner.invoke(
        root(),
        ["audit", "replay", "--cycle", "X", "--as-of", "yesterday", "--database-url", sqlite_url],
    )
    assert result.exit_code == 2 and "--as-of" in result.output
