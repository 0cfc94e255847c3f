"""Updates on a stage workflow: closing and extending its window, comments, submissions."""

from __future__ import annotations

from typing import Any

from uprflow.api.commands.updates import renamed, run_update
from uprflow.api.problems import ProblemError
from uprflow.api.queries.cycles import cycle_known
from uprflow.api.runtime import Runtime
from uprflow.workflows.stage_models import stage_workflow_id


async def stage_update(
    rt: Runtime,
    cycle_id: str,
    stage: str,
    update: Any,
    arg: Any,
    *,
    update_key: str | None,
    not_yet: str,
    fields: dict[str, str] | None = None,
) -> Any:
    """Run an update on a stage workflow; a stage that has not started yet is a 409.

    ``fields`` renames field paths of a refusal (``body.new_deadline`` -> ``body.until``).
    """
    try:
        return await run_update(
            rt, stage_workflow_id(cycle_id, stage), update, arg, update_id=update_key, what="stage"
        )
    except ProblemError as exc:
        if exc.status == 404 and await cycle_known(rt, cycle_id):
            raise ProblemError(409, not_yet, kind="stage-not-open") from None
        if exc.status == 404:
            raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found") from None
        raise renamed(exc, fields or {}) from None
