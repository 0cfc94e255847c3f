"""Tasks: what a person must do in a cycle, the payload each kind of task is completed with,
and the business events a completed task records.

Pure: the task workflow validates a completion with :func:`validate_completion` in its update
validator (so a wrong payload is rejected before anything is written) and turns it into events
with :func:`completion_events`. Every kind has its own payload model; the error messages name
the field path, e.g. ``positions.3.justification``.

Modules: :mod:`~.kinds` (:class:`TaskKind`), :mod:`~.context` (:class:`TaskContext`),
:mod:`~.payloads` (one model per kind, :data:`PAYLOADS`), :mod:`~.validation` and
:mod:`~.completion`. The names below are the domain's task vocabulary, importable from here.
"""

from uprflow.domain.tasks.completion import completion_events, result_ref
from uprflow.domain.tasks.context import TaskContext
from uprflow.domain.tasks.kinds import TaskKind
from uprflow.domain.tasks.payloads import (
    PAYLOADS,
    AnswerPayload,
    ApprovalPayload,
    AssessmentIn,
    AssessPositionsPayload,
    CommentPayload,
    CompilePayload,
    ConsultationPayload,
    HearingPayload,
    ImportPayload,
    IndependentAssessmentIn,
    IndependentAssessmentPayload,
    ParliamentItemPayload,
    PlanIn,
    PlansPayload,
    PositionIn,
    PositionsPayload,
    ProgressIn,
    ProgressPayload,
    RecommendationIn,
    ReviewPayload,
    RevisionPayload,
    SectionPayload,
    SubmissionPayload,
    SubmitPayload,
)
from uprflow.domain.tasks.validation import PayloadError, validate_completion

__all__ = [
    "PAYLOADS",
    "AnswerPayload",
    "ApprovalPayload",
    "AssessPositionsPayload",
    "AssessmentIn",
    "CommentPayload",
    "CompilePayload",
    "ConsultationPayload",
    "HearingPayload",
    "ImportPayload",
    "IndependentAssessmentIn",
    "IndependentAssessmentPayload",
    "ParliamentItemPayload",
    "PayloadError",
    "PlanIn",
    "PlansPayload",
    "PositionIn",
    "PositionsPayload",
    "ProgressIn",
    "ProgressPayload",
    "RecommendationIn",
    "ReviewPayload",
    "RevisionPayload",
    "SectionPayload",
    "SubmissionPayload",
    "SubmitPayload",
    "TaskContext",
    "TaskKind",
    "completion_events",
    "result_ref",
    "validate_completion",
]
