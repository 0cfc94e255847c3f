"""Every tampering kind is detected at the right first position, on both backends."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from tests.store.tamper import TAMPERS, fill, tamper
from uprflow.cli.audit import audit_app
from uprflow.store.ledger import Ledger
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


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampering_is_detected(ledger: Ledger, db_url: str, name: str) -> None:
    fill(ledger)
    tamper(ledger.engine, name)
    _, position, kind = TAMPERS[name]
    report = verify(ledger.engine)
    assert report.problem is not None, name
    assert (report.problem.position, report.problem.kind) == (position, kind), report.problem
    result = runner.invoke(cli(), ["audit", "verify", "--database-url", db_url])
    assert result.exit_code == 1
    assert f"FAIL at position {position}: {kind}" in result.output
