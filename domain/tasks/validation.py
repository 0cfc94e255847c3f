"""Checking a completion payload against its task, before anything is written.

The task workflow calls :func:`validate_completion` in its update validator, so a wrong
payload is refused with every bad field named by its path, e.g. ``positions.3.justification``.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from uprflow.domain.refusals import RefusedField
from uprflow.domain.tasks.context import TaskContext
from uprflow.domain.tasks.kinds import TaskKind
from uprflow.domain.tasks.payloads import (
    PAYLOADS,
    AssessPositionsPayload,
    IndependentAssessmentPayload,
    PlansPayload,
    PositionsPayload,
    ProgressPayload,
    SubmitPayload,
)
from uprflow.domain.text import LENIENT


class PayloadError(ValueError):
    """A completion payload does not fit its task: one :class:`RefusedField` per bad field.

    The message is ``path: reason; path: reason`` for people; callers that point at fields
    (the API's problem documents) read :attr:`fields` and never parse the message.
    """

    def __init__(self, *fields: RefusedField) -> None:
        self.fields = fields
        super().__init__(
            "; ".join(f"{f.field}: {f.message}" if f.field else f.message for f in fields)
        )


_FIELD_PREFIX = re.compile(r"^(?P<field>[A-Za-z_][\w.]*): (?P<rest>.*)$", re.DOTALL)


def _fields(exc: ValidationError) -> list[RefusedField]:
    """Each error's field path and message (a model validator's own field joins the path)."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        # Why parse here: a model validator can only say which of its fields is wrong in its
        # ValueError's text (``"justification: required ..."``); this is the one place that
        # convention is read.
        m = _FIELD_PREFIX.match(msg)
        if m:
            loc = f"{loc}.{m['field']}" if loc else m["field"]
            msg = m["rest"]
        out.append(RefusedField(loc, msg))
    return out


def _cover(field: str, ids: list[str], subjects: tuple[str, ...]) -> None:
    """The payload must speak to exactly the task's subjects, once each."""
    expected = set(subjects)
    seen: set[str] = set()
    for i, rid in enumerate(ids):
        if rid not in expected:
            raise PayloadError(
                RefusedField(f"{field}.{i}.recommendation_id", f"{rid!r} is not part of this task")
            )
        if rid in seen:
            raise PayloadError(
                RefusedField(f"{field}.{i}.recommendation_id", f"{rid!r} appears twice")
            )
        seen.add(rid)
    missing = sorted(expected - seen)
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise PayloadError(
            RefusedField(field, f"missing {len(missing)} of this task's items: {shown}")
        )


#: Payloads that answer recommendation by recommendation -> the list field holding the answers;
#: each must cover exactly the task's subjects.
_PER_RECOMMENDATION: dict[type[BaseModel], str] = {
    PositionsPayload: "positions",
    AssessPositionsPayload: "assessments",
    PlansPayload: "plans",
    ProgressPayload: "reports",
    IndependentAssessmentPayload: "assessments",
}


def validate_completion(
    kind: TaskKind | str, payload: dict[str, Any], context: TaskContext, *, lenient: bool = False
) -> BaseModel:
    """Parse and check a completion payload for a task of ``kind``; raise :class:`PayloadError`.

    ``lenient``: skip the free-text limits (:mod:`~uprflow.domain.text`) - only for the update
    handler's re-parse of what its validator accepted, which also runs on replay of histories
    recorded before the limits existed.
    """
    model = PAYLOADS[TaskKind(kind)]
    try:
        parsed = model.model_validate(payload, context={LENIENT: True} if lenient else None)
    except ValidationError as exc:
        raise PayloadError(*_fields(exc)) from None
    items = _PER_RECOMMENDATION.get(type(parsed))
    if items is not None:
        ids = [item.recommendation_id for item in getattr(parsed, items)]
        _cover(items, ids, context.subjects)
    match parsed:
        case PlansPayload():
            _require_plan_fields(parsed, context.plan_fields)
        case SubmitPayload() if parsed.word_count > context.max_words:
            raise PayloadError(
                RefusedField(
                    "word_count", f"{parsed.word_count} exceeds the limit of {context.max_words}"
                )
            )
        case _:
            pass
    return parsed


_PLAN_FIELD_ATTRS = {
    "indicators": "indicators",
    "partners": "partners",
    "sdg_targets": "sdg_targets",
    "nap_link": "nap_link",
}


def _require_plan_fields(payload: PlansPayload, fields: tuple[str, ...]) -> None:
    # Why: the profile decides which matrix columns are mandatory (Kenya's matrix requires
    # indicators and partners; Denmark's only action and responsible body).
    for i, plan in enumerate(payload.plans):
        for name in fields:
            attr = _PLAN_FIELD_ATTRS.get(name)
            if attr and not getattr(plan, attr):
                raise PayloadError(
                    RefusedField(f"plans.{i}.{attr}", "required by the national profile")
                )
