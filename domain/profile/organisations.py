"""The organisations of a national profile and the NMRF's roles among them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from uprflow.domain.profile.base import FrozenModel

OrgKind = Literal[
    "nmrf_chair",
    "nmrf_secretariat",
    "ministry",
    "agency",
    "nhri",
    "parliament",
    "parliament_committee",
    "cso_coalition",
    "un_country_team",
    "judiciary",
    "academia",
]
"""What an organisation is. ``academia`` (universities) is here because Denmark prepares its
hearings with universities (study §30)."""


#: An organisation's short code: upper case, e.g. ``MFA``, ``MOJ``, ``NHRI``, ``OAG-DOJ``.
OrgCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_-]{0,19}$")]


class Organisation(FrozenModel):
    """A body taking part in the cycle: ministry, NHRI, committee, coalition, ..."""

    code: OrgCode
    name: str = Field(min_length=1)
    kind: OrgKind
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    webhook_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Nmrf(FrozenModel):
    """The National Mechanism for Reporting and Follow-up and who holds each of its roles.

    Every role is an organisation code. ``decision_authority`` takes the final
    supported/noted decision; ``submitting_authority`` sends reports to Geneva;
    ``escalation_to`` receives overdue tasks (normally the chair).
    """

    name: str = Field(min_length=1)
    chair: OrgCode
    secretariat: OrgCode
    secretariat_support: tuple[OrgCode, ...] = Field(
        (), description="bodies that support the secretariat (Kenya: MFA with the AG's office)"
    )
    members: tuple[OrgCode, ...] = Field((), description="permanent members")
    meetings_per_year: int | None = Field(None, gt=0)
    foreign_ministry: OrgCode
    decision_authority: OrgCode
    submitting_authority: OrgCode
    escalation_to: OrgCode
