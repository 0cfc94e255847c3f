"""``uprflow cycle``: the secretariat starts and steers a cycle from the command line.

Every command talks to the configured Temporal server (``UPRFLOW_TEMPORAL_ADDRESS``, the
embedded ``127.0.0.1:7233`` when unset) through :func:`uprflow.temporal.connect`; a worker
(``uprflow worker`` or ``uprflow up``) must poll ``UPRFLOW_TEMPORAL_TASK_QUEUE`` for the
cycle to run, for ``status`` to be answered and for updates to be applied.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from uprflow.config import Settings, get_settings

if TYPE_CHECKING:
    from temporalio.client import Client
    from temporalio.service import RPCError

    from uprflow.domain.envelope import Actor
    from uprflow.domain.values import Stage
    from uprflow.workflows.cycle import CycleView
    from uprflow.workflows.stage import StageView

cycle_app = typer.Typer(help="Start and steer a UPR cycle.", no_args_is_help=True)

#: How long a query or an update may wait for a worker before the CLI gives up.
RPC_TIMEOUT = timedelta(seconds=15)

T = TypeVar("T")


class CliError(Exception):
    """A failure the CLI reports as one line and an exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _die(message: str, code: int) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _run(coro: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(_as_coroutine(coro))
    except CliError as exc:
        _die(f"error: {exc}", exc.code)


async def _as_coroutine(fn: Callable[[], Awaitable[T]]) -> T:
    return await fn()


async def _client(settings: Settings) -> Client:
    from uprflow.temporal import connect

    try:
        return await connect(settings)
    except Exception as exc:
        raise CliError(
            f"cannot reach Temporal at {settings.effective_temporal_address} "
            f"(namespace {settings.temporal_namespace}): {exc}. Start it with `uprflow up`, or "
            "point UPRFLOW_TEMPORAL_ADDRESS at your Temporal frontend."
        ) from None


def normalise_cycle_id(value: str) -> str:
    """``cycle-KE-4``; ``KE-4`` and ``ke-4`` are accepted too."""
    from uprflow.workflows.cycle import cycle_workflow_id as make_cycle_id

    value = value.strip()
    if value.lower().startswith("cycle-"):
        value = value[len("cycle-") :]
    country, sep, number = value.rpartition("-")
    if not sep or not number.isdigit() or not country:
        raise CliError(f"not a cycle id: {value!r} (expected e.g. cycle-KE-4)", 2)
    return make_cycle_id(country, int(number))


def parse_stage(value: str) -> Stage:
    """A stage the cycle runs as a workflow (``draft-circulation`` = ``draft_circulation``)."""
    from uprflow.domain.values import Stage
    from uprflow.workflows.cycle import STAGE_WORKFLOWS

    try:
        stage = Stage(value.strip().lower().replace("-", "_"))
    except ValueError:
        stage = None
    if stage is None or stage not in STAGE_WORKFLOWS:
        names = " ".join(s.value for s in STAGE_WORKFLOWS)
        raise CliError(f"STAGE: unknown stage {value!r}; one of: {names}", 2)
    return stage


def _not_found(exc: RPCError) -> bool:
    from temporalio.service import RPCStatusCode

    return exc.status == RPCStatusCode.NOT_FOUND


def _rpc_problem(exc: RPCError, what: str, settings: Settings) -> CliError:
    from temporalio.service import RPCStatusCode

    if exc.status == RPCStatusCode.DEADLINE_EXCEEDED:
        return CliError(
            f"{what}: no worker answered within {RPC_TIMEOUT.seconds} s; is `uprflow worker` "
            f"(or `uprflow up`) running on task queue {settings.temporal_task_queue!r}?"
        )
    return CliError(f"{what}: {exc.message}")


# --------------------------------------------------------------------------- start


@cycle_app.command("start")
def start(
    country: Annotated[str, typer.Option("--country", help="ISO 3166 alpha-2 code, e.g. KE")],
    cycle: Annotated[int, typer.Option("--cycle", min=1, help="cycle number, e.g. 4")],
    review_date: Annotated[
        str, typer.Option("--review-date", help="Working Group review date, YYYY-MM-DD")
    ],
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile", help="national profile file (default: the country's shipped profile)"
        ),
    ] = None,
    no_chain: Annotated[
        bool,
        typer.Option("--no-chain", help="do not start the next cycle when this one completes"),
    ] = False,
) -> None:
    """Start a cycle (id cycle-<CC>-<N>); starting a running cycle again changes nothing."""
    from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
    from temporalio.exceptions import WorkflowAlreadyStartedError
    from temporalio.service import RPCError

    from uprflow.profiles import ProfileError, load_profile
    from uprflow.workflows.cycle import CycleInput, CycleWorkflow
    from uprflow.workflows.cycle import cycle_workflow_id as make_cycle_id

    code = country.strip().upper()
    try:
        review = date.fromisoformat(review_date)
    except ValueError:
        _die(f"error: --review-date: not a date (YYYY-MM-DD): {review_date!r}", 2)
    try:
        loaded = load_profile(profile if profile is not None else code)
    except ProfileError as exc:
        _die(f"error: bad profile:\n{exc}", 2)
    if loaded.country.upper() != code and profile is not None:
        _die(
            f"error: {profile}: country: the profile is for {loaded.country}, not {code}",
            2,
        )
    settings = get_settings()
    workflow_id = make_cycle_id(code, cycle)
    inp = CycleInput(
        country=code,
        cycle_number=cycle,
        review_date=review,
        profile=loaded,
        profile_id=f"{profile.name if profile else code.lower()}:{loaded.digest()[:12]}",
        chain_next=not no_chain,
    )

    async def go() -> tuple[str, str, bool]:
        client = await _client(settings)
        try:
            handle = await client.start_workflow(
                CycleWorkflow.run,
                inp,
                id=workflow_id,
                task_queue=settings.temporal_task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                # Why: a completed cycle is history; starting it again would record a second
                # cycle under the same id. A failed or terminated one may be started afresh.
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        except WorkflowAlreadyStartedError as exc:
            desc = await client.get_workflow_handle(workflow_id, run_id=exc.run_id).describe()
            status = desc.status.name.lower() if desc.status else "closed"
            raise CliError(
                f"{workflow_id} already ran and is {status} (run id {exc.run_id}); "
                "a completed cycle is not started again"
            ) from None
        except RPCError as exc:
            raise CliError(f"cannot start {workflow_id}: {exc.message}") from None
        resp: Any = getattr(handle, "_start_workflow_response", None)
        started = bool(getattr(resp, "started", True))
        return handle.id, handle.result_run_id or "", started

    wf_id, run_id, started = _run(go)
    if started:
        typer.echo(f"started {wf_id}")
    else:
        typer.echo(f"{wf_id} is already running; nothing changed")
    typer.echo(f"workflow id: {wf_id}")
    typer.echo(f"run id:      {run_id}")


# --------------------------------------------------------------------------- status


@cycle_app.command("status")
def status(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    as_json: Annotated[bool, typer.Option("--json", help="print the CycleView as JSON")] = False,
) -> None:
    """Where a cycle stands: its stages, their windows and facts."""
    from temporalio.service import RPCError

    from uprflow.workflows.cycle import CycleWorkflow
    from uprflow.workflows.stage import StageView

    settings = get_settings()

    async def go() -> tuple[CycleView, str, dict[Stage, StageView]]:
        wf_id = normalise_cycle_id(cycle_id)
        client = await _client(settings)
        handle = client.get_workflow_handle(wf_id)
        try:
            view = await handle.query(CycleWorkflow.state, rpc_timeout=RPC_TIMEOUT)
            desc = await handle.describe()
        except RPCError as exc:
            if _not_found(exc):
                raise CliError(f"unknown workflow id {wf_id!r}: no such cycle") from None
            raise _rpc_problem(exc, f"cannot query {wf_id}", settings) from None
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

    view, execution, live = _run(go)
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


# --------------------------------------------------------------------------- updates


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

    from uprflow.workflows.stage import StageView, stage_workflow_id

    wf_id = normalise_cycle_id(cycle_id)
    stage = parse_stage(stage_name)
    client = await _client(settings)
    target = stage_workflow_id(wf_id, stage)
    handle = client.get_workflow_handle(target)
    try:
        desc = await handle.describe()
    except RPCError as exc:
        if not _not_found(exc):
            raise _rpc_problem(exc, f"cannot reach {target}", settings) from None
        try:
            await client.get_workflow_handle(wf_id).describe()
        except RPCError as inner:
            if _not_found(inner):
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
        raise _rpc_problem(exc, f"cannot update {target}", settings) from None
    return target, view


@cycle_app.command("close-window")
def close_window(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="e.g. consultation")],
    reason: Annotated[str, typer.Option("--reason", help="why the window closes early")],
) -> None:
    """Close a stage's window now (the secretariat's decision, recorded with the reason)."""
    from uprflow.workflows.stage import CloseEarly

    settings = get_settings()
    target, view = _run(
        lambda: _stage_update(
            settings, cycle_id, stage, "close_early", lambda a: CloseEarly(actor=a, reason=reason)
        )
    )
    typer.echo(f"{target}: closing early ({len(view.open_tasks)} open tasks will be cancelled)")


@cycle_app.command("extend")
def extend(
    cycle_id: Annotated[str, typer.Argument(metavar="ID", help="cycle id, e.g. cycle-KE-4")],
    stage: Annotated[str, typer.Argument(metavar="STAGE", help="e.g. consultation")],
    until: Annotated[
        str, typer.Option("--until", help="new deadline YYYY-MM-DD (the window closes then)")
    ],
    reason: Annotated[str, typer.Option("--reason", help="why the deadline moves")],
) -> None:
    """Move a stage's deadline later (recorded as DeadlineExtended)."""
    from uprflow.workflows.stage import ExtendDeadline, at_start_of

    try:
        new_day = date.fromisoformat(until)
    except ValueError:
        _die(f"error: --until: not a date (YYYY-MM-DD): {until!r}", 2)
    settings = get_settings()
    target, view = _run(
        lambda: _stage_update(
            settings,
            cycle_id,
            stage,
            "extend_deadline",
            lambda a: ExtendDeadline(actor=a, new_deadline=at_start_of(new_day), reason=reason),
        )
    )
    typer.echo(f"{target}: deadline now {view.deadline.isoformat()}")
