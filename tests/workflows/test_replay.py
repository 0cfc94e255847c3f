"""Determinism: the stored histories of a full cycle per profile replay against today's code,
and a deliberately changed workflow fails the replay."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from tests.workflows.changed_workflows import TaskWorkflowWithAnExtraTimer
from tests.workflows.cycle_run import HISTORIES
from uprflow.worker import WORKFLOWS

FIXTURES = sorted(HISTORIES.glob("*/*.json.gz"))


def load(path: Path) -> WorkflowHistory:
    workflow_id = path.name.removesuffix(".json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return WorkflowHistory.from_json(workflow_id, f.read())


def test_every_profile_has_recorded_histories() -> None:
    profiles = {p.parent.name for p in FIXTURES}
    assert profiles == {"zz", "dk", "ge", "ke", "my", "ma", "nz", "pe"}
    for name in profiles:
        names = {p.name for p in FIXTURES if p.parent.name == name}
        assert "cycle.json.gz" in names
        assert any("follow_up" in n for n in names)
    assert sum(1 for p in FIXTURES if p.name.startswith("task-")) >= 15


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name[:-8]}")
async def test_stored_history_replays(path: Path) -> None:
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)
    await replayer.replay_workflow(load(path))


async def test_a_changed_workflow_fails_the_replay() -> None:
    tasks = [p for p in FIXTURES if p.name.startswith("task-")][:3]
    assert tasks
    replayer = Replayer(
        workflows=[TaskWorkflowWithAnExtraTimer], data_converter=pydantic_data_converter
    )
    for path in tasks:
        with pytest.raises(NondeterminismError):
            await replayer.replay_workflow(load(path))
