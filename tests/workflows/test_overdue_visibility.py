"""Overdue tasks are found through Temporal visibility (search attributes) on the dev server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.support import rig
from uprflow.domain.envelope import Actor
from uprflow.domain.profile import Reminders
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskExtension, TaskSpec

pytestmark = pytest.mark.devserver

POLICY = Reminders(
    before_due_days=(7,),
    on_due=True,
    escalate_after_days=3,
    escalate_to="NMRF",
    repeat_escalation_every_days=7,
)


async def _ids(env: WorkflowEnvironment, query: str) -> set[str]:
    return {w.id async for w in env.client.list_workflows(query)}


async def test_overdue_tasks_are_listed_and_an_extension_takes_one_off(
    dev_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    async with rig(dev_env.client, sqlite_url, [TaskWorkflow]) as r:
        now = await dev_env.get_current_time()
        tag = uuid.uuid4().hex[:8]
        handles = {}
        for name, due in (("late", now - timedelta(days=2)), ("fine", now + timedelta(days=20))):
            spec = TaskSpec(
                task_id=f"task-ZZ-1-decisions-{tag}-{name}",
                cycle_id="cycle-ZZ-1",
                kind=TaskKind.PROPOSE_POSITIONS,
                title=f"{name} task",
                assignee_org=f"MIN{tag}",
                assignee_role="ministry",
                due_at=due,
                context=TaskContext(stage="decisions", subjects=("r1",)),
                reminders=POLICY,
            )
            handles[name] = await dev_env.client.start_workflow(
                TaskWorkflow.run, spec, id=spec.task_id, task_queue=r.task_queue
            )
        query = (
            f"WorkflowType = 'Task' AND ExecutionStatus = 'Running' AND Assignee = 'MIN{tag}' "
            f"AND DueAt < '{now.isoformat()}'"
        )
        found: set[str] = set()
        for _ in range(100):
            found = await _ids(dev_env, query)
            if found:
                break
            await asyncio.sleep(0.1)
        assert found == {handles["late"].id}

        await handles["late"].execute_update(
            TaskWorkflow.extend,
            TaskExtension(
                actor=Actor(role="secretariat", organisation="NMRF", subject="s"),
                new_due_at=now + timedelta(days=10),
                reason="agreed with the ministry",
            ),
        )
        for _ in range(100):
            found = await _ids(dev_env, query)
            if not found:
                break
            await asyncio.sleep(0.1)
        assert found == set()
        for h in handles.values():
            await h.terminate("test over")
