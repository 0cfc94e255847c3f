"""The ``uprflow`` command line (typer)."""

from __future__ import annotations

import typer

from uprflow import __version__
from uprflow.config import get_settings
from uprflow.logging import configure_logging

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


@app.command()
def up() -> None:
    """Start the embedded stack: Temporal dev server, worker and API; Ctrl-C stops all."""
    from uprflow.stack import AlreadyRunning, Stack

    settings = get_settings()
    configure_logging(settings)
    try:
        code = Stack(settings).run()
    except AlreadyRunning as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


@app.command()
def worker() -> None:
    """Run the Temporal worker alone (the production shape).

    On SIGTERM it stops polling and lets running activities finish for up to
    UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS.
    """
    from uprflow import worker as worker_module

    worker_module.main()


@app.command()
def api() -> None:
    """Run the HTTP API alone (uvicorn; UPRFLOW_API_HOST / UPRFLOW_API_PORT).

    On SIGTERM it stops accepting connections and lets in-flight requests finish for up to
    UPRFLOW_API_SHUTDOWN_GRACE_SECONDS.
    """
    import uvicorn

    settings = get_settings()
    configure_logging(settings)
    uvicorn.run(
        "uprflow.api.app:create_app",
        factory=True,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        proxy_headers=True,
        timeout_graceful_shutdown=settings.api_shutdown_grace_seconds,
    )


# --------------------------------------------------------------------------- sub-commands
# Why here: the sub-apps live in their own modules (each imports only what it needs when a
# command runs); this is the one place that assembles the command tree.

from uprflow import cli_docs, cli_import  # noqa: E402
from uprflow.cli_audit import audit_app, db_app, projections_app  # noqa: E402
from uprflow.cli_cycle import cycle_app  # noqa: E402
from uprflow.cli_demo import demo  # noqa: E402
from uprflow.cli_tokens import tokens_app  # noqa: E402
from uprflow.cli_workflows import audit_workflows  # noqa: E402

audit_app.command("workflows")(audit_workflows)
app.add_typer(cycle_app, name="cycle")
app.add_typer(audit_app, name="audit")
app.add_typer(projections_app, name="projections")
app.add_typer(db_app, name="db")
app.add_typer(tokens_app, name="tokens")
cli_import.register(app)
cli_docs.register(app)
app.command("demo")(demo)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
