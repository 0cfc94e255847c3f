"""The national profile: how one country runs its UPR cycle (DESIGN §2).

A profile says which stages run, when (offsets in days relative to the Working Group review
date, negative = before the review), who the organisations are, how recommendations are
routed from their themes to a lead ministry, who approves and decides, and the reminder and
escalation policy. Shipped profiles live in ``profiles/*.yaml``; :mod:`uprflow.profiles`
loads them.

Pure on purpose: only the standard library and pydantic, no I/O and no clock, because the
cycle workflow imports this module inside the Temporal sandbox. Every model is frozen and
forbids unknown keys, so a misspelt key in a profile file is an error, not a silent default.
Cross-field rules (references between organisations, the order of the deadlines) are checked
once, on the whole :class:`Profile`, and every error names its field by its dotted path.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import Annotated, Any, Literal, TypeAlias, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, Stage

# ----------------------------------------------------------------- vocabulary

#: ISO 3166-1 alpha-2 codes officially assigned (249), as in the tz database's iso3166.tab.
_ISO_ALPHA2_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
_ISO_ALPHA2 = frozenset(_ISO_ALPHA2_TEXT.split())


def _is_user_assigned(code: str) -> bool:
    # ISO 3166-1 leaves AA, QM-QZ, XA-XZ and ZZ to users; the default template uses ZZ.
    return code in {"AA", "ZZ"} or (code[0] == "Q" and code[1] >= "M") or code[0] == "X"


def is_country_code(code: str) -> bool:
    """True for an upper-case ISO 3166-1 alpha-2 code (assigned, or user-assigned like ZZ)."""
    return (
        len(code) == 2
        and code.isascii()
        and code.isupper()
        and (code in _ISO_ALPHA2 or _is_user_assigned(code))
    )


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

#: Who may comment on a draft or a mid-term report, when not named by organisation code.
Role = Literal["public", "nhri", "cso", "parliament", "un_country_team"]
ROLES: tuple[str, ...] = get_args(Role)

#: Columns of the implementation plan (the follow-up matrix, DESIGN §2 step 6).
PlanField = Literal[
    "action",
    "indicators",
    "responsible_body",
    "partners",
    "timeframe",
    "sdg_targets",
    "nap_link",
]

#: What parliament reviews during the parliamentary-review stage.
ParliamentDocument = Literal["draft_report", "outcome", "midterm_report", "legislation_items"]

#: An organisation's short code: upper case, e.g. ``MFA``, ``MOJ``, ``NHRI``, ``OAG-DOJ``.
OrgCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_-]{0,19}$")]

#: The stages a profile configures, in process order (DESIGN §2). A subset of :class:`Stage`.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.CONSULTATION,
    Stage.DRAFT_CIRCULATION,
    Stage.VALIDATION,
    Stage.REVIEW,
    Stage.DECISIONS,
    Stage.FOLLOW_UP,
    Stage.MIDTERM,
    Stage.PARLIAMENTARY_REVIEW,
)
#: A stage a profile can configure (a :class:`Stage` member from :data:`STAGE_ORDER`).
StageName: TypeAlias = Stage

# Kinds allowed for each kind of reference; "why": an overdue task escalated to a CSO
# coalition, or a recommendation led by the NHRI, would be a configuration mistake.
_GOVERNING = ("nmrf_chair", "nmrf_secretariat", "ministry", "agency")
_LEADS = ("ministry", "agency")
_SUPPORTING = ("ministry", "agency", "judiciary")
_CONTRIBUTORS = ("ministry", "agency", "judiciary", "parliament")
_PARLIAMENT = ("parliament", "parliament_committee")
_COORDINATORS = ("nhri", "cso_coalition")
_ANY: tuple[str, ...] = ()


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ----------------------------------------------------------------- themes


_UHRI_CODE = re.compile(r"^[A-Z]\d{1,3}\s+")
_AMPERSAND = re.compile(r"\s*&\s*")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalise_theme(theme: str) -> str:
    """The form in which themes are compared: case-folded, UHRI code and spelling variants removed.

    Recommendation themes come from UPR Info "Issue" tags ("Women's rights") and OHCHR UHRI
    themes, which cycle 2 prefixes with a code ("B31 Equality & non-discrimination") and
    spells with "and" where cycle 3 writes "&". All of those compare equal here.
    """
    text = theme.strip().replace("\u2019", "'")
    text = _UHRI_CODE.sub("", text)
    text = _AND.sub(" & ", text)
    text = _AMPERSAND.sub(" & ", text)
    return _SPACES.sub(" ", text).strip().casefold()


# ----------------------------------------------------------------- organisations


class Organisation(_Frozen):
    """A body taking part in the cycle: ministry, NHRI, committee, coalition, ..."""

    code: OrgCode
    name: str = Field(min_length=1)
    kind: OrgKind
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    webhook_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Nmrf(_Frozen):
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


# ----------------------------------------------------------------- stages


class StageSettings(_Frozen):
    """What every stage has: on/off and its window relative to the review date."""

    enabled: bool = True
    opens_at_days: int = Field(description="days relative to the review date; negative = before")
    duration_days: int = Field(gt=0)

    @property
    def closes_at_days(self) -> int:
        """The window's end, in days relative to the review date."""
        return self.opens_at_days + self.duration_days


class Hearing(_Frozen):
    """A public hearing of the national consultation, in one city, with its co-organisers."""

    city: str = Field(min_length=1)
    partners: tuple[OrgCode, ...] = ()


class ConsultationSettings(StageSettings):
    """National consultations: hearings, stakeholder submissions, ministries' sections."""

    hearings: tuple[Hearing, ...] = ()
    submissions_due_days: int = Field(description="stakeholder submissions due, e.g. -210")
    section_contributors: tuple[OrgCode, ...] = Field(min_length=1)
    joint_submissions_allowed: bool = True


class DraftCirculationSettings(StageSettings):
    """The draft national report out for comment; comments are routed to ministries."""

    comment_window_days: int = Field(gt=0)
    public_comment: bool
    commenters: tuple[str, ...] = Field(
        min_length=1, description="roles (public, nhri, cso, ...) or organisation codes"
    )
    comment_answer_days: int = Field(gt=0, description="time a ministry has to answer a comment")

    @model_validator(mode="after")
    def _window_fits(self) -> DraftCirculationSettings:
        if self.comment_window_days > self.duration_days:
            _fail(
                ("comment_window_days",),
                f"the comment window ({self.comment_window_days} days) is longer than the "
                f"stage ({self.duration_days} days)",
                self.comment_window_days,
            )
        if self.public_comment != ("public" in self.commenters):
            _fail(
                ("commenters",),
                "must include 'public' exactly when public_comment is true",
                list(self.commenters),
            )
        return self


class ValidationSettings(StageSettings):
    """Approval of the national report and its submission before the due date."""

    contributors_approve: bool = Field(
        True, description="the contributing ministries approve before the approval chain"
    )
    approval_chain: tuple[OrgCode, ...] = Field(min_length=1)
    parliament_review: bool = False
    parliament_committee: OrgCode | None = None
    parliament_plenary: bool = Field(False, description="the plenary discusses it (Georgia)")
    report_due_days: int = Field(lt=0, description="report due, e.g. -84 (12 weeks before)")
    max_words: int = Field(NATIONAL_REPORT_MAX_WORDS, gt=0, le=NATIONAL_REPORT_MAX_WORDS)

    @model_validator(mode="after")
    def _committee_named(self) -> ValidationSettings:
        if self.parliament_review and self.parliament_committee is None:
            _fail(("parliament_committee",), "is required when parliament_review is true", None)
        return self


class ReviewSettings(StageSettings):
    """The interactive dialogue in Geneva; the draft recommendations follow."""

    recommendations_expected_within_hours: int = Field(48, gt=0)


class DecisionsSettings(StageSettings):
    """Supported/noted positions: proposed, assessed, decided; addendum; adoption."""

    proposers: Literal["lead_ministry"] = "lead_ministry"
    noted_requires_justification: bool = True
    foreign_policy_assessment: bool = Field(
        True, description="nmrf.foreign_ministry assesses positions against foreign policy"
    )
    public_comment_on_responses: bool = Field(
        False, description="the draft responses are published for comment (New Zealand)"
    )
    decided_by: OrgCode | None = Field(None, description="default: nmrf.decision_authority")
    addendum_due_days: int = Field(gt=0, description="addendum due, e.g. +60")
    adoption_days: int = Field(gt=0, description="HRC plenary adopts the outcome, e.g. +120")


class MatrixCluster(_Frozen):
    """A thematic area of the implementation matrix (Kenya's four areas)."""

    name: str = Field(min_length=1)
    themes: tuple[str, ...] = Field(min_length=1)


class FollowUpSettings(StageSettings):
    """Implementation plans, progress reports, consultations and independent assessments."""

    progress_cadence_months: int = Field(gt=0)
    plans_due_days: int = Field(description="implementation plans due, relative to review")
    implementation_plan_fields: tuple[PlanField, ...] = Field(min_length=1)
    matrix_clusters: tuple[MatrixCluster, ...] = ()
    multi_stakeholder_consultations_per_year: int = Field(ge=0)
    nhri_assessment: bool = True
    cso_assessment: bool = True
    assessments_cover_noted: bool = Field(
        True, description="independent assessments cover noted recommendations too"
    )

    @model_validator(mode="after")
    def _plan_shape(self) -> FollowUpSettings:
        fields = self.implementation_plan_fields
        for required in ("action", "responsible_body"):
            if required not in fields:
                _fail(
                    ("implementation_plan_fields",),
                    f"must include '{required}' (every implementation plan has one)",
                    list(fields),
                )
        if len(set(fields)) != len(fields):
            _fail(("implementation_plan_fields",), "lists a field twice", list(fields))
        if not self.opens_at_days <= self.plans_due_days <= self.closes_at_days:
            _fail(
                ("plans_due_days",),
                f"must fall inside the follow-up window (day {self.opens_at_days} to "
                f"day {self.closes_at_days})",
                self.plans_due_days,
            )
        names = [c.name.casefold() for c in self.matrix_clusters]
        for i, name in enumerate(names):
            if name in names[:i]:
                _fail(
                    ("matrix_clusters", i, "name"), "is listed twice", self.matrix_clusters[i].name
                )
        return self


class MidtermSettings(StageSettings):
    """The voluntary mid-term report: compiled, commented, approved, submitted."""

    due_months_after_review: int = Field(ge=6, le=54, description="typically 24-30")
    comment_round: tuple[str, ...] = Field(
        (), description="roles (nhri, cso, ...) or organisation codes that comment on the draft"
    )
    comment_window_days: int = Field(30, gt=0)
    joint_cso_response_coordinator: OrgCode | None = Field(
        None, description="coordinates one joint CSO response (Morocco: the CNDH)"
    )
    approval_chain: tuple[OrgCode, ...] = Field(min_length=1)
    parliament_receives: bool = False

    @property
    def due_days_estimate(self) -> int:
        """The due date in days after review, averaging month lengths (for validation)."""
        return round(self.due_months_after_review * 365.25 / 12)


class ParliamentaryReviewSettings(StageSettings):
    """Parliament's committees review documents and recommendations needing law or budget."""

    committees: tuple[OrgCode, ...] = ()
    reviews: tuple[ParliamentDocument, ...] = ()


class Stages(_Frozen):
    """One block per stage, each required so a profile states every stage explicitly."""

    consultation: ConsultationSettings
    draft_circulation: DraftCirculationSettings
    validation: ValidationSettings
    review: ReviewSettings
    decisions: DecisionsSettings
    follow_up: FollowUpSettings
    midterm: MidtermSettings
    parliamentary_review: ParliamentaryReviewSettings

    def get(self, stage: Stage | str) -> StageSettings:
        """The block of a stage; ``ValueError`` for a stage a profile does not configure."""
        name = _stage(stage)
        block: StageSettings = getattr(self, name.value)
        return block


# ----------------------------------------------------------------- routing and reminders


class RoutingRule(_Frozen):
    """If any of a recommendation's themes is in ``themes``, ``lead`` leads it."""

    themes: tuple[str, ...] = Field(min_length=1)
    lead: OrgCode
    supporting: tuple[OrgCode, ...] = ()

    @model_validator(mode="after")
    def _lead_not_supporting(self) -> RoutingRule:
        if self.lead in self.supporting:
            _fail(("supporting",), f"must not repeat the lead '{self.lead}'", list(self.supporting))
        for i, theme in enumerate(self.themes):
            if not normalise_theme(theme):
                _fail(("themes", i), "must not be blank", theme)
        return self


class Routing(_Frozen):
    """Ordered rules, first match wins; what no rule matches goes to ``triage``."""

    rules: tuple[RoutingRule, ...] = ()
    triage: OrgCode


class RoutingDecision(_Frozen):
    """Where a recommendation goes: its lead, supporting bodies and the rule that matched."""

    lead: OrgCode
    supporting: tuple[OrgCode, ...] = ()
    matched_rule_index: int | None = Field(None, description="None: no rule matched (triage)")


class Reminders(_Frozen):
    """Reminder and escalation policy for every task."""

    before_due_days: tuple[Annotated[int, Field(gt=0)], ...] = (7, 1)
    on_due: bool = True
    escalate_after_days: int = Field(ge=0, description="grace after the due date")
    escalate_to: OrgCode
    repeat_escalation_every_days: int = Field(gt=0)

    @model_validator(mode="after")
    def _distinct(self) -> Reminders:
        if len(set(self.before_due_days)) != len(self.before_due_days):
            _fail(("before_due_days",), "lists a day twice", list(self.before_due_days))
        return self


# ----------------------------------------------------------------- the profile


class Profile(_Frozen):
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
                _error(
                    ("country",),
                    "must be an upper-case ISO 3166-1 alpha-2 code, e.g. KE",
                    self.country,
                )
            )
        _Checker(self, errors).run()
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


# ----------------------------------------------------------------- validation internals

Loc = tuple[str | int, ...]


def _stage(stage: Stage | str) -> Stage:
    try:
        value = Stage(stage)
    except ValueError:
        value = None
    if value not in STAGE_ORDER:
        known = ", ".join(s.value for s in STAGE_ORDER)
        raise ValueError(f"{stage!r} is not a profile stage (one of: {known})")
    assert value is not None
    return value


def _error(loc: Loc, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("profile", message), loc=loc, input=value)


def _fail(loc: Loc, message: str, value: Any) -> None:
    # Why not ValueError: a model validator's ValueError carries no location, and the file's
    # author needs the exact field (e.g. stages.validation.parliament_committee).
    raise ValidationError.from_exception_data("profile", [_error(loc, message, value)])


class _Checker:
    """The whole-profile checks: references between organisations and the deadline order."""

    def __init__(self, profile: Profile, errors: list[InitErrorDetails]) -> None:
        self.p = profile
        self.errors = errors
        self.kinds: dict[str, str] = {}

    def add(self, loc: Loc, message: str, value: Any) -> None:
        self.errors.append(_error(loc, message, value))

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
