"""Projections are updated with the append, equal a rebuild, and time travel works."""

from __future__ import annotations

import json

import sqlalchemy as sa
from typer.testing import CliRunner

from tests.store.scenario import cycle_script
from tests.store.test_tamper import cli
from uprflow.domain.fold import fold
from uprflow.domain.values import Position
from uprflow.store.ledger import Ledger
from uprflow.store.projections import rebuild, snapshot
from uprflow.store.reading import read_cycle
from uprflow.store.replay import cycle_state, stream_state
from uprflow.store.schema import proj_recommendations, proj_tasks
from uprflow.store.timefmt import format_ts

runner = CliRunner()


def play(ledger: Ledger, cycle: str = "DK-4") -> None:
    for stream, event in cycle_script(cycle):
        ledger.append(stream, [event])


def test_live_projection_equals_rebuild(ledger: Ledger) -> None:
    play(ledger, "DK-4")
    play(ledger, "PE-4")
    with ledger.engine.connect() as conn:
        live = snapshot(conn)
        status = dict(
            conn.execute(
                sa.select(
                    proj_recommendations.c.recommendation_id, proj_recommendations.c.position
                ).where(proj_recommendations.c.cycle_id == "DK-4")
            ).all()
        )
        tasks = dict(
            conn.execute(
                sa.select(proj_tasks.c.task_id, proj_tasks.c.status).where(
                    proj_tasks.c.cycle_id == "DK-4"
                )
            ).all()
        )
    # r3, r4 had no position at adoption: they count as noted.
    assert status == {"r1": "supported", "r2": "noted", "r3": "noted", "r4": "noted"}
    assert tasks == {"t1": "completed", "t2": "cancelled"}
    assert rebuild(ledger.engine) == 2
    with ledger.engine.connect() as conn:
        assert snapshot(conn) == live
    with ledger.engine.connect() as conn:
        full = fold(read_cycle(conn, "DK-4"), "DK-4")
    assert json.loads(live["proj_cycles"][0][-1])["events_applied"] == full.events_applied


def test_batched_appends_project_like_single_ones(ledger: Ledger, engine: sa.Engine) -> None:
    from uprflow.store.ledger import AppendRequest

    script = cycle_script("KE-4")
    results = ledger.append_many([AppendRequest(s, [e]) for s, e in script])
    assert all(not isinstance(r, Exception) for r in results)
    with engine.connect() as conn:
        live = snapshot(conn)
    rebuild(engine)
    with engine.connect() as conn:
        assert snapshot(conn) == live


def test_time_travel_by_stream_and_cycle(ledger: Ledger, db_url: str) -> None:
    script = cycle_script("DK-4")
    marks: dict[str, str] = {}
    for stream, event in script:
        rec = ledger.append(stream, [event])
        with ledger.engine.connect() as conn:
            recorded = conn.exec_driver_sql(
                f"SELECT recorded_at FROM events WHERE position = {rec[0].position}"
            ).scalar()
        marks[f"{event.event.type_name()}:{getattr(event.event, 'recommendation_id', '')}"] = (
            recorded
        )
    before_decision = marks["PositionAssessed:r1"]
    state = cycle_state(ledger.engine, "DK-4", as_of=_dt(before_decision))
    assert state is not None
    assert state.recommendations["r1"].position is None
    assert state.recommendations["r1"].status == "assessed"
    after = cycle_state(ledger.engine, "DK-4")
    assert after is not None and after.recommendations["r1"].position == Position.SUPPORTED
    only = stream_state(ledger.engine, "task-t1", as_of=None)
    assert only is not None and set(only.tasks) == {"t1"} and only.tasks["t1"].status == "completed"

    result = runner.invoke(
        cli(),
        [
            "audit",
            "replay",
            "--cycle",
            "DK-4",
            "--as-of",
            before_decision,
            "--database-url",
            db_url,
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["recommendations"]["r1"]["status"] == "assessed"
    result = runner.invoke(
        cli(), ["audit", "replay", "--stream", "task-t2", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["tasks"]["t2"]["status"] == "cancelled"
    early = runner.invoke(
        cli(),
        [
            "audit",
            "replay",
            "--stream",
            "task-t2",
            "--as-of",
            "2000-01-01T00:00:00Z",
            "--database-url",
            db_url,
        ],
    )
    assert early.exit_code == 1 and "no events" in early.output


def _dt(text: str):  # type: ignore[no-untyped-def]
    from uprflow.store.timefmt import parse_ts

    value = parse_ts(text)
    assert format_ts(value) == text
    return value
