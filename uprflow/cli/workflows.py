"""``uprflow audit workflows``: replay the live workflow histories against today's code.

A workflow that no longer replays (its code changed the commands it issues for a history it
already wrote) would fail on its next task; this command finds such executions before a
worker does. Executions are listed through visibility (``--query``, the Temporal list
filter), each history is fetched and replayed with :class:`temporalio.worker.Replayer` over
the worker's :data:`worker.WORKFLOWS`. Executions of workflow types this code does not
define (another application on the namespace) are listed as skipped.

The command is added to the ``uprflow audit`` group by :mod:`uprflow.cli`.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from uprflow.config import get_settings

if TYPE_CHECKING:
    from temporalio.client import Client, WorkflowHistory

#: Default cap on the executions one run replays.
DEFAULT_LIMIT = 1000


_CORE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


def _short_error(exc: BaseException) -> str:
    """The SDK core's failure message (``[TMPRL1100] Nondeterminism error: ...``) if any."""
    text = str(exc)
    found = _CORE_MESSAGE.search(text)
    return f"{type(exc).__name__}: {found.group(1) if found else text}"


@dataclass(frozen=True)
class ReplayFailure:
    """An execution whose history does not replay against the code."""

    workflow_type: str
    workflow_id: str
    run_id: str
    error: str


@dataclass
class ReplayReport:
    """What ``uprflow audit workflows`` found."""

    replayed: Counter[str] = field(default_factory=Counter)
    failures: list[ReplayFailure] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed(self, workflow_type: str) -> int:
        return sum(1 for f in self.failures if f.workflow_type == workflow_type)


def workflow_names(workflows: Sequence[type]) -> set[str]:
    """The registered names (``@workflow.defn(name=...)``) of workflow classes."""
    from temporalio import workflow as temporal_workflow

    names: set[str] = set()
    for cls in workflows:
        defn = temporal_workflow._Definition.from_class(cls)
        if defn is not None and defn.name:
            names.add(defn.name)
    return names


async def replay_executions(
    client: Client,
    *,
    query: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    workflows: Sequence[type] | None = None,
) -> ReplayReport:
    """Replay every execution ``query`` lists (up to ``limit``) against ``workflows``.

    ``workflows`` defaults to the worker's :data:`worker.WORKFLOWS`; tests pass a changed
    class to see the replay fail.
    """
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Replayer

    from uprflow.logging import quiet_runtime

    if workflows is None:
        from uprflow.worker import WORKFLOWS

        workflows = WORKFLOWS
    known = workflow_names(workflows)
    report = ReplayReport()
    listed: list[tuple[str, str, str]] = []
    async for execution in client.list_workflows(query or None, limit=limit):
        if execution.workflow_type not in known:
            report.skipped[execution.workflow_type] += 1
            continue
        listed.append((execution.workflow_type, execution.id, execution.run_id))
    if not listed:
        return report

    async def histories() -> AsyncIterator[WorkflowHistory]:
        for _, wf_id, run_id in listed:
            yield await client.get_workflow_handle(wf_id, run_id=run_id).fetch_history()

    replayer = Replayer(
        workflows=list(workflows),
        data_converter=pydantic_data_converter,
        runtime=quiet_runtime(),
    )
    async with replayer.workflow_replay_iterator(histories()) as results:
        index = 0
        async for result in results:
            wf_type, wf_id, run_id = listed[index]
            index += 1
            report.replayed[wf_type] += 1
            if result.replay_failure is not None:
                report.failures.append(
                    ReplayFailure(
                        workflow_type=wf_type,
                        workflow_id=wf_id,
                        run_id=run_id,
                        error=f"{type(result.replay_failure).__name__}: {result.replay_failure}",
                    )
                )
    return report


def audit_workflows(
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            "-q",
            help="visibility list filter, e.g. \"WorkflowType = 'Cycle'\" or "
            "\"Country = 'KE' AND ExecutionStatus = 'Running'\" (default: every execution)",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="replay at most N executions")
    ] = DEFAULT_LIMIT,
) -> None:
    """Replay the histories of the workflow executions on Temporal against today's code;
    report per workflow type how many replayed and which failed. Exit 1 if any failed."""
    from uprflow.cli.connect import CliError, temporal_client

    settings = get_settings()

    async def go() -> ReplayReport:
        client = await temporal_client(settings)
        return await replay_executions(client, query=query, limit=limit)

    try:
        report = asyncio.run(go())
    except CliError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.code) from None
    except Exception as exc:
        typer.echo(f"error: cannot list or replay the workflows: {exc}", err=True)
        raise typer.Exit(2) from None

    console = Console()
    if not report.replayed and not report.skipped:
        console.print(f"no workflow executions matched{f' {query!r}' if query else ''}")
        return
    table = Table(title="workflow histories replayed against this code")
    table.add_column("workflow type")
    table.add_column("replayed", justify="right")
    table.add_column("failed", justify="right")
    for wf_type, n in sorted(report.replayed.items()):
        table.add_row(wf_type, str(n), str(report.failed(wf_type)))
    console.print(table)
    for wf_type, n in sorted(report.skipped.items()):
        console.print(f"skipped {n} executions of {wf_type!r}: not a workflow of this code")
    for f in report.failures:
        console.print(
            f"FAILED {f.workflow_type} {f.workflow_id} run {f.run_id}: {f.error}",
            markup=False,
            soft_wrap=True,
        )
    total = sum(report.replayed.values())
    if report.ok:
        console.print(f"OK: {total} histories replay against this code")
    else:
        console.print(f"FAIL: {len(report.failures)} of {total} histories do not replay")
        raise typer.Exit(1)
