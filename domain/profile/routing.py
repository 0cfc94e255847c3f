"""Routing: which ministry leads a recommendation, decided from its themes."""

from __future__ import annotations

from pydantic import Field, model_validator

from uprflow.domain.profile.base import FrozenModel, fail_at
from uprflow.domain.profile.organisations import OrgCode
from uprflow.domain.profile.themes import normalise_theme


class RoutingRule(FrozenModel):
    """If any of a recommendation's themes is in ``themes``, ``lead`` leads it."""

    themes: tuple[str, ...] = Field(min_length=1)
    lead: OrgCode
    supporting: tuple[OrgCode, ...] = ()

    @model_validator(mode="after")
    def _lead_not_supporting(self) -> RoutingRule:
        if self.lead in self.supporting:
            fail_at(
                ("supporting",), f"must not repeat the lead '{self.lead}'", list(self.supporting)
            )
        for i, theme in enumerate(self.themes):
            if not normalise_theme(theme):
                fail_at(("themes", i), "must not be blank", theme)
        return self


class Routing(FrozenModel):
    """Ordered rules, first match wins; what no rule matches goes to ``triage``."""

    rules: tuple[RoutingRule, ...] = ()
    triage: OrgCode


class RoutingDecision(FrozenModel):
    """Where a recommendation goes: its lead, supporting bodies and the rule that matched."""

    lead: OrgCode
    supporting: tuple[OrgCode, ...] = ()
    matched_rule_index: int | None = Field(None, description="None: no rule matched (triage)")
