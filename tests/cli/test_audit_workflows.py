"""``uprflow audit workflows``: live histories on the dev server replayed against the code."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from tests.workflows.changed_workflows import TaskWorkflowWithAnExtraTimer
from uprflow.cli import app
from uprflow.cli.workflows import replay_executions
from uprflow.config import Settings, get_settings
from uprflow.domain.envelope import Actor
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.profiles import load_profile
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.worker import WORKFLOWS, build_worker
from uprflow.workflows.cycle import CycleInput, CycleWorkflow
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskCompletion, TaskSpec

pytestmark = pytest.mark.devserver

MOJ = Actor(role="ministry", organisation="MOJ", subject="desk-officer-1")


@pytest.fixture
def settings(
    dev_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    monkeypatch.setenv("UPRFLOW_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("UPRFLOW_TEMPORAL_TASK_QUEUE", f"audit-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("UPRFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        get_settings.cache_clear()


async def test_live_histories_replay_and_a_changed_workflow_fails(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    client = dev_env.client
    queue = settings.temporal_task_queue
    migrate(settings.ledger_url)
    engine = make_engine(settings.ledger_url)
    ledger = Ledger(engine)
    suffix = uuid.uuid4().hex[:6]
    task_id = f"task-KE-4-decisions-{suffix}"
    cycle_id = f"cycle-KE-{suffix}"
    try:
        async with build_worker(client, settings, engine, ledger=ledger):
            # A task completed through its update...
            spec = TaskSpec(
                task_id=task_id,
                cycle_id="cycle-KE-4",
                kind=TaskKind.PROPOSE_POSITIONS,
                title="Propose positions",
                assignee_org="MOJ",
                assignee_role="ministry",
                due_at=datetime.now(UTC) + timedelta(days=10),
                context=TaskContext(stage="decisions", subjects=("rec-1",)),
                reminders=load_profile("KE").reminders,
            )
            task = await client.start_workflow(TaskWorkflow.run, spec, id=task_id, task_queue=queue)
            payload = {"positions": [{"recommendation_id": "rec-1", "position": "supported"}]}
            for _ in range(100):
                try:
                    await task.execute_update(
                        TaskWorkflow.complete, TaskCompletion(actor=MOJ, payload=payload)
                    )
                    break
                except Exception:
                    await asyncio.sleep(0.1)
            assert (await task.result()).status == "completed"

            # ...and a cycle waiting for its consultation (cycle and stage workflows running).
            cycle = await client.start_workflow(
                CycleWorkflow.run,
                CycleInput(
                    country="KE",
                    cycle_number=4,
                    review_date=date.today() + timedelta(days=730),
                    profile=load_profile("KE"),
                    chain_next=False,
                ),
                id=cycle_id,
                task_queue=queue,
            )
            query = f"TaskQueue = '{queue}'"
            for _ in range(100):
                found = {e.workflow_type async for e in client.list_workflows(query)}
                if {"Task", "Cycle", "ConsultationStage"} <= found:
                    break
                await asyncio.sleep(0.1)
            assert {"Task", "Cycle", "ConsultationStage"} <= found

        # Today's code replays every history, through the command as an auditor runs it.
        result = await asyncio.to_thread(
            lambda: CliRunner().invoke(app, ["audit", "workflows", "--query", query])
        )
        assert result.exit_code == 0, result.output
        for name in ("Task", "Cycle", "ConsultationStage"):
            assert name in result.output
        assert "OK: " in result.output and "FAILED" not in result.output

        # The same histories against a changed Task workflow: that one fails, the rest pass.
        others = [w for w in WORKFLOWS if w is not TaskWorkflow]
        report = await replay_executions(
            client, query=query, workflows=[TaskWorkflowWithAnExtraTimer, *others]
        )
        assert not report.ok
        assert [(f.workflow_type, f.workflow_id) for f in report.failures] == [("Task", task_id)]
        assert report.failures[0].run_id == task.result_run_id
        assert "Nondeterminism" in report.failures[0].error or "nondetermin" in (
            report.failures[0].error.lower()
        )
        assert report.replayed["Task"] == 1 and report.replayed["Cycle"] == 1
        assert report.failed("Cycle") == 0

        # Without the Task workflow at all, its executions are skipped, not failed.
        skipped = await replay_executions(client, query=query, workflows=others)
        assert skipped.ok and skipped.skipped["Task"] == 1
        await cycle.terminate("test over")
    finally:
        ledger.close()
        engine.dispose()
