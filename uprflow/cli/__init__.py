"""The ``uprflow`` command line (typer): this module assembles the command tree.

Each command group lives in its own module and imports what it needs only when a command
runs, so ``uprflow --help`` stays fast:

- :mod:`~uprflow.cli.serve`: ``up``, ``worker``, ``api``;
- :mod:`~uprflow.cli.cycle`: ``cycle start|status|close-window|extend``;
- :mod:`~uprflow.cli.audit`: ``audit verify|export|replay``, ``projections``, ``db``;
  :mod:`~uprflow.cli.workflows`: ``audit workflows``;
- :mod:`~uprflow.cli.tokens`: ``tokens issue|list|revoke``;
  :mod:`~uprflow.cli.webhooks`: ``webhooks secret``;
- :mod:`~uprflow.cli.imports`: ``import``; :mod:`~uprflow.cli.docs`: ``export``, ``report``;
- :mod:`~uprflow.cli.demo`: ``demo``.
"""

from __future__ import annotations

import typer

from uprflow import __version__
from uprflow.cli.audit import audit_app, db_app, projections_app
from uprflow.cli.cycle import cycle_app
from uprflow.cli.demo import demo_cmd
from uprflow.cli.docs import export_app, report_app
from uprflow.cli.imports import import_cmd
from uprflow.cli.serve import api, up, worker
from uprflow.cli.tokens import tokens_app
from uprflow.cli.webhooks import webhooks_app
from uprflow.cli.workflows import audit_workflows

app = typer.Typer(
    name="uprflow",
    help="Run a country's Universal Periodic Review cycle as workflows over a verifiable ledger.",
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"uprflow {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the installed version and exit.",
    ),
) -> None:
    """Run a country's Universal Periodic Review cycle as workflows over a verifiable ledger."""


# Why this order: ``uprflow --help`` lists commands, then groups, each in registration order.
app.command("up")(up)
app.command("worker")(worker)
app.command("api")(api)
audit_app.command("workflows")(audit_workflows)
app.add_typer(cycle_app, name="cycle")
app.add_typer(audit_app, name="audit")
app.add_typer(projections_app, name="projections")
app.add_typer(db_app, name="db")
app.add_typer(tokens_app, name="tokens")
app.add_typer(webhooks_app, name="webhooks")
app.command("import")(import_cmd)
app.add_typer(export_app, name="export")
app.add_typer(report_app, name="report")
app.command("demo")(demo_cmd)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
