"""Deliberately changed workflows: same names, different commands (replay must fail)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.workflows.task import TaskWorkflow
    from uprflow.workflows.task_models import TaskOutcome, TaskSpec


@workflow.defn(name="Task")
class TaskWorkflowWithAnExtraTimer(TaskWorkflow):
    """A "harmless" change: wait a minute before recording the assignment."""

    @workflow.run
    async def run(self, spec: TaskSpec) -> TaskOutcome:
        await workflow.sleep(timedelta(minutes=1))
        return await super().run(spec)
