"""The national profile: how one country runs its UPR cycle (DESIGN §2).

A profile says which stages run, when (offsets in days relative to the Working Group review
date, negative = before the review), who the organisations are, how recommendations are
routed from their themes to a lead ministry, who approves and decides, and the reminder and
escalation policy. Shipped profiles live in ``profiles/*.yaml``; :mod:`uprflow.profiles`
reads the files (the I/O) and validates their content with :class:`Profile`.

Pure on purpose: only the standard library and pydantic, no I/O and no clock, because the
cycle workflow imports this package inside the Temporal sandbox. Every model is frozen and
forbids unknown keys, so a misspelt key in a profile file is an error, not a silent default.
Cross-field rules (references between organisations, the order of the deadlines) are checked
once, on the whole :class:`Profile`, and every error names its field by its dotted path.

Modules: :mod:`~.organisations` (organisations, the NMRF), :mod:`~.stages` (each stage's
window and settings), :mod:`~.routing`, :mod:`~.reminders`, :mod:`~.model` (the
:class:`Profile`), :mod:`~.checks` (the whole-profile checks), :mod:`~.countries`,
:mod:`~.themes` and :mod:`~.base`. The names below are the profile's public vocabulary.
"""

from uprflow.domain.profile.countries import is_country_code
from uprflow.domain.profile.model import Profile, add_months
from uprflow.domain.profile.organisations import Nmrf, Organisation, OrgCode, OrgKind
from uprflow.domain.profile.reminders import Reminders
from uprflow.domain.profile.routing import Routing, RoutingDecision, RoutingRule
from uprflow.domain.profile.stages import (
    ROLES,
    STAGE_ORDER,
    ConsultationSettings,
    DecisionsSettings,
    DraftCirculationSettings,
    FollowUpSettings,
    Hearing,
    MatrixCluster,
    MidtermSettings,
    ParliamentaryReviewSettings,
    ParliamentDocument,
    PlanField,
    ReviewSettings,
    Role,
    Stages,
    StageSettings,
    ValidationSettings,
)
from uprflow.domain.profile.themes import normalise_theme

__all__ = [
    "ROLES",
    "STAGE_ORDER",
    "ConsultationSettings",
    "DecisionsSettings",
    "DraftCirculationSettings",
    "FollowUpSettings",
    "Hearing",
    "MatrixCluster",
    "MidtermSettings",
    "Nmrf",
    "OrgCode",
    "OrgKind",
    "Organisation",
    "ParliamentDocument",
    "ParliamentaryReviewSettings",
    "PlanField",
    "Profile",
    "Reminders",
    "ReviewSettings",
    "Role",
    "Routing",
    "RoutingDecision",
    "RoutingRule",
    "StageSettings",
    "Stages",
    "ValidationSettings",
    "add_months",
    "is_country_code",
    "normalise_theme",
]
