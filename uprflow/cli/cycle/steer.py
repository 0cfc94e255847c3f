"""``uprflow cycle close-window`` and ``extend``: the secretariat steers a running stage
through the stage workflow's validated updates, acting as the cycle's secretariat."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from uprflow.cli.connect import (
    RPC_TIMEOUT,
    CliError,
    die,
    not_found,
    rpc_problem,
    run,
    temporal_client,
)
from uprflow.cli.cycle.args import normalise_cycle_id, parse_stage
from uprflow.config import Settings, get_settings

if TYPE_CHECKING:
    from temporalio.client import Client

    from uprflow.domain.envelope import Actor
    from uprflow.workflows.stage_models import StageView


async def _secretariat(client: Client, cycle_id: str) -> Actor:
    """The acting secretariat: the cycle's profile ``nmrf.secretariat`` (else NMRF)."""
    from temporalio.client import WorkflowHandle
    from temporalio.contrib.pydantic import pydantic_data_converter

    from uprflow.domain.envelope import Actor
    from uprflow.profiles import load_profile
    from uprflow.workflows.cycle import CycleInput

    organisation = "NMRF"
    try:
        handle: WorkflowHandle[Any, Any] = client.get_workflow_handle(cycle_id)
        async for event in handle.fetch_history_events():
            attrs = event.workflow_execution_started_event_attributes
            [inp] = await pydantic_data_converter.decode(attrs.input.payloads, [CycleInput])
            organisation = inp.profile.nmrf.secretariat or organisation
            break
    except Exception:
        # The cycle may be gone from the server's retention; the shipped profile then.
        try:
            country = cycle_id.removeprefix("cycle-").rsplit("-", 1)[0]
            organisation = load_profile(country).nmrf.secretariat or organisation
        except Exception:
            pass
    try:
        user = getpass.getuser()
    except Exception:
        user = "unknown"
    return Actor(role="secretariat", organisation=organisation, subject=f"cli:{user}")


async def _stage_update(
    settings: Settings, cycle_id: str, stage_name: str, update: str, make: Callable[[Actor], Any]
) -> tuple[str, StageView]:
    from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
    from temporalio.service import RPCError

    from uprflow.workflows.stage_models import StageView, stage_workflow_id

    wf_id = normalise_cycle_id(cycle_id)
    stage = parse_stage(stage_name)
    client = await temporal_client(settings)
    target = stage_workflow_id(wf_id, stage)
    handle = client.get_workflow_handle(target)
    try:
        desc = await handle.describe()
    except RPCError as exc:
        if not not_found(exc):
            raise rpc_problem(exc, f"cannot reach {target}", settings) from None
        try:
            await client.get_workflow_handle(wf_id).describe()
        except RPCError as inner:
            if not_found(inner):
                raise CliError(f"unknown workflow id {wf_id!r}: no such cycle") from None
        raise CliError(
            f"unknown workflow id {target!r}: the cycle has not reached the {stage.value} stage yet"
        ) from None
    if desc.status != WorkflowExecutionStatus.RUNNING:
        state = desc.status.name.lower() if desc.status else "closed"
        raise CliError(f"rejected: the {stage.value} stage of {wf_id} is {state}")
    actor = await _secretariat(client, wf_id)
    try:
        view = await handle.execute_update(
            update, make(actor), result_type=StageView, rpc_timeout=RPC_TIMEOUT
        )
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        message = getattr(cause, "message", None) or str(cause or exc)
        raise CliError(f"rejected: {message}") from None
    except RPCError as exc:
        raise rpc_problem(exc, f"cannot update {target}", settings) from None
    return target, view


def close_window(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="e.g. consultation")],
    reason: Annotated[str, typer.Option("--reason", help="why the window closes early")],
) -> None:
    """Close a stage's window now (the secretariat's decision, recorded with the reason)."""
    from uprflow.workflows.stage_models import CloseEarly

    settings = get_settings()
    target, view = run(
        lambda: _stage_update(
            settings, cycle_id, stage, "close_early", lambda a: CloseEarly(actor=a, reason=reason)
        )
    )
    typer.echo(f"{target}: closing early ({len(view.open_tasks)} open tasks will be cancelled)")


def extend(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="e.g. consultation")],
    until: Annotated[
        str, typer.Option("--until", help="new deadline YYYY-MM-DD (the window closes then)")
    ],
    reason: Annotated[str, typer.Option("--reason", help="why the deadline moves")],
) -> None:
    """Move a stage's deadline later (recorded as DeadlineExtended)."""
    from uprflow.workflows.stage_models import ExtendDeadline, at_start_of

    try:
        new_day = date.fromisoformat(until)
    except ValueError:
        die(f"error: --until: not a date (YYYY-MM-DD): {until!r}", 2)
    settings = get_settings()
    target, view = run(
        lambda: _stage_update(
            settings,
            cycle_id,
            stage,
            "extend_deadline",
            lambda a: ExtendDeadline(actor=a, new_deadline=at_start_of(new_day), reason=reason),
        )
    )
    typer.echo(f"{target}: deadline now {view.deadline.isoformat()}")
