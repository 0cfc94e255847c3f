"""The stages a national profile configures: each one's window and settings (DESIGN §2).

Windows are offsets in days relative to the Working Group review date (negative = before the
review). Rules within one stage are checked here; rules across stages and organisations are
checked on the whole profile (:mod:`uprflow.domain.profile.checks`).
"""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

from pydantic import Field, model_validator

from uprflow.domain.profile.base import FrozenModel, fail_at
from uprflow.domain.profile.organisations import OrgCode
from uprflow.domain.values import NATIONAL_REPORT_MAX_WORDS, Stage

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


def profile_stage(stage: Stage | str) -> Stage:
    """The :class:`Stage` named, if a profile configures it; else ``ValueError``."""
    try:
        value = Stage(stage)
    except ValueError:
        value = None
    if value not in STAGE_ORDER:
        known = ", ".join(s.value for s in STAGE_ORDER)
        raise ValueError(f"{stage!r} is not a profile stage (one of: {known})")
    assert value is not None
    return value


class StageSettings(FrozenModel):
    """What every stage has: on/off and its window relative to the review date."""

    enabled: bool = True
    opens_at_days: int = Field(description="days relative to the review date; negative = before")
    duration_days: int = Field(gt=0)

    @property
    def closes_at_days(self) -> int:
        """The window's end, in days relative to the review date."""
        return self.opens_at_days + self.duration_days


class Hearing(FrozenModel):
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
            fail_at(
                ("comment_window_days",),
                f"the comment window ({self.comment_window_days} days) is longer than the "
                f"stage ({self.duration_days} days)",
                self.comment_window_days,
            )
        if self.public_comment != ("public" in self.commenters):
            fail_at(
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
            fail_at(("parliament_committee",), "is required when parliament_review is true", None)
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


class MatrixCluster(FrozenModel):
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
                fail_at(
                    ("implementation_plan_fields",),
                    f"must include '{required}' (every implementation plan has one)",
                    list(fields),
                )
        if len(set(fields)) != len(fields):
            fail_at(("implementation_plan_fields",), "lists a field twice", list(fields))
        if not self.opens_at_days <= self.plans_due_days <= self.closes_at_days:
            fail_at(
                ("plans_due_days",),
                f"must fall inside the follow-up window (day {self.opens_at_days} to "
                f"day {self.closes_at_days})",
                self.plans_due_days,
            )
        names = [c.name.casefold() for c in self.matrix_clusters]
        for i, name in enumerate(names):
            if name in names[:i]:
                fail_at(
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


class Stages(FrozenModel):
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
        name = profile_stage(stage)
        block: StageSettings = getattr(self, name.value)
        return block
