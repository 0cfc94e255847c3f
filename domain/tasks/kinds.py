"""The kinds of task a cycle assigns."""

from __future__ import annotations

from enum import StrEnum


class TaskKind(StrEnum):
    """Every kind of task a cycle assigns."""

    CONTRIBUTE_SECTION = "contribute_section"
    HOLD_HEARING = "hold_hearing"
    MAKE_SUBMISSION = "make_submission"
    ANSWER_COMMENT = "answer_comment"
    REVISE_DRAFT = "revise_draft"
    APPROVE_DOCUMENT = "approve_document"
    REVIEW_DOCUMENT = "review_document"
    SUBMIT_DOCUMENT = "submit_document"
    IMPORT_RECOMMENDATIONS = "import_recommendations"
    PROPOSE_POSITIONS = "propose_positions"
    ASSESS_POSITIONS = "assess_positions"
    DECIDE_POSITIONS = "decide_positions"
    PLAN_IMPLEMENTATION = "plan_implementation"
    REPORT_PROGRESS = "report_progress"
    ASSESS_IMPLEMENTATION = "assess_implementation"
    HOLD_CONSULTATION = "hold_consultation"
    COMPILE_MIDTERM = "compile_midterm"
    COMMENT_ON_DOCUMENT = "comment_on_document"
    RESOLVE_PARLIAMENT_ITEM = "resolve_parliament_item"
