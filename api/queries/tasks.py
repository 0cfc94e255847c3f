"""Reading tasks from the read model: inboxes, one task, a cycle's open tasks of a kind."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime
from uprflow.api.schemas.tasks import TaskItem, task_item
from uprflow.api.security import Principal
from uprflow.domain.state import TaskState
from uprflow.domain.tasks import TaskKind
from uprflow.store.schema import proj_tasks
from uprflow.store.timefmt import format_ts, utc_now


def _item(row: Any, now: str) -> TaskItem:
    """A read-model row as an inbox entry (overdue: open and due before ``now``)."""
    return task_item(
        TaskState.model_validate_json(row.data),
        cycle_id=row.cycle_id,
        overdue=row.status == "open" and row.due_at < now,
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
    return [_item(r, now) for r in rows]


def task_page(
    engine: sa.Engine,
    org: str | None,
    status: str | None,
    overdue: bool | None,
    kind: TaskKind | None,
    cycle_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[TaskItem], int]:
    """A page of tasks (of ``org`` when given), soonest due first, and how many match."""
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
    return [_item(r, now) for r in rows], int(total)


async def visible_task(rt: Runtime, p: Principal, task_id: str) -> TaskItem:
    """The task if the caller may see it; 404 otherwise (another organisation's task too,
    so its existence does not leak)."""
    row = await asyncio.to_thread(_task_row, rt.engine, task_id)
    if row is None or (not p.reads_everything and row.assignee_org != p.organisation):
        raise ProblemError(404, f"no task {task_id}", kind="not-found")
    return _item(row, format_ts(utc_now()))
