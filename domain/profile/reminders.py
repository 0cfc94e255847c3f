"""The reminder and escalation policy a national profile sets for every task."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from uprflow.domain.profile.base import FrozenModel, fail_at
from uprflow.domain.profile.organisations import OrgCode


class Reminders(FrozenModel):
    """Reminder and escalation policy for every task."""

    before_due_days: tuple[Annotated[int, Field(gt=0)], ...] = (7, 1)
    on_due: bool = True
    escalate_after_days: int = Field(ge=0, description="grace after the due date")
    escalate_to: OrgCode
    repeat_escalation_every_days: int = Field(gt=0)

    @model_validator(mode="after")
    def _distinct(self) -> Reminders:
        if len(set(self.before_due_days)) != len(self.before_due_days):
            fail_at(("before_due_days",), "lists a day twice", list(self.before_due_days))
        return self
