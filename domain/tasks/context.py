"""What a task is about, fixed when it is assigned (its stage, subjects, earlier proposals)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, Document, Position

_STRICT = ConfigDict(frozen=True, extra="forbid")


class TaskContext(BaseModel):
    """What a task is about, fixed when it is assigned.

    ``subjects`` are the ids the payload must cover (recommendations, a comment, a hearing);
    ``proposals`` carries earlier positions for assessment and decision tasks.
    """

    model_config = _STRICT

    stage: str
    document: Document | None = None
    subjects: tuple[str, ...] = ()
    proposals: dict[str, Position] = {}
    plan_fields: tuple[str, ...] = ()
    period_end: date | None = None
    max_words: int = NATIONAL_REPORT_MAX_WORDS
    draft_version: int = 0
    round: int = 0
    note: str = ""
