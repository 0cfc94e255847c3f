"""``uprflow demo``: run one whole cycle of a study country and print what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from uprflow.config import get_settings
from uprflow.logging import configure_logging

#: How many event types the summary lists before "... N more types".
TOP_EVENT_TYPES = 12


def _facts(facts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in facts.items()) or "-"


def demo_cmd(
    country: Annotated[
        str,
        typer.Option(
            "--country",
            "-c",
            help="study country: DK GE KE MY MA NZ PE (its shipped profile and real "
            "recommendations)",
        ),
    ] = "KE",
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="where the demo ledger demo-<CC>.db is written (default: UPRFLOW_DATA_DIR)",
        ),
    ] = None,
    recommendations: Annotated[
        int | None,
        typer.Option("--recommendations", "-n", min=1, help="use only the first N recommendations"),
    ] = None,
) -> None:
    """Run a whole UPR cycle of a study country under the time-skipping Temporal server, with
    simulated people completing every task; print a stage-by-stage summary, the events and
    the ledger verification, and leave the ledger to explore."""
    from uprflow.demo.run import run_demo
    from uprflow.demo.scenario import DEMO_COUNTRIES

    code = country.upper()
    if code not in DEMO_COUNTRIES:
        typer.echo(
            f"error: --country: no demo for {country!r}; choose one of {' '.join(DEMO_COUNTRIES)}",
            err=True,
        )
        raise typer.Exit(2)
    settings = get_settings()
    # The report is the output: workflow and activity logs only when something goes wrong.
    if settings.log_level.upper() in ("DEBUG", "INFO"):
        settings = settings.model_copy(update={"log_level": "WARNING"})
    configure_logging(settings)
    console = Console()
    if not console.is_terminal:
        # Piped or captured output: wide enough for the stage table not to wrap.
        console = Console(width=120)
    directory = data_dir or settings.data_dir
    console.print(
        f"Running a whole UPR cycle of [bold]{code}[/] under the time-skipping Temporal "
        "server (4.5 years of virtual time)..."
    )
    try:
        report = run_demo(code, directory, recommendations, settings=settings)
    except Exception as exc:
        typer.echo(f"error: the demo failed: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None

    table = Table(title=f"{report.cycle_id}: review on {report.review_date.isoformat()}")
    for col in ("stage", "status", "opened", "closed"):
        table.add_column(col, no_wrap=True)
    table.add_column("tasks done", justify="right")
    table.add_column("cancelled", justify="right")
    table.add_column("key facts")
    for s in report.stages:
        table.add_row(
            s.stage,
            s.status + (" (early)" if s.closed_early else ""),
            s.opened.isoformat() if s.opened else "-",
            s.closed.isoformat() if s.closed else "-",
            str(s.tasks_completed),
            str(s.tasks_cancelled),
            _facts(s.facts),
        )
    console.print(table)

    events = Table(title=f"{report.events} events in the ledger")
    events.add_column("event type")
    events.add_column("count", justify="right")
    common = report.events_by_type.most_common()
    for name, n in common[:TOP_EVENT_TYPES]:
        events.add_row(name, str(n))
    if len(common) > TOP_EVENT_TYPES:
        rest = sum(n for _, n in common[TOP_EVENT_TYPES:])
        events.add_row(f"... {len(common) - TOP_EVENT_TYPES} more types", str(rest))
    console.print(events)

    console.print(
        f"Recommendations: {report.recommendations}; positions: "
        f"{_facts(dict(sorted(report.by_position.items())))} (the State's real answers: "
        f"{_facts(dict(sorted(report.expected_positions.items())))})"
    )
    console.print(
        f"Implementation status at the end of the cycle: "
        f"{_facts(dict(sorted(report.by_status.items())))}"
    )
    v = report.verify
    if v.ok:
        console.print(
            f"audit verify: [green]OK[/]: the chain is intact; {v.checked} events verified; "
            f"head {v.head_position} {v.head_hash}",
            soft_wrap=True,
        )
    else:
        console.print(f"audit verify: [red]FAIL[/] at {v.problem}")
    console.print(f"Wall time: {report.wall_seconds:.1f} s")
    url = report.database_url
    console.print(f"\nThe ledger is in {report.ledger_path} (replaced by the next demo of {code}).")
    console.print("Explore it:", soft_wrap=True)
    console.print(f"  uprflow audit verify --database-url {url}", soft_wrap=True, markup=False)
    if report.replay_as_of is not None:
        console.print(
            f"  uprflow audit replay --database-url {url} --cycle {report.cycle_id} "
            f"--by occurred --as-of {report.replay_as_of.strftime('%Y-%m-%dT%H:%M:%SZ')}"
            "   # the state when the outcome was adopted",
            soft_wrap=True,
            markup=False,
        )
    console.print(
        f"  uprflow audit export --database-url {url} -o {report.country.lower()}-ledger.jsonl",
        soft_wrap=True,
        markup=False,
    )
    if not (v.ok and report.all_stages_done):
        raise typer.Exit(1)
