"""Options and failure handling shared by the CLI's command groups."""

from __future__ import annotations

from typing import Annotated

import typer

from uprflow.config import get_settings

DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="SQLAlchemy URL (default: the configured ledger)"),
]


def ledger_url(value: str | None) -> str:
    """``--database-url`` if given, else the configured ledger (``UPRFLOW_DATABASE_URL``)."""
    return value or get_settings().ledger_url


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` on standard error; the exit (to raise) with ``code``."""
    typer.echo(message, err=True)
    return typer.Exit(code)
