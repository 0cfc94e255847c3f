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
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from uprflow.api import observability
from uprflow.api.commands import renamed, run_update
from uprflow.api.idempotency import idempotency_key, idempotent, update_id
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.routes.cycles import QUERY_TIMEOUT
from uprflow.api.runtime import Runtime
from uprflow.api.schemas import (
    TaskCompleteIn,
    TaskDetail,
    TaskExtendIn,
    TaskItem,
    TaskKind,
    TaskList,
    TaskOut,
    TaskReassignIn,
)
from uprflow.api.security import ALL_ROLES, Principal, RuntimeDep, require
from uprflow.store.schema import proj_tasks
from uprflow.store.timefmt import format_ts, utc_now
from uprflow.workflows.task import (
    TaskCompletion,
    TaskExtension,
    TaskReassignment,
    TaskView,
    TaskWorkflow,
)

router = APIRouter()

TaskId = Annotated[
    str,
    Path(
        description="task id, e.g. task-KE-4-decisions-003-moj-propose",
        pattern=r"^task-[A-Za-z0-9_-]{1,200}$",
        examples=["task-KE-4-decisions-003-moj-propose"],
    ),
]
#: Who may complete tasks (the workflow checks the assignee; the route hides other orgs' tasks).
Completer = Annotated[
    Principal, Depends(require("ministry", "nhri", "cso", "parliament", "secretariat"))
]
Secretariat = Annotated[Principal, Depends(require("secretariat"))]
AnyRole = Annotated[Principal, Depends(require(*ALL_ROLES))]


# ------------------------------------------------------------------ read model (shared)


def task_item(row: Any, now: str) -> TaskItem:
    """A read-model row as an inbox entry."""
    return TaskItem.model_validate(
        {
            **json.loads(row.data),
            "cycle_id": row.cycle_id,
            "overdue": row.status == "open" and row.due_at < now,
        }
    )


def _task_row(engine: sa.Engine, task_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.select(proj_tasks).where(proj_tasks.c.task_id == task_id)).first()


def _kind_clause(kind: str) -> sa.ColumnElement[bool]:
    # ``data`` is the compact JSON of TaskState (pydantic writes no spaces), so the kind's
    # key/value pair appears exactly once; a title containing it would be escaped (\").
    return proj_tasks.c.data.contains(f'"kind":"{kind}"', autoescape=True)


def open_tasks(
    engine: sa.Engine, cycle_id: str, kind: TaskKind, org: str | None = None
) -> list[TaskItem]:
    """Open tasks of ``kind`` in a cycle (of ``org`` when given), soonest due first."""
    where = [
        proj_tasks.c.cycle_id == cycle_id,
        proj_tasks.c.status == "open",
        _kind_clause(kind.value),
    ]
    if org is not None:
        where.append(proj_tasks.c.assignee_org == org)
    now = format_ts(utc_now())
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(proj_tasks).where(*where).order_by(proj_tasks.c.due_at, proj_tasks.c.task_id)
        ).all()
    return [task_item(r, now) for r in rows]


def _list_tasks(
    engine: sa.Engine,
    org: str | None,
    status: str | None,
    overdue: bool | None,
    kind: TaskKind | None,
    cycle_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[TaskItem], int]:
    now = format_ts(utc_now())
    where: list[sa.ColumnElement[bool]] = []
    if org is not None:
        where.append(proj_tasks.c.assignee_org == org)
    if status:
        where.append(proj_tasks.c.status == status)
    if overdue is True:
        where += [proj_tasks.c.status == "open", proj_tasks.c.due_at < now]
    elif overdue is False:
        where.append(sa.or_(proj_tasks.c.status != "open", proj_tasks.c.due_at >= now))
    if kind is not None:
        where.append(_kind_clause(kind.value))
    if cycle_id:
        where.append(proj_tasks.c.cycle_id == cycle_id)
    with engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(proj_tasks).where(*where)
        ).scalar_one()
        rows = conn.execute(
            sa.select(proj_tasks)
            .where(*where)
            .order_by(proj_tasks.c.due_at, proj_tasks.c.task_id)
            .limit(limit)
            .offset(offset)
        ).all()
    return [task_item(r, now) for r in rows], int(total)


async def visible_task(rt: Runtime, p: Principal, task_id: str) -> TaskItem:
    """The task if the caller may see it; 404 otherwise (another organisation's task too)."""
    row = await asyncio.to_thread(_task_row, rt.engine, task_id)
    if row is None or (not p.reads_everything and row.assignee_org != p.organisation):
        raise ProblemError(404, f"no task {task_id}", kind="not-found")
    return task_item(row, format_ts(utc_now()))


async def complete_task(
    request: Request,
    rt: Runtime,
    p: Principal,
    task: str | Callable[[], Awaitable[str]],
    payload: dict[str, Any],
    *,
    expected_version: int | None,
    body: Any,
    fields: dict[str, str] | None = None,
    status_code: int = 200,
    present: Callable[[str, TaskView], Any] | None = None,
) -> JSONResponse:
    """Complete a task through its ``complete`` update, once per Idempotency-Key.

    ``task`` is the task id, or a coroutine finding it (run only when the request is not a
    keyed retry, so a retry replays even though the task is no longer open). ``fields``
    renames the field paths of a refusal to the request's own (an import body is the payload
    itself: ``body.payload`` -> ``body``); ``present`` shapes the response (what a keyed
    retry replays) from the task id and view.
    """
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id

    async def run() -> Any:
        task_id = task if isinstance(task, str) else await task()
        completion = TaskCompletion(
            actor=p.actor(), payload=payload, expected_version=expected_version, request_id=rid
        )
        try:
            view: TaskView = await run_update(
                rt, task_id, TaskWorkflow.complete, completion,
                update_id=update_id(p, key), what="task",
            )  # fmt: skip
        except ProblemError as exc:
            raise renamed(exc, fields or {}) from None
        return present(task_id, view) if present is not None else view

    return await idempotent(request, rt, p, body, run, status_code=status_code)


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
        _list_tasks, rt.engine, org, status, overdue, kind, cycle_id, limit, offset
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
    view: TaskView | None = None
    client = await rt.temporal.get()
    if client is not None:
        try:
            view = await client.get_workflow_handle(task_id).query(
                TaskWorkflow.view, rpc_timeout=QUERY_TIMEOUT
            )
        except Exception:  # the read model still answers
            view = None
    extra: dict[str, Any] = {"live": view is not None}
    if view is not None:
        extra |= {
            "version": view.version,
            "stage": view.stage,
            "subjects": view.subjects,
            "context": view.context,
            "result": view.result,
        }
    return TaskDetail.model_validate({**item.model_dump(), **extra})


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
    request: Request, task_id: TaskId, body: TaskExtendIn, rt: RuntimeDep, p: Secretariat
) -> JSONResponse:
    await visible_task(rt, p, task_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id
    ext = TaskExtension(actor=p.actor(), new_due_at=body.due_at, reason=body.reason, request_id=rid)

    async def run() -> TaskView:
        try:
            view: TaskView = await run_update(
                rt, task_id, TaskWorkflow.extend, ext, update_id=update_id(p, key), what="task"
            )
        except ProblemError as exc:
            raise renamed(exc, {"body.new_due_at": "body.due_at"}) from None
        return view

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
    request: Request, task_id: TaskId, body: TaskReassignIn, rt: RuntimeDep, p: Secretariat
) -> JSONResponse:
    await visible_task(rt, p, task_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id
    re = TaskReassignment(
        actor=p.actor(),
        assignee_org=body.assignee_org,
        assignee_role=body.assignee_role,
        reason=body.reason,
        request_id=rid,
    )

    async def run() -> TaskView:
        view: TaskView = await run_update(
            rt, task_id, TaskWorkflow.reassign, re, update_id=update_id(p, key), what="task"
        )
        return view

    return await idempotent(request, rt, p, body, run)
