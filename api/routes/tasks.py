"""API routes: the task inbox of each organisation, and completing, extending and
reassigning tasks.

Ministries, NHRIs, CSOs and parliament see and act on their organisation's tasks only: a task
of another organisation answers 404, so its existence does not leak. The secretariat and
auditors see every task; only the secretariat extends and reassigns. Completion is the task
workflow's ``complete`` update, whose validator checks the assignee, the payload against the
task kind's schema and the expected version before anything is written (DESIGN §3); when the
update returns, the ledger and the read models already show it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from uprflow.api.commands.tasks import complete_task
from uprflow.api.commands.updates import renamed, run_update
from uprflow.api.deps import (
    AnyRole,
    Completer,
    IdempotencyKey,
    RequestId,
    RuntimeDep,
    Secretariat,
)
from uprflow.api.idempotency import idempotent, update_id
from uprflow.api.params import TaskId
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.live import live_task
from uprflow.api.queries.tasks import task_page, visible_task
from uprflow.api.schemas.tasks import (
    TaskCompleteIn,
    TaskDetail,
    TaskExtendIn,
    TaskList,
    TaskOut,
    TaskReassignIn,
    task_detail,
    task_out,
)
from uprflow.domain.tasks import TaskKind
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskExtension, TaskReassignment, TaskView

router = APIRouter()


# ------------------------------------------------------------------ inbox


@router.get(
    "/tasks",
    response_model=TaskList,
    summary="My task inbox",
    description="Ministries, NHRIs, CSOs and parliament see the tasks assigned to their "
    "organisation; the secretariat and auditors see every task (`assignee` narrows it to one "
    "organisation). `overdue=true`: open and past the due date. Soonest due first.",
    tags=["tasks"],
    responses=problem_responses(401, 403, 422),
)
async def list_tasks(
    rt: RuntimeDep,
    p: AnyRole,
    status: Annotated[str | None, Query(pattern=r"^(open|completed|cancelled)$")] = None,
    overdue: Annotated[bool | None, Query(description="open and past the due date")] = None,
    kind: Annotated[TaskKind | None, Query(description="task kind")] = None,
    cycle_id: Annotated[str | None, Query(max_length=200, examples=["cycle-KE-4"])] = None,
    assignee: Annotated[
        str | None,
        Query(
            max_length=200,
            description="the assignee organisation (secretariat and auditors; others only "
            "ever see their own)",
            examples=["MOJ"],
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> TaskList:
    org = assignee if p.reads_everything else p.organisation
    if assignee is not None and assignee != org:  # another organisation's inbox: nothing
        return TaskList(items=[], total=0, limit=limit, offset=offset)
    items, total = await asyncio.to_thread(
        task_page, rt.engine, org, status, overdue, kind, cycle_id, limit, offset
    )
    return TaskList(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/tasks/{task_id}",
    response_model=TaskDetail,
    summary="One task, with its live version and context",
    description="The task from the read model plus the task workflow's `view` query (its "
    "`version`, to send back as `expected_version`, and the `context`: what the payload must "
    "cover). Another organisation's task is 404 for ministries, NHRIs, CSOs and parliament.",
    tags=["tasks"],
    responses=problem_responses(401, 403, 404, 422),
)
async def get_task(task_id: TaskId, rt: RuntimeDep, p: AnyRole) -> TaskDetail:
    item = await visible_task(rt, p, task_id)
    return task_detail(item, await live_task(rt, task_id))


# ------------------------------------------------------------------ commands


@router.post(
    "/tasks/{task_id}/complete",
    response_model=TaskOut,
    summary="Complete a task",
    description="The task workflow's `complete` update with the caller as actor. The payload "
    "is checked against the task kind's schema (422 naming each field), the assignee (403) "
    "and `expected_version` (409 when stale); a task already completed or cancelled, or "
    "completed by a racing request, is 409. Another organisation's task is 404.",
    tags=["tasks"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def complete(
    request: Request, task_id: TaskId, body: TaskCompleteIn, rt: RuntimeDep, p: Completer
) -> JSONResponse:
    await visible_task(rt, p, task_id)
    return await complete_task(
        request, rt, p, task_id, body.payload, expected_version=body.expected_version, body=body
    )


@router.post(
    "/tasks/{task_id}/extend",
    response_model=TaskOut,
    summary="Move a task's due date later",
    description="The task workflow's `extend` update (recorded as `TaskExtended`); reminders "
    "restart from the new date. The new date must be later. Secretariat only.",
    tags=["tasks"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def extend(
    request: Request,
    task_id: TaskId,
    body: TaskExtendIn,
    rt: RuntimeDep,
    p: Secretariat,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    await visible_task(rt, p, task_id)
    ext = TaskExtension(actor=p.actor(), new_due_at=body.due_at, reason=body.reason, request_id=rid)

    async def run() -> TaskOut:
        try:
            view: TaskView = await run_update(
                rt, task_id, TaskWorkflow.extend, ext, update_id=update_id(p, key), what="task"
            )
        except ProblemError as exc:
            raise renamed(exc, {"body.new_due_at": "body.due_at"}) from None
        return task_out(view)

    return await idempotent(request, rt, p, body, run)


@router.post(
    "/tasks/{task_id}/reassign",
    response_model=TaskOut,
    summary="Give a task to another organisation",
    description="The task workflow's `reassign` update (recorded as `TaskReassigned`); the new "
    "assignee is notified in its inbox. Secretariat only.",
    tags=["tasks"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def reassign(
    request: Request,
    task_id: TaskId,
    body: TaskReassignIn,
    rt: RuntimeDep,
    p: Secretariat,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    await visible_task(rt, p, task_id)
    re = TaskReassignment(
        actor=p.actor(),
        assignee_org=body.assignee_org,
        assignee_role=body.assignee_role,
        reason=body.reason,
        request_id=rid,
    )

    async def run() -> TaskOut:
        view: TaskView = await run_update(
            rt, task_id, TaskWorkflow.reassign, re, update_id=update_id(p, key), what="task"
        )
        return task_out(view)

    return await idempotent(request, rt, p, body, run)
