"""``uprflow cycle start``: start a cycle of a country from its profile."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from uprflow.cli.connect import CliError, die, run, temporal_client
from uprflow.config import get_settings


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
        die(f"error: --review-date: not a date (YYYY-MM-DD): {review_date!r}", 2)
    try:
        loaded = load_profile(profile if profile is not None else code)
    except ProfileError as exc:
        die(f"error: bad profile:\n{exc}", 2)
    if loaded.country.upper() != code and profile is not None:
        die(
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
        client = await temporal_client(settings)
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

    wf_id, run_id, started = run(go)
    if started:
        typer.echo(f"started {wf_id}")
    else:
        typer.echo(f"{wf_id} is already running; nothing changed")
    typer.echo(f"workflow id: {wf_id}")
    typer.echo(f"run id:      {run_id}")
