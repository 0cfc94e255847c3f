"""The workflows' live queries, bounded in time.

Why bounded and optional: a read must answer from the read model even while Temporal is down
or a worker is slow; the live part is added when the workflow answers within
:data:`QUERY_TIMEOUT` and is otherwise left out (with the reason, where the answer has room
for one).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.service import RPCError, RPCStatusCode

from uprflow.api.runtime import Runtime
from uprflow.api.schemas.cycles import CycleLive, cycle_live
from uprflow.workflows.cycle import CycleWorkflow
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskView

#: How long a read waits for a workflow query before answering without the live part.
QUERY_TIMEOUT = timedelta(seconds=3)


async def live_cycle(rt: Runtime, cycle_id: str) -> tuple[CycleLive | None, str | None]:
    """The cycle workflow's ``state`` query, or None and why it is missing."""
    client = await rt.temporal.get()
    if client is None:
        return None, f"Temporal is not reachable: {rt.temporal.last_error}"
    try:
        view = await client.get_workflow_handle(cycle_id).query(
            CycleWorkflow.state, rpc_timeout=QUERY_TIMEOUT
        )
        return cycle_live(view), None
    except RPCError as exc:
        return None, (
            "the cycle workflow is unknown to Temporal"
            if exc.status == RPCStatusCode.NOT_FOUND
            else f"the cycle workflow did not answer: {exc.message}"
        )
    except Exception as exc:  # a query failure must not hide the read model
        return None, f"the cycle workflow did not answer: {type(exc).__name__}"


async def live_task(rt: Runtime, task_id: str) -> TaskView | None:
    """The task workflow's ``view`` query, or None when it does not answer."""
    client = await rt.temporal.get()
    if client is None:
        return None
    try:
        view: TaskView = await client.get_workflow_handle(task_id).query(
            TaskWorkflow.view, rpc_timeout=QUERY_TIMEOUT
        )
    except Exception:  # the read model still answers
        return None
    return view
