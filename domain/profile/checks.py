"""The whole-profile checks: references between organisations and the order of deadlines.

They run once, on the whole :class:`~uprflow.domain.profile.model.Profile`, and collect every
error (each named by its dotted path) rather than stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic_core import InitErrorDetails

from uprflow.domain.profile.base import Loc, field_error
from uprflow.domain.profile.stages import ROLES
from uprflow.domain.profile.themes import normalise_theme

if TYPE_CHECKING:
    from uprflow.domain.profile.model import Profile

# Kinds allowed for each kind of reference; "why": an overdue task escalated to a CSO
# coalition, or a recommendation led by the NHRI, would be a configuration mistake.
_GOVERNING = ("nmrf_chair", "nmrf_secretariat", "ministry", "agency")
_LEADS = ("ministry", "agency")
_SUPPORTING = ("ministry", "agency", "judiciary")
_CONTRIBUTORS = ("ministry", "agency", "judiciary", "parliament")
_PARLIAMENT = ("parliament", "parliament_committee")
_COORDINATORS = ("nhri", "cso_coalition")
_ANY: tuple[str, ...] = ()


class ProfileChecker:
    """The whole-profile checks: references between organisations and the deadline order."""

    def __init__(self, profile: Profile, errors: list[InitErrorDetails]) -> None:
        self.p = profile
        self.errors = errors
        self.kinds: dict[str, str] = {}

    def add(self, loc: Loc, message: str, value: Any) -> None:
        self.errors.append(field_error(loc, message, value))

    def run(self) -> None:
        self.organisations()
        self.references()
        self.offsets()
        self.themes()

    def organisations(self) -> None:
        for i, org in enumerate(self.p.organisations):
            if org.code in self.kinds:
                self.add(("organisations", i, "code"), f"duplicate code '{org.code}'", org.code)
            else:
                self.kinds[org.code] = org.kind

    def ref(self, loc: Loc, code: str | None, kinds: tuple[str, ...]) -> None:
        if code is None:
            return
        if code not in self.kinds:
            self.add(loc, f"unknown organisation code '{code}'", code)
        elif kinds and self.kinds[code] not in kinds:
            self.add(
                loc,
                f"'{code}' is a {self.kinds[code]}; expected one of: {', '.join(kinds)}",
                code,
            )

    def refs(self, loc: Loc, codes: Iterable[str], kinds: tuple[str, ...]) -> None:
        seen: set[str] = set()
        for i, code in enumerate(codes):
            if code in seen:
                self.add((*loc, i), f"'{code}' is listed twice", code)
            seen.add(code)
            self.ref((*loc, i), code, kinds)

    def role_or_refs(self, loc: Loc, entries: Iterable[str]) -> None:
        seen: set[str] = set()
        for i, entry in enumerate(entries):
            if entry in seen:
                self.add((*loc, i), f"'{entry}' is listed twice", entry)
            seen.add(entry)
            if entry not in ROLES and entry not in self.kinds:
                self.add(
                    (*loc, i),
                    f"'{entry}' is neither a role ({', '.join(ROLES)}) nor an organisation code",
                    entry,
                )

    def references(self) -> None:
        p, s = self.p, self.p.stages
        n = p.nmrf
        for role in ("chair", "secretariat", "decision_authority", "submitting_authority"):
            self.ref(("nmrf", role), getattr(n, role), _GOVERNING)
        self.ref(("nmrf", "escalation_to"), n.escalation_to, _GOVERNING)
        self.ref(("nmrf", "foreign_ministry"), n.foreign_ministry, ("ministry",))
        self.refs(("nmrf", "secretariat_support"), n.secretariat_support, _GOVERNING)
        self.refs(("nmrf", "members"), n.members, _ANY)

        c = ("stages", "consultation")
        for i, hearing in enumerate(s.consultation.hearings):
            self.refs((*c, "hearings", i, "partners"), hearing.partners, _ANY)
        self.refs((*c, "section_contributors"), s.consultation.section_contributors, _CONTRIBUTORS)
        self.role_or_refs(
            ("stages", "draft_circulation", "commenters"), s.draft_circulation.commenters
        )

        v = ("stages", "validation")
        self.refs((*v, "approval_chain"), s.validation.approval_chain, _GOVERNING)
        self.ref((*v, "parliament_committee"), s.validation.parliament_committee, _PARLIAMENT)

        d = ("stages", "decisions")
        self.ref((*d, "decided_by"), s.decisions.decided_by, _GOVERNING)
        if s.decisions.decided_by not in (None, n.decision_authority):
            self.add(
                (*d, "decided_by"),
                f"must match nmrf.decision_authority ('{n.decision_authority}')",
                s.decisions.decided_by,
            )

        m = ("stages", "midterm")
        self.role_or_refs((*m, "comment_round"), s.midterm.comment_round)
        self.ref(
            (*m, "joint_cso_response_coordinator"),
            s.midterm.joint_cso_response_coordinator,
            _COORDINATORS,
        )
        self.refs((*m, "approval_chain"), s.midterm.approval_chain, _GOVERNING)
        if (
            s.midterm.enabled
            and s.midterm.parliament_receives
            and not any(k in _PARLIAMENT for k in self.kinds.values())
        ):
            self.add(
                (*m, "parliament_receives"),
                "is true but no organisation is a parliament or parliament_committee",
                True,
            )

        pr = ("stages", "parliamentary_review")
        self.refs((*pr, "committees"), s.parliamentary_review.committees, _PARLIAMENT)
        if s.parliamentary_review.enabled:
            if not s.parliamentary_review.committees:
                self.add((*pr, "committees"), "must name a committee when the stage is enabled", [])
            if not s.parliamentary_review.reviews:
                self.add((*pr, "reviews"), "must name a document when the stage is enabled", [])

        for i, rule in enumerate(p.routing.rules):
            self.ref(("routing", "rules", i, "lead"), rule.lead, _LEADS)
            self.refs(("routing", "rules", i, "supporting"), rule.supporting, _SUPPORTING)
        self.ref(("routing", "triage"), p.routing.triage, _GOVERNING)
        self.ref(("reminders", "escalate_to"), p.reminders.escalate_to, _GOVERNING)

    def order(
        self, loc: Loc, earlier: int, later: int, message: str, *, strict: bool = True
    ) -> None:
        if earlier > later or (strict and earlier == later):
            self.add(loc, message, earlier)

    def offsets(self) -> None:
        s = self.p.stages
        cons, draft, val, rev, dec, fol, mid = (
            s.consultation,
            s.draft_circulation,
            s.validation,
            s.review,
            s.decisions,
            s.follow_up,
            s.midterm,
        )
        c, dc, v = (
            ("stages", "consultation"),
            ("stages", "draft_circulation"),
            ("stages", "validation"),
        )
        due = val.report_due_days
        if cons.enabled:
            self.order(
                (*c, "opens_at_days"),
                cons.opens_at_days,
                due,
                f"the consultation must open before the report is due (day {due})",
            )
            self.order(
                (*c, "submissions_due_days"),
                cons.opens_at_days,
                cons.submissions_due_days,
                f"stakeholder submissions cannot be due before the consultation opens "
                f"(day {cons.opens_at_days})",
                strict=False,
            )
            self.order(
                (*c, "submissions_due_days"),
                cons.submissions_due_days,
                due,
                f"stakeholder submissions must be due before the report (day {due})",
            )
        if draft.enabled:
            self.order(
                (*dc, "opens_at_days"),
                draft.opens_at_days,
                due,
                f"the draft must circulate before the report is due (day {due})",
            )
            if cons.enabled:
                self.order(
                    (*dc, "opens_at_days"),
                    cons.opens_at_days,
                    draft.opens_at_days,
                    f"the draft cannot circulate before the consultation opens "
                    f"(day {cons.opens_at_days})",
                )
        if val.enabled:
            self.order(
                (*v, "opens_at_days"),
                val.closes_at_days,
                due,
                f"validation must close by the report due date (day {due}); it closes on "
                f"day {val.closes_at_days}",
                strict=False,
            )
        if rev.enabled and not rev.opens_at_days <= 0 < rev.closes_at_days:
            self.add(
                ("stages", "review", "opens_at_days"),
                "the review window must contain the review date (day 0)",
                rev.opens_at_days,
            )
        d = ("stages", "decisions")
        self.order(
            (*d, "addendum_due_days"),
            dec.addendum_due_days,
            dec.adoption_days,
            f"the addendum must be due before adoption (day {dec.adoption_days})",
        )
        if dec.enabled:
            self.order(
                (*d, "opens_at_days"),
                0,
                dec.opens_at_days,
                "decisions open after the review (day 0 or later)",
                strict=False,
            )
            self.order(
                (*d, "duration_days"),
                dec.closes_at_days,
                dec.addendum_due_days,
                f"decisions must close by the addendum due date (day {dec.addendum_due_days}); "
                f"they close on day {dec.closes_at_days}",
                strict=False,
            )
        if fol.enabled:
            self.order(
                ("stages", "follow_up", "opens_at_days"),
                0,
                fol.opens_at_days,
                "follow-up opens after the review",
            )
        m = ("stages", "midterm")
        if mid.enabled:
            self.order(
                (*m, "opens_at_days"),
                dec.adoption_days,
                mid.opens_at_days,
                f"the mid-term stage must open after adoption (day {dec.adoption_days})",
            )
            self.order(
                (*m, "due_months_after_review"),
                mid.opens_at_days,
                mid.due_days_estimate,
                f"the mid-term report cannot be due before its stage opens "
                f"(day {mid.opens_at_days})",
            )

    def themes(self) -> None:
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.p.routing.rules):
            for j, theme in enumerate(rule.themes):
                key = normalise_theme(theme)
                if key in seen:
                    self.add(
                        ("routing", "rules", i, "themes", j),
                        f"theme '{theme}' is already in rule {seen[key]}, which wins; "
                        "this entry can never match",
                        theme,
                    )
                else:
                    seen[key] = i
        clusters: dict[str, int] = {}
        for i, cluster in enumerate(self.p.stages.follow_up.matrix_clusters):
            for j, theme in enumerate(cluster.themes):
                key = normalise_theme(theme)
                if key in clusters:
                    self.add(
                        ("stages", "follow_up", "matrix_clusters", i, "themes", j),
                        f"theme '{theme}' is already in cluster {clusters[key]}",
                        theme,
                    )
                else:
                    clusters[key] = i
