"""The task workflow on the time-skipping server: reminders, escalation, completion rules."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from tests.workflows.support import Rig, rig
from uprflow.domain.envelope import Actor
from uprflow.domain.profile import Reminders
from uprflow.domain.refusals import Refusal, fields_of
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.workflows.notifying import Contact
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskCompletion, TaskExtension, TaskReassignment, TaskSpec

POLICY = Reminders(
    before_due_days=(7, 1),
    on_due=True,
    escalate_after_days=3,
    escalate_to="NMRF",
    repeat_escalation_every_days=7,
)
MOJ = Actor(role="ministry", organisation="MOJ", subject="desk-officer-1")


async def start_task(
    env: WorkflowEnvironment,
    r: Rig,
    *,
    kind: TaskKind = TaskKind.PROPOSE_POSITIONS,
    due_in: timedelta = timedelta(days=10),
    subjects: tuple[str, ...] = ("rec-1", "rec-2"),
) -> tuple[WorkflowHandle, TaskSpec]:
    now = await env.get_current_time()
    task_id = f"task-KE-4-decisions-{uuid.uuid4().hex[:8]}"
    spec = TaskSpec(
        task_id=task_id,
        cycle_id="cycle-KE-4",
        kind=kind,
        title="Propose positions",
        assignee_org="MOJ",
        assignee_role="ministry",
        due_at=now + due_in,
        context=TaskContext(stage="decisions", subjects=subjects),
        reminders=POLICY,
        assignee_contact=Contact(),
    )
    handle = await env.client.start_workflow(
        TaskWorkflow.run, spec, id=task_id, task_queue=r.task_queue
    )
    await r.wait_for(lambda: len(r.stream(task_id)) == 1, "TaskAssigned")
    return handle, spec


def refusal(err: WorkflowUpdateFailedError) -> ApplicationError:
    """The refusal an update validator raised."""
    assert isinstance(err.cause, ApplicationError), err.cause
    return err.cause


def types(r: Rig, stream: str) -> list[str]:
    return [e.event_type for e in r.stream(stream)]


GOOD = {
    "positions": [
        {"recommendation_id": "rec-1", "position": "supported"},
        {"recommendation_id": "rec-2", "position": "noted", "justification": "Under study."},
    ]
}


async def test_reminders_and_escalation_fire_at_the_right_virtual_times(
    ts_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    async with rig(ts_env.client, sqlite_url, [TaskWorkflow]) as r:
        handle, spec = await start_task(ts_env, r)
        assigned_at = r.stream(spec.task_id)[0].occurred_at
        # 7 and 1 days before, on the due date, then escalation 3 and 10 days after it.
        await ts_env.sleep(timedelta(days=20, hours=1))
        await r.wait_for(lambda: len(r.stream(spec.task_id)) == 6, "6 events")
        events = r.stream(spec.task_id)
        assert [e.event_type for e in events] == [
            "TaskAssigned",
            "TaskReminded",
            "TaskReminded",
            "TaskReminded",
            "TaskEscalated",
            "TaskEscalated",
        ]
        # Virtual time: each alarm fires at its instant (to the second; the timer resolution).
        offsets = [
            timedelta(seconds=round((e.occurred_at - spec.due_at).total_seconds()))
            for e in events[1:]
        ]
        assert offsets == [
            timedelta(days=-7),
            timedelta(days=-1),
            timedelta(0),
            timedelta(days=3),
            timedelta(days=10),
        ]
        assert spec.due_at - assigned_at < timedelta(days=10, seconds=1)
        assert [e.payload["level"] for e in events[4:]] == [1, 2]
        assert all(e.payload["escalated_to"] == "NMRF" for e in events[4:])
        assert len(r.box.to("MOJ", "task_reminder")) == 3
        assert len(r.box.to("NMRF", "task_escalated")) == 2
        assert "10 days overdue" in r.box.to("NMRF", "task_escalated")[1].subject
        view = await handle.query(TaskWorkflow.view)
        assert (view.reminders_sent, view.escalations_sent, view.status) == (3, 2, "open")
        await handle.terminate("test over")


async def test_bad_completions_are_rejected_before_anything_is_written(
    ts_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    async with rig(ts_env.client, sqlite_url, [TaskWorkflow]) as r:
        handle, spec = await start_task(ts_env, r)
        # needle in the message -> the payload, and the field path the refusal's details name
        bad_payloads = {
            "positions.1.justification": {
                "positions": [
                    {"recommendation_id": "rec-1", "position": "supported"},
                    {"recommendation_id": "rec-2", "position": "noted"},
                ]
            },
            "missing 1": {"positions": [{"recommendation_id": "rec-1", "position": "supported"}]},
            "not part of this task": {
                "positions": [
                    {"recommendation_id": "rec-1", "position": "supported"},
                    {"recommendation_id": "rec-2", "position": "supported"},
                    {"recommendation_id": "rec-9", "position": "supported"},
                ]
            },
            "positions.0.position": {
                "positions": [
                    {"recommendation_id": "rec-1", "position": "rejected"},
                    {"recommendation_id": "rec-2", "position": "supported"},
                ]
            },
        }
        fields = {
            "positions.1.justification": "payload.positions.1.justification",
            "missing 1": "payload.positions",
            "not part of this task": "payload.positions.2.recommendation_id",
            "positions.0.position": "payload.positions.0.position",
        }
        for needle, payload in bad_payloads.items():
            with pytest.raises(WorkflowUpdateFailedError) as err:
                await handle.execute_update(
                    TaskWorkflow.complete, TaskCompletion(actor=MOJ, payload=payload)
                )
            cause = refusal(err.value)
            assert needle in str(cause), (needle, str(cause))
            assert cause.type == Refusal.INVALID_PAYLOAD
            assert [f.field for f in fields_of(cause.details)] == [fields[needle]]

        other = Actor(role="ministry", organisation="MOH", subject="x")
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                TaskWorkflow.complete, TaskCompletion(actor=other, payload=GOOD)
            )
        assert "not the assignee" in str(err.value.cause)
        assert refusal(err.value).type == Refusal.NOT_ASSIGNEE
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                TaskWorkflow.complete,
                TaskCompletion(actor=MOJ, payload=GOOD, expected_version=7),
            )
        assert "expected_version" in str(err.value.cause)
        assert refusal(err.value).type == Refusal.STALE_VERSION
        assert [f.field for f in fields_of(refusal(err.value).details)] == ["expected_version"]
        assert types(r, spec.task_id) == ["TaskAssigned"]

        view = await handle.execute_update(
            TaskWorkflow.complete, TaskCompletion(actor=MOJ, payload=GOOD, expected_version=1)
        )
        assert view.status == "completed"
        assert view.version == 2
        assert types(r, spec.task_id) == [
            "TaskAssigned",
            "PositionProposed",
            "PositionProposed",
            "TaskCompleted",
        ]
        noted = r.stream(spec.task_id)[2]
        assert noted.payload["justification"] == "Under study."
        assert noted.actor.subject == "desk-officer-1"

        # A closed task takes no update: rejected by the validator while the workflow still
        # runs, or by the server once it has completed.
        with pytest.raises((WorkflowUpdateFailedError, RPCError)):
            await handle.execute_update(
                TaskWorkflow.complete, TaskCompletion(actor=MOJ, payload=GOOD)
            )
        outcome = await handle.result()
        assert outcome.status == "completed"
        assert outcome.payload is not None
        assert len(r.stream(spec.task_id)) == 4


async def test_two_racing_completions_give_one_success(
    ts_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    async with rig(ts_env.client, sqlite_url, [TaskWorkflow]) as r:
        handle, spec = await start_task(ts_env, r)

        async def attempt(n: int) -> str:
            try:
                await handle.execute_update(
                    TaskWorkflow.complete,
                    TaskCompletion(
                        actor=Actor(role="ministry", organisation="MOJ", subject=f"u{n}"),
                        payload=GOOD,
                    ),
                )
                return "ok"
            except WorkflowUpdateFailedError:
                return "rejected"

        results = await asyncio.gather(*(attempt(n) for n in range(5)))
        assert sorted(results) == ["ok", "rejected", "rejected", "rejected", "rejected"]
        assert types(r, spec.task_id).count("TaskCompleted") == 1
        assert types(r, spec.task_id).count("PositionProposed") == 2


async def test_extend_restarts_reminders_and_reassign_notifies(
    ts_env: WorkflowEnvironment, sqlite_url: str
) -> None:
    async with rig(ts_env.client, sqlite_url, [TaskWorkflow]) as r:
        handle, spec = await start_task(ts_env, r)
        secretariat = Actor(role="secretariat", organisation="NMRF", subject="sec-1")
        with pytest.raises(WorkflowUpdateFailedError) as err:
            await handle.execute_update(
                TaskWorkflow.extend,
                TaskExtension(actor=secretariat, new_due_at=spec.due_at, reason="x"),
            )
        assert "new_due_at" in str(err.value.cause)
        assert refusal(err.value).type == Refusal.INVALID_EXTENSION
        assert [f.field for f in fields_of(refusal(err.value).details)] == ["new_due_at"]

        view = await handle.execute_update(
            TaskWorkflow.extend,
            TaskExtension(
                actor=secretariat, new_due_at=spec.due_at + timedelta(days=30), reason="budget"
            ),
        )
        assert view.version == 2
        await ts_env.sleep(timedelta(days=12))
        await asyncio.sleep(0.2)
        assert "TaskReminded" not in types(r, spec.task_id)  # first reminder now at day 33

        view = await handle.execute_update(
            TaskWorkflow.reassign,
            TaskReassignment(
                actor=secretariat, assignee_org="MOH", assignee_role="ministry", reason="mandate"
            ),
        )
        assert view.assignee_org == "MOH"
        assert r.box.to("MOH", "task_reassigned")
        assert "from MOJ to MOH" in r.box.to("MOH", "task_reassigned")[0].body
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                TaskWorkflow.complete, TaskCompletion(actor=MOJ, payload=GOOD)
            )
        moh = Actor(role="ministry", organisation="MOH", subject="u")
        await handle.execute_update(
            TaskWorkflow.complete, TaskCompletion(actor=moh, payload=GOOD, expected_version=3)
        )
        assert types(r, spec.task_id) == [
            "TaskAssigned",
            "TaskExtended",
            "TaskReassigned",
            "PositionProposed",
            "PositionProposed",
            "TaskCompleted",
        ]
