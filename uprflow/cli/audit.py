"""CLI sub-apps for the ledger: ``uprflow audit``, ``uprflow projections``, ``uprflow db``.

Mounted by :mod:`uprflow.cli` (with ``audit workflows`` from :mod:`uprflow.cli.workflows`).
Every command reads the ledger URL from the settings
(``UPRFLOW_DATABASE_URL``, default the SQLite file under the data directory) unless
``--database-url`` is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from uprflow.cli.options import DatabaseUrl, fail, ledger_url

audit_app = typer.Typer(help="Verify, export and replay the ledger.", no_args_is_help=True)
projections_app = typer.Typer(help="Maintain the read models.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@audit_app.command("verify")
def verify_cmd(
    database_url: DatabaseUrl = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Check the whole hash chain and the checkpoints. Exit 0 intact, 1 naming the first bad
    position and what is wrong (altered, removed, inserted, reordered, truncated)."""
    from uprflow.store.verify import verify

    try:
        report = verify(ledger_url(database_url))
    except Exception as exc:
        raise fail(f"error: cannot read the ledger: {exc}") from None
    problem = report.problem
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "checked": report.checked,
                    "head_position": report.head_position,
                    "head_hash": report.head_hash,
                    "checkpoints": report.checkpoints,
                    "problem": None
                    if problem is None
                    else {
                        "position": problem.position,
                        "kind": problem.kind,
                        "detail": problem.detail,
                    },
                }
            )
        )
    elif problem is None:
        typer.echo(
            f"OK: {report.checked} events verified; head {report.head_position} "
            f"{report.head_hash}; {report.checkpoints} checkpoints"
        )
    else:
        typer.echo(
            f"FAIL at position {problem.position}: {problem.kind}: {problem.detail} "
            f"({report.checked} events verified before it)"
        )
    if problem is not None:
        raise typer.Exit(1)


@audit_app.command("export")
def export_cmd(
    output: Annotated[str, typer.Option("--output", "-o", help="file to write, '-' = stdout")],
    database_url: DatabaseUrl = None,
    checkpoint: Annotated[
        bool, typer.Option(help="record a checkpoint of the head before exporting")
    ] = True,
) -> None:
    """Write the ledger as JSON Lines (each event with its hashed bytes, plus checkpoints);
    check it with ``python3 tools/verify_export.py FILE``."""
    from uprflow.store.export import export

    try:
        if output == "-":
            summary = export(ledger_url(database_url), sys.stdout, checkpoint=checkpoint)
        else:
            with Path(output).open("w", encoding="utf-8") as fh:
                summary = export(ledger_url(database_url), fh, checkpoint=checkpoint)
    except Exception as exc:
        raise fail(f"error: export failed: {exc}") from None
    typer.echo(
        f"exported {summary.events} events (head {summary.head_position} {summary.head_hash}, "
        f"{summary.checkpoints} checkpoints)",
        err=output == "-",
    )


@audit_app.command("replay")
def replay_cmd(
    stream: Annotated[str | None, typer.Option("--stream", help="fold one stream")] = None,
    cycle: Annotated[
        str | None, typer.Option("--cycle", help="fold all streams of a cycle")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="ISO 8601 instant (naive = UTC); default: now"),
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="time axis: recorded (ledger time) or occurred")
    ] = "recorded",
    database_url: DatabaseUrl = None,
) -> None:
    """Print the folded state of a stream or cycle as it stood at an instant, as JSON."""
    from uprflow.store.replay import cycle_state, stream_state
    from uprflow.store.timefmt import parse_ts

    if (stream is None) == (cycle is None):
        raise fail("error: give exactly one of --stream or --cycle")
    if by not in ("recorded", "occurred"):
        raise fail(f"error: --by must be 'recorded' or 'occurred', got {by!r}")
    axis: Literal["recorded", "occurred"] = "recorded" if by == "recorded" else "occurred"
    try:
        instant = parse_ts(as_of) if as_of else None
    except ValueError:
        raise fail(f"error: --as-of: not an ISO 8601 timestamp: {as_of!r}") from None
    url = ledger_url(database_url)
    try:
        if stream is not None:
            state = stream_state(url, stream, instant, axis)
        else:
            state = cycle_state(url, cycle or "", instant, axis)
    except Exception as exc:
        raise fail(f"error: cannot read the ledger: {exc}") from None
    if state is None:
        what = f"stream {stream!r}" if stream is not None else f"cycle {cycle!r}"
        raise fail(f"error: {what} has no events as of {as_of or 'now'}", 1)
    typer.echo(state.model_dump_json(indent=2))


@projections_app.command("rebuild")
def rebuild_cmd(database_url: DatabaseUrl = None) -> None:
    """Empty the read models and rebuild them by replaying the whole log."""
    from uprflow.store.projections import rebuild

    try:
        cycles = rebuild(ledger_url(database_url))
    except Exception as exc:
        raise fail(f"error: rebuild failed: {exc}") from None
    typer.echo(f"rebuilt projections for {cycles} cycles")


@db_app.command("upgrade")
def upgrade_cmd(
    database_url: DatabaseUrl = None,
    revision: Annotated[str, typer.Option(help="target revision")] = "head",
) -> None:
    """Apply the schema migrations (safe to run concurrently)."""
    from uprflow.store.migrate import migrate

    try:
        current = migrate(ledger_url(database_url), revision)
    except Exception as exc:
        raise fail(f"error: migration failed: {exc}") from None
    typer.echo(f"database at revision {current}")
