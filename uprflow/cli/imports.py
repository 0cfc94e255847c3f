"""``uprflow import``.

``uprflow import FILE``: detect the format (UPR Info CSV/XLSX, OHCHR thematic list CSV/XLSX,
UHRI JSON), validate every row (a bad row exits 2 naming the row and the column, nothing
written), then write every event in one transaction and print a summary.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from uprflow.cli.options import DatabaseUrl, fail, ledger_url


def _fail(message: str, code: int = 2) -> typer.Exit:
    return fail(f"error: {message}", code)


def import_cmd(
    file: Annotated[Path, typer.Argument(help="the file to import (format detected from content)")],
    cycle: Annotated[
        str | None,
        typer.Option(
            "--cycle",
            help="the running cycle of every row, e.g. cycle-SI-3: it must have been started "
            "(uprflow cycle start); positions are recorded only once it is past its decisions. "
            "Default: the file's own cycles, recorded as history",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="profile routing the recommendations: a country code or a file (default: the "
            "shipped profile of the State under review, if any)",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import recommendations from a UPR Info export, an OHCHR thematic list (CSV or XLSX) or a
    UHRI JSON export: the whole file or nothing; re-importing the same file adds nothing."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from uprflow.domain.envelope import Actor
    from uprflow.importing import CycleNotStarted, ImportFileError, parse_bytes, write_import
    from uprflow.profiles import ProfileError, load_profile
    from uprflow.store.db import make_engine
    from uprflow.store.ledger import Ledger
    from uprflow.store.migrate import migrate

    try:
        data = file.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from None
    try:
        chosen = load_profile(profile) if profile else None
    except ProfileError as exc:
        raise _fail(str(exc)) from None

    console = Console(stderr=True)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    big = len(data) > 200_000
    with Progress(*columns, console=console, disable=not big, transient=True) as bar:
        parsing = bar.add_task("parsing", total=None)
        try:
            parsed = parse_bytes(
                data,
                file.name,
                cycle=cycle,
                progress=lambda done, total: bar.update(parsing, completed=done, total=total),
            )
        except ImportFileError as exc:
            raise _fail(f"{file.name}: {exc} (nothing imported)") from None
        url = ledger_url(database_url)
        try:
            migrate(url)
        except Exception as exc:
            raise _fail(f"cannot open the ledger: {exc}") from None
        engine = make_engine(url)
        ledger = Ledger(engine)
        building = bar.add_task("building events", total=None)
        writing = bar.add_task("writing (one transaction)", total=None, visible=False)
        try:
            summary = write_import(
                ledger,
                parsed,
                actor=Actor(role="secretariat", organisation="NMRF", subject="uprflow import"),
                profile=chosen,
                progress=lambda done, total: bar.update(building, completed=done, total=total),
                writing=lambda n: bar.update(
                    writing,
                    visible=True,
                    total=None,
                    description=(f"writing {n:,} events (one transaction)"),
                ),
                cycle=parsed.rows[0].cycle_id if cycle else None,
            )
        except CycleNotStarted as exc:
            raise _fail(f"{exc} (nothing imported)") from None
        except Exception as exc:
            raise _fail(f"import failed, nothing written: {exc}", 1) from None
        finally:
            ledger.close()
            engine.dispose()

    out = Console(file=sys.stdout)
    table = Table(title=f"{file.name} ({summary.format}, sha256 {summary.sha256[:16]})")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("recommendations in the file", f"{summary.recommendations:,}")
    table.add_row("  written now", f"{summary.written:,}")
    table.add_row("  already present (nothing written)", f"{summary.already_present:,}")
    if summary.duplicate_rows:
        table.add_row(
            "  rows identical to an earlier row (kept, one recommendation per row)",
            f"{summary.duplicate_rows:,}",
        )
    table.add_row("States under review", f"{summary.states:,}")
    table.add_row("cycles", f"{len(summary.cycles):,}")
    for position, n in summary.by_position.items():
        table.add_row(f"position: {position}", f"{n:,}")
    if summary.positions_held:
        table.add_row(
            "positions not recorded (cycle not past its decisions)", f"{summary.positions_held:,}"
        )
    table.add_row("routed by a profile rule", f"{summary.routed:,}")
    triage_orgs = ", ".join(summary.triage_organisations)
    table.add_row(
        f"triage queue{f' ({triage_orgs})' if triage_orgs else ''}", f"{summary.triage:,}"
    )
    table.add_row("not routed (no profile for the State)", f"{summary.unrouted:,}")
    table.add_row("events written", f"{summary.events_written:,}")
    out.print(table)
    cycles = ", ".join(summary.cycles[:8]) + (" ..." if len(summary.cycles) > 8 else "")
    out.print(f"cycles: {cycles}; stream {summary.stream_id}; {summary.seconds:.1f} s")
