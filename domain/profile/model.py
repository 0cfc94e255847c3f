"""The national profile as a whole: its parts, and what a cycle asks of it."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails

from uprflow.domain.profile.base import FrozenModel, field_error
from uprflow.domain.profile.checks import ProfileChecker
from uprflow.domain.profile.countries import is_country_code
from uprflow.domain.profile.organisations import Nmrf, Organisation, OrgKind
from uprflow.domain.profile.reminders import Reminders
from uprflow.domain.profile.routing import Routing, RoutingDecision
from uprflow.domain.profile.stages import STAGE_ORDER, Stages
from uprflow.domain.profile.themes import normalise_theme
from uprflow.domain.values import Stage


class Profile(FrozenModel):
    """A country's national profile: organisations, stages, routing, reminders.

    Build one with ``Profile.model_validate(mapping)``; every cross-reference and deadline
    order is checked then, and a :class:`pydantic.ValidationError` names each bad field.
    """

    schema_version: Literal[1] = 1
    country: str = Field(description="ISO 3166-1 alpha-2, upper case")
    country_name: str = Field(min_length=1)
    organisations: tuple[Organisation, ...] = Field(min_length=1)
    nmrf: Nmrf
    stages: Stages
    routing: Routing
    reminders: Reminders

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        errors: list[InitErrorDetails] = []
        if not is_country_code(self.country):
            errors.append(
                field_error(
                    ("country",),
                    "must be an upper-case ISO 3166-1 alpha-2 code, e.g. KE",
                    self.country,
                )
            )
        ProfileChecker(self, errors).run()
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    # ------------------------------------------------------------- helpers

    def organisation(self, code: str) -> Organisation:
        """The organisation with this code; ``KeyError`` naming the code if there is none."""
        try:
            return self._orgs[code]
        except KeyError:
            raise KeyError(f"no organisation {code!r} in the {self.country} profile") from None

    def organisations_of_kind(self, kind: OrgKind) -> list[Organisation]:
        """All organisations of one kind, in profile order."""
        return [o for o in self.organisations if o.kind == kind]

    @property
    def decided_by(self) -> str:
        """Who decides positions: ``stages.decisions.decided_by`` or the NMRF's authority."""
        return self.stages.decisions.decided_by or self.nmrf.decision_authority

    def enabled_stages(self) -> list[Stage]:
        """The stages this profile runs, in process order."""
        return [s for s in STAGE_ORDER if self.stages.get(s).enabled]

    def stage_window(self, stage: Stage | str, review_date: date) -> tuple[date, date]:
        """The dates a stage opens and closes for a given review date (disabled ones too)."""
        block = self.stages.get(stage)
        opens = review_date + timedelta(days=block.opens_at_days)
        return opens, opens + timedelta(days=block.duration_days)

    def key_dates(self, review_date: date) -> dict[str, date]:
        """The cycle's fixed deadlines for a review date, by name."""

        def at(days: int) -> date:
            return review_date + timedelta(days=days)

        s = self.stages
        return {
            "consultation_opens": at(s.consultation.opens_at_days),
            "submissions_due": at(s.consultation.submissions_due_days),
            "report_due": at(s.validation.report_due_days),
            "review": review_date,
            "addendum_due": at(s.decisions.addendum_due_days),
            "adoption": at(s.decisions.adoption_days),
            "plans_due": at(s.follow_up.plans_due_days),
            "midterm_due": add_months(review_date, s.midterm.due_months_after_review),
        }

    def route(self, themes: Iterable[str]) -> RoutingDecision:
        """Route a recommendation by its themes: the first rule with a matching theme wins.

        Themes compare case-insensitively after :func:`normalise_theme`. With no match the
        recommendation goes to ``routing.triage`` with no supporting bodies.
        """
        wanted = {normalise_theme(t) for t in themes}
        for index, rule_themes in enumerate(self._rule_themes):
            if wanted & rule_themes:
                rule = self.routing.rules[index]
                return RoutingDecision(
                    lead=rule.lead, supporting=rule.supporting, matched_rule_index=index
                )
        return RoutingDecision(lead=self.routing.triage)

    def cluster(self, themes: Iterable[str]) -> str | None:
        """The implementation-matrix cluster of a recommendation (first match), if any."""
        wanted = {normalise_theme(t) for t in themes}
        for c in self.stages.follow_up.matrix_clusters:
            if wanted & {normalise_theme(t) for t in c.themes}:
                return c.name
        return None

    def digest(self) -> str:
        """A sha256 of the profile's canonical JSON: identifies the exact profile a cycle used."""
        payload = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    # ------------------------------------------------------------- caches (derived, pure)

    @cached_property
    def _orgs(self) -> dict[str, Organisation]:
        return {o.code: o for o in self.organisations}

    @cached_property
    def _rule_themes(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(normalise_theme(t) for t in r.themes) for r in self.routing.rules)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
