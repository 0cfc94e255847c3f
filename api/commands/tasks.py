"""Completing a task through its workflow's ``complete`` update, once per Idempotency-Key."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from uprflow.api import observability
from uprflow.api.commands.updates import renamed, run_update
from uprflow.api.idempotency import idempotency_key, idempotent, update_id
from uprflow.api.problems import ProblemError
from uprflow.api.queries.cycles import cycle_known
from uprflow.api.queries.tasks import open_tasks
from uprflow.api.runtime import Runtime
from uprflow.api.schemas.tasks import task_out
from uprflow.api.security import Principal
from uprflow.domain.tasks import TaskKind
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskCompletion, TaskView


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
    present: Callable[[str, TaskView], BaseModel] | None = None,
) -> JSONResponse:
    """Complete a task through its ``complete`` update, once per Idempotency-Key.

    ``task`` is the task id, or a coroutine finding it (run only when the request is not a
    keyed retry, so a retry replays even though the task is no longer open). ``fields``
    renames the field paths of a refusal to the request's own (an import body is the payload
    itself: ``body.payload`` -> ``body``); ``present`` shapes the response (what a keyed
    retry replays) from the task id and view; by default the task as :class:`TaskOut`.
    """
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id

    async def run() -> BaseModel:
        task_id = task if isinstance(task, str) else await task()
        completion = TaskCompletion(
            actor=p.actor(), payload=payload, expected_version=expected_version, request_id=rid
        )
        try:
            view: TaskView = await run_update(
                rt,
                task_id,
                TaskWorkflow.complete,
                completion,
                update_id=update_id(p, key),
                what="task",
            )
        except ProblemError as exc:
            raise renamed(exc, fields or {}) from None
        return present(task_id, view) if present is not None else task_out(view)

    return await idempotent(request, rt, p, body, run, status_code=status_code)


def open_task_finder(
    rt: Runtime, cycle_id: str, kind: TaskKind, org: str | None, missing: str
) -> Callable[[], Awaitable[str]]:
    """A coroutine finding the soonest-due open task of ``kind`` in the cycle (of ``org``
    when given): 404 when the cycle is unknown, 409 (``missing``) when there is none."""

    async def find() -> str:
        tasks = await asyncio.to_thread(open_tasks, rt.engine, cycle_id, kind, org)
        if not tasks:
            if not await cycle_known(rt, cycle_id):
                raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
            raise ProblemError(409, missing, kind="no-open-task")
        return tasks[0].task_id

    return find


async def complete_own_task(
    request: Request,
    rt: Runtime,
    p: Principal,
    cycle_id: str,
    kind: TaskKind,
    body: BaseModel,
) -> JSONResponse:
    """Complete the caller organisation's soonest-due open task of ``kind`` in the cycle with
    ``body`` as the payload (the request body is the payload itself: its refusals name
    ``body.<field>``); 409 when the organisation has no such task."""
    find = open_task_finder(
        rt,
        cycle_id,
        kind,
        p.organisation,
        f"{p.organisation} has no open {kind.value} task in {cycle_id}",
    )
    return await complete_task(
        request,
        rt,
        p,
        find,
        body.model_dump(mode="json"),
        expected_version=None,
        body=body,
        fields={"body.payload": "body"},
    )
