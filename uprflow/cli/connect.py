"""Talking to Temporal from the CLI: the connection, and failures as one line and an exit code.

Commands reach the configured Temporal server (``UPRFLOW_TEMPORAL_ADDRESS``, the embedded
``127.0.0.1:7233`` when unset) through :func:`uprflow.temporal.connect`; a worker (``uprflow
worker`` or ``uprflow up``) must poll ``UPRFLOW_TEMPORAL_TASK_QUEUE`` for queries and updates
to be answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, NoReturn, TypeVar

import typer

from uprflow.config import Settings

if TYPE_CHECKING:
    from temporalio.client import Client
    from temporalio.service import RPCError

#: How long a query or an update may wait for a worker before the CLI gives up.
RPC_TIMEOUT = timedelta(seconds=15)

T = TypeVar("T")


class CliError(Exception):
    """A failure the CLI reports as one line and an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def die(message: str, code: int) -> NoReturn:
    """Print ``message`` on standard error and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def run(coro: Callable[[], Awaitable[T]]) -> T:
    """Run ``coro()`` to completion; a :class:`CliError` becomes ``error: ...`` and its code."""
    try:
        return asyncio.run(_as_coroutine(coro))
    except CliError as exc:
        die(f"error: {exc}", exc.code)


async def _as_coroutine(fn: Callable[[], Awaitable[T]]) -> T:
    return await fn()


async def temporal_client(settings: Settings) -> Client:
    """A client of the configured Temporal server, or a :class:`CliError` saying how to start
    one."""
    from uprflow.temporal import connect

    try:
        return await connect(settings)
    except Exception as exc:
        raise CliError(
            f"cannot reach Temporal at {settings.effective_temporal_address} "
            f"(namespace {settings.temporal_namespace}): {exc}. Start it with `uprflow up`, or "
            "point UPRFLOW_TEMPORAL_ADDRESS at your Temporal frontend."
        ) from None


def not_found(exc: RPCError) -> bool:
    """True when the server answered that the workflow does not exist."""
    from temporalio.service import RPCStatusCode

    return exc.status == RPCStatusCode.NOT_FOUND


def rpc_problem(exc: RPCError, what: str, settings: Settings) -> CliError:
    """The :class:`CliError` for a failed call; a timeout names the worker that did not answer."""
    from temporalio.service import RPCStatusCode

    if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
        return CliError(
            f"{what}: no worker answered within {RPC_TIMEOUT.seconds} s; is `uprflow worker` "
            f"(or `uprflow up`) running on task queue {settings.temporal_task_queue!r}?"
        )
    return CliError(f"{what}: {exc.message}")
