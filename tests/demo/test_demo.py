"""``uprflow demo``: a whole Kenyan cycle under the time-skipping server, by itself."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from uprflow.cli import app
from uprflow.demo.run import run_demo
from uprflow.demo.scenario import DEMO_COUNTRIES, load_scenario
from uprflow.store.verify import verify
from uprflow.workflows.cycle import STAGE_WORKFLOWS

pytestmark = pytest.mark.slow  # whole cycles or servers: not in the quick loop


def test_the_demo_runs_a_whole_cycle_and_leaves_a_verifiable_ledger(tmp_path: Path) -> None:
    report = run_demo("KE", tmp_path, limit=40)

    assert report.cycle_id == "cycle-KE-1"  # Kenya's recommendations are from session 8
    assert [s.stage for s in report.stages] == [s.value for s in STAGE_WORKFLOWS]
    assert all(s.status == "done" for s in report.stages), report.stages
    assert all(s.opened and s.closed and s.opened <= s.closed for s in report.stages)
    assert report.all_stages_done
    assert report.recommendations == 40

    # The State's real answers to those 40 recommendations, as UPR Info recorded them.
    real = Counter(p.value for p in load_scenario("KE", limit=40).positions.values())
    assert report.by_position == dict(real)
    assert report.expected_positions == dict(real)
    decisions = next(s for s in report.stages if s.stage == "decisions")
    assert decisions.facts["supported"] == real["supported"]
    assert decisions.facts["noted"] == real["noted"]

    # The ledger is left behind, intact, and the report says what verify says.
    assert report.ledger_path == (tmp_path / "demo-KE.db").resolve()
    assert report.verify.ok and report.verify.problem is None
    assert report.verify.checked == report.events == report.verify.head_position
    again = verify(report.database_url)
    assert again.ok and again.head_hash == report.verify.head_hash
    assert report.events_by_type["RecommendationReceived"] == 40
    assert report.events_by_type["PositionDecided"] == 40
    assert report.events_by_type["CycleCompleted"] == 1
    assert report.replay_as_of is not None
    assert report.wall_seconds > 0


def test_the_demo_command_refuses_an_unknown_country(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--country", "FR", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "FR" in result.output
    assert all(code in result.output for code in DEMO_COUNTRIES)
    assert not list(tmp_path.iterdir())
