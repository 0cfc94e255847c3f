"""The long-running processes: ``uprflow up`` (the embedded stack), ``uprflow worker`` and
``uprflow api`` (each alone, the production shape)."""

from __future__ import annotations

import typer

from uprflow.config import Settings, get_settings
from uprflow.logging import configure_logging


def _refuse_public_dev_key(settings: Settings) -> None:
    """Exit 1 naming UPRFLOW_SECRET_KEY when the API would serve a public address with the
    published development key (any ``UPRFLOW_ENV``)."""
    problem = settings.public_bind_problem()
    if problem:
        typer.echo(f"refusing to start: {problem}", err=True)
        raise typer.Exit(1)


def up() -> None:
    """Start the embedded stack: Temporal dev server, worker and API; Ctrl-C stops all."""
    from uprflow.stack import AlreadyRunning, Stack

    settings = get_settings()
    _refuse_public_dev_key(settings)
    configure_logging(settings)
    try:
        code = Stack(settings).run()
    except AlreadyRunning as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


def worker() -> None:
    """Run the Temporal worker alone (the production shape).

    On SIGTERM it stops polling and lets running activities finish for up to
    UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS.
    """
    from uprflow import worker as worker_module

    worker_module.main()


def api() -> None:
    """Run the HTTP API alone (uvicorn; UPRFLOW_API_HOST / UPRFLOW_API_PORT).

    On SIGTERM it stops accepting connections and lets in-flight requests finish for up to
    UPRFLOW_API_SHUTDOWN_GRACE_SECONDS.
    """
    import uvicorn

    settings = get_settings()
    _refuse_public_dev_key(settings)
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
