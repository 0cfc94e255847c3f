"""A ministry that never answers: reminded, escalated, and the cycle still reaches adoption
on the Council's date, its recommendations counted as noted."""

from __future__ import annotations

from collections import Counter

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.cycle_run import run_cycle
from uprflow.demo.scenario import load_scenario
from uprflow.domain.fold import fold
from uprflow.domain.values import Position
from uprflow.profiles import load_profile

pytestmark = pytest.mark.slow  # whole cycles or servers: not in the quick loop


async def test_silent_ministry_is_escalated_and_does_not_hold_the_cycle(
    ts_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    profile = load_profile("KE")
    scenario = load_scenario("KE", limit=40)
    leads = Counter(profile.route(r.themes).lead for r in scenario.recommendations)
    silent_org = leads.most_common(1)[0][0]
    run = await run_cycle(
        ts_env, sqlite_url, profile, scenario, silent=frozenset({(silent_org, "propose_positions")})
    )
    events = run.events
    task = next(
        e.payload["task_id"]
        for e in events
        if e.event_type == "TaskAssigned"
        and e.payload["kind"] == "propose_positions"
        and e.payload["assignee_org"] == silent_org
    )
    trail = [e for e in events if e.payload.get("task_id") == task]
    kinds = [e.event_type for e in trail]
    assert kinds[0] == "TaskAssigned"
    assert kinds.count("TaskReminded") == len(profile.reminders.before_due_days) + 1
    assert kinds.count("TaskEscalated") >= 1
    assert kinds[-1] == "TaskCancelled"
    escalated = [e for e in trail if e.event_type == "TaskEscalated"]
    assert all(e.payload["escalated_to"] == profile.reminders.escalate_to for e in escalated)

    state = fold(events, run.result.cycle_id)
    silent_recs = [r for r in state.recommendations.values() if r.lead_ministry == silent_org]
    assert len(silent_recs) == leads[silent_org]
    assert all(r.position == Position.NOTED and r.noted_by_default for r in silent_recs)
    others = [r for r in state.recommendations.values() if r.lead_ministry != silent_org]
    assert all(r.position == scenario.positions[r.recommendation_id] for r in others)
    assert state.outcome_adopted_on is not None
    assert state.status == "completed"
