"""``uprflow cycle status``: where a cycle stands, from its workflows' queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from uprflow.cli.connect import RPC_TIMEOUT, CliError, not_found, rpc_problem, run, temporal_client
from uprflow.cli.cycle.args import normalise_cycle_id
from uprflow.config import get_settings

if TYPE_CHECKING:
    from uprflow.domain.values import Stage
    from uprflow.workflows.cycle import CycleView
    from uprflow.workflows.stage_models import StageView


def status(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    as_json: Annotated[bool, typer.Option("--json", help="print the CycleView as JSON")] = False,
) -> None:
    """Where a cycle stands: its stages, their windows and facts."""
    from temporalio.service import RPCError

    from uprflow.workflows.cycle import CycleWorkflow
    from uprflow.workflows.stage_models import StageView

    settings = get_settings()

    async def go() -> tuple[CycleView, str, dict[Stage, StageView]]:
        wf_id = normalise_cycle_id(cycle_id)
        client = await temporal_client(settings)
        handle = client.get_workflow_handle(wf_id)
        try:
            view = await handle.query(CycleWorkflow.state, rpc_timeout=RPC_TIMEOUT)
            desc = await handle.describe()
        except RPCError as exc:
            if not_found(exc):
                raise CliError(f"unknown workflow id {wf_id!r}: no such cycle") from None
            raise rpc_problem(exc, f"cannot query {wf_id}", settings) from None
        live: dict[Stage, StageView] = {}
        for s in view.stages:
            if s.status != "running":
                continue
            try:
                live[s.stage] = await client.get_workflow_handle(s.workflow_id).query(
                    "view", result_type=StageView, rpc_timeout=RPC_TIMEOUT
                )
            except RPCError:
                continue
        execution = desc.status.name.lower() if desc.status else "unknown"
        return view, execution, live

    view, execution, live = run(go)
    if as_json:
        typer.echo(view.model_dump_json(indent=2))
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    console.print(
        f"[bold]{view.cycle_id}[/]: {view.country} cycle {view.cycle_number}, review on "
        f"{view.review_date.isoformat()}; status {view.status} (workflow {execution})"
    )
    console.print(
        f"recommendations {view.recommendations}; carried over {view.carried_over}; "
        f"next cycle {view.next_cycle_id or '-'}"
    )
    table = Table()
    for col in ("stage", "status", "opens", "closes"):
        table.add_column(col, no_wrap=True)
    table.add_column("open tasks", justify="right")
    table.add_column("facts")
    for s in view.stages:
        lv = live.get(s.stage)
        closes = s.closes_on.isoformat()
        if lv is not None:
            closes = lv.deadline.date().isoformat() + (" (closing)" if lv.closed_early else "")
        facts = s.result.facts if s.result else {}
        done = f"; {s.result.tasks_completed} tasks done" if s.result else ""
        table.add_row(
            s.stage.value,
            s.status + (f" ({lv.status})" if lv is not None else ""),
            s.opens_on.isoformat(),
            closes,
            str(len(lv.open_tasks)) if lv is not None else "-",
            (", ".join(f"{k} {v}" for k, v in facts.items()) or "-") + done,
        )
    console.print(table)
