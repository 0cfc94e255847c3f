"""A deliberately changed ``Task`` workflow: same name, different commands.

Today's :class:`workflows.task.TaskWorkflow` records ``TaskAssigned`` through an activity
first; this one starts a timer instead, so the histories the real one wrote no longer
replay against it. ``uprflow audit workflows`` must report them as failed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow


@workflow.defn(name="Task")
class ChangedTaskWorkflow:
    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self, spec: dict[str, Any]) -> dict[str, Any]:
        # The change: wait a day before recording the assignment.
        await workflow.sleep(timedelta(days=1))
        await workflow.wait_condition(lambda: self._done)
        return {"task_id": spec.get("task_id"), "status": "completed"}

    @workflow.update
    async def complete(self, completion: dict[str, Any]) -> dict[str, Any]:
        self._done = True
        return {"status": "completed"}

    @workflow.query
    def view(self) -> dict[str, Any]:
        return {"status": "completed" if self._done else "open"}
