"""Workflow and activity log lines carry workflow id, run id and cycle id; replay is quiet."""

from __future__ import annotations

import io
import json
import uuid

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from tests.workflows.probes import LoggingProbe, say
from uprflow.config import Settings
from uprflow.logging import configure_logging, cycle_id_from_workflow_id


def _lines(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines() if line.startswith("{")]


def test_cycle_id_is_derived_from_the_workflow_id_scheme() -> None:
    assert cycle_id_from_workflow_id("cycle-KE-4") == "cycle-KE-4"
    assert cycle_id_from_workflow_id("stage-DK-3-consultation") == "cycle-DK-3"
    assert cycle_id_from_workflow_id("task-PE-4-abc") == "cycle-PE-4"
    assert cycle_id_from_workflow_id("ledger-checkpoints") is None


async def test_lines_carry_ids_and_replay_is_silent(ts_env: WorkflowEnvironment) -> None:
    buf = io.StringIO()
    configure_logging(Settings(log_format="json"), stream=buf)
    wf_id = f"cycle-KE-{uuid.uuid4().int % 1000}"
    async with Worker(
        ts_env.client, task_queue="log-probe", workflows=[LoggingProbe], activities=[say]
    ):
        handle = await ts_env.client.start_workflow(
            LoggingProbe.run, id=wf_id, task_queue="log-probe"
        )
        assert await handle.result() == "hi"
        history: WorkflowHistory = await handle.fetch_history()

    lines = _lines(buf)
    wf_line = next(line for line in lines if line["event"] == "workflow says hello")
    act_line = next(line for line in lines if line["event"] == "activity says")
    for line in (wf_line, act_line):
        assert line["workflow_id"] == wf_id
        assert line["run_id"] == handle.result_run_id
        assert line["cycle_id"] == wf_id
        assert line["level"] == "info"
        assert "timestamp" in line
    assert act_line["activity_type"] == "say"

    buf.seek(0)
    buf.truncate()
    await Replayer(
        workflows=[LoggingProbe], data_converter=pydantic_data_converter
    ).replay_workflow(history)
    assert not [line for line in _lines(buf) if line["event"] == "workflow says hello"]
