"""The fold's copy-on-write updates of the cycle state: one entity or counter at a time."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from uprflow.domain.state import CycleState, StageState

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def copy_model(model: M, update: dict[str, Any]) -> M:
    """``model.model_copy(update=update)`` for the state models, without its overhead.

    Why: the fold copies one state object per event and pydantic's generic copy costs several
    times this. Same result (fields, fields-set); models with extras or private attributes
    take pydantic's path.
    """
    if model.__pydantic_extra__ is not None or getattr(model, "__pydantic_private__", None):
        return model.model_copy(update=update)
    m = _new(type(model))
    d = model.__dict__.copy()
    d.update(update)
    _set(m, "__dict__", d)
    _set(m, "__pydantic_extra__", None)
    fields_set = set(model.__pydantic_fields_set__)
    fields_set.update(update)
    _set(m, "__pydantic_fields_set__", fields_set)
    _set(m, "__pydantic_private__", None)
    return m


def update_recommendation(state: CycleState, rec_id: str, **update: Any) -> CycleState:
    """The state with one known recommendation updated (unchanged if it is unknown)."""
    rec = state.recommendations.get(rec_id)
    if rec is None:
        return state
    recs = dict(state.recommendations)
    recs[rec_id] = copy_model(rec, update)
    return copy_model(state, {"recommendations": recs})


def update_task(state: CycleState, task_id: str, **update: Any) -> CycleState:
    """The state with one known task updated (unchanged if it is unknown)."""
    task = state.tasks.get(task_id)
    if task is None:
        return state
    tasks = dict(state.tasks)
    tasks[task_id] = copy_model(task, update)
    return copy_model(state, {"tasks": tasks})


def update_stage(state: CycleState, stage: str, **update: Any) -> CycleState:
    """The state with one stage updated (created if it is not there yet)."""
    current = state.stages.get(stage) or StageState(stage=stage)
    stages = dict(state.stages)
    stages[stage] = copy_model(current, update)
    return copy_model(state, {"stages": stages})


def increment(state: CycleState, field: str) -> CycleState:
    """The state with the counter ``field`` one higher."""
    return copy_model(state, {field: getattr(state, field) + 1})
