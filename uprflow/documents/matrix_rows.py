"""The implementation matrix as data: one row per recommendation, folded from the events.

Pure: takes envelopes (in position order, already cut at the wanted instant), returns rows.
The cycle fold (:func:`domain.fold.fold`) gives each recommendation's position, routing and
latest government status; the fold keeps only counts of plans, progress reports and
assessments, so their texts are read from the events here (``ImplementationPlanned``,
``ProgressReported``, ``AssessmentFiled``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.fold import fold
from uprflow.domain.state import CycleState

#: The statuses of the follow-up, from furthest to least advanced (chart and summary order).
STATUSES: tuple[str, ...] = (
    "implemented",
    "partially_implemented",
    "in_progress",
    "not_started",
)
STATUS_LABELS: dict[str, str] = {
    "implemented": "Implemented",
    "partially_implemented": "Partially implemented",
    "in_progress": "In progress",
    "not_started": "Not started",
}
POSITION_LABELS: dict[str, str] = {
    "supported": "Supported",
    "noted": "Noted",
    "supported_in_part": "Supported in part",
}
#: Length at which a recommendation's text is shortened in a report's table.
SHORT_TEXT = 180
#: Cluster of a recommendation without themes (when clustering by first theme).
UNCLASSIFIED = "Unclassified"
#: Cluster of a recommendation matching none of the profile's clusters.
OTHER_CLUSTER = "Other"
#: Assessor kinds shown in the CSO column.
CSO_KINDS = frozenset({"cso", "coalition"})


@dataclass(frozen=True)
class Progress:
    """One government progress report."""

    period_end: date
    status: str
    summary: str
    reporter_org: str


@dataclass(frozen=True)
class Assessment:
    """One independent assessment (NHRI or CSO)."""

    assessor_org: str
    assessor_kind: str
    status: str
    text: str
    filed_on: date


@dataclass(frozen=True)
class Plan:
    """The implementation plan of a supported recommendation."""

    plan_id: str
    actions: tuple[str, ...]
    indicators: tuple[str, ...]
    responsible_body: str
    partners: tuple[str, ...]
    starts_on: date
    ends_on: date
    sdg_targets: tuple[str, ...]
    nap_link: str | None


@dataclass(frozen=True)
class MatrixRow:
    """One recommendation with its implementation columns."""

    recommendation_id: str
    paragraph: str
    text: str
    recommending_states: tuple[str, ...]
    position: str | None
    noted_by_default: bool
    themes: tuple[str, ...]
    affected_persons: tuple[str, ...]
    sdgs: tuple[str, ...]
    cluster: str
    lead_ministry: str | None
    supporting: tuple[str, ...]
    plan: Plan | None
    status: str | None
    progress: tuple[Progress, ...]
    nhri: Assessment | None
    cso: tuple[Assessment, ...]

    @property
    def supported(self) -> bool:
        """Supported wholly or in part (the recommendations the follow-up covers)."""
        return self.position in ("supported", "supported_in_part")

    @property
    def last_progress(self) -> Progress | None:
        return self.progress[-1] if self.progress else None

    @property
    def effective_status(self) -> str | None:
        """The government's status; a supported recommendation without report: not started."""
        if self.status is not None:
            return self.status
        return "not_started" if self.supported else None


@dataclass(frozen=True)
class Matrix:
    """The whole matrix of a cycle as of an instant."""

    cycle_id: str
    country: str | None
    cycle_number: int | None
    review_date: date | None
    outcome_adopted_on: date | None
    as_of: datetime | None
    rows: tuple[MatrixRow, ...]
    plans: int
    progress_reports: int
    assessments: int
    events: int
    clusters: tuple[str, ...] = field(default=())

    def by_position(self) -> Counter[str]:
        return Counter(r.position or "undecided" for r in self.rows)

    def by_status(self) -> Counter[str]:
        """Government status of the supported recommendations (none reported: not started)."""
        return Counter(r.effective_status or "not_started" for r in self.rows if r.supported)


def _fallback_cluster(themes: Sequence[str]) -> str:
    return themes[0] if themes else UNCLASSIFIED


def build_matrix(
    envelopes: Iterable[EventEnvelope],
    cycle_id: str,
    *,
    as_of: datetime | None = None,
    cluster_of: Callable[[Sequence[str]], str | None] | None = None,
) -> Matrix:
    """Fold ``envelopes`` of ``cycle_id`` into matrix rows, sorted by cluster then id.

    ``cluster_of`` is the profile's cluster function (``Profile.cluster``) when the profile
    has matrix clusters (a recommendation matching none goes to "Other"); without it a
    recommendation is clustered by its first theme.
    """
    envs = [e for e in envelopes if e.cycle_id == cycle_id]
    state: CycleState = fold(envs, cycle_id)
    plans: dict[str, Plan] = {}
    progress: dict[str, list[Progress]] = {}
    nhri: dict[str, Assessment] = {}
    cso: dict[str, dict[str, Assessment]] = {}
    n_progress = n_assess = 0
    for env in envs:
        p = env.payload
        if env.event_type == "ImplementationPlanned":
            plans[p["recommendation_id"]] = Plan(
                plan_id=p["plan_id"],
                actions=tuple(p.get("actions", ())),
                indicators=tuple(p.get("indicators", ())),
                responsible_body=p["responsible_body"],
                partners=tuple(p.get("partners", ())),
                starts_on=date.fromisoformat(p["starts_on"]),
                ends_on=date.fromisoformat(p["ends_on"]),
                sdg_targets=tuple(p.get("sdg_targets", ())),
                nap_link=p.get("nap_link"),
            )
        elif env.event_type == "ProgressReported":
            n_progress += 1
            progress.setdefault(p["recommendation_id"], []).append(
                Progress(
                    period_end=date.fromisoformat(p["period_end"]),
                    status=p["status"],
                    summary=p["summary"],
                    reporter_org=p["reporter_org"],
                )
            )
        elif env.event_type == "AssessmentFiled":
            n_assess += 1
            a = Assessment(
                assessor_org=p["assessor_org"],
                assessor_kind=p["assessor_kind"],
                status=p["status"],
                text=p["text"],
                filed_on=env.occurred_at.date(),
            )
            rec = p["recommendation_id"]
            if a.assessor_kind == "nhri":
                nhri[rec] = a  # the latest
            elif a.assessor_kind in CSO_KINDS:
                cso.setdefault(rec, {})[a.assessor_org] = a  # the latest per organisation

    rows: list[MatrixRow] = []
    for rec_id, r in state.recommendations.items():
        if cluster_of is not None:
            cluster = cluster_of(r.themes) or OTHER_CLUSTER
        else:
            cluster = _fallback_cluster(r.themes)
        reports = sorted(progress.get(rec_id, []), key=lambda x: x.period_end)
        rows.append(
            MatrixRow(
                recommendation_id=rec_id,
                paragraph=r.source_paragraph,
                text=r.text,
                recommending_states=r.recommending_states,
                position=r.position.value if r.position is not None else None,
                noted_by_default=r.noted_by_default,
                themes=r.themes,
                affected_persons=r.affected_persons,
                sdgs=r.sdgs,
                cluster=cluster,
                lead_ministry=r.lead_ministry,
                supporting=r.supporting,
                plan=plans.get(rec_id),
                status=(
                    r.implementation_status.value if r.implementation_status is not None else None
                ),
                progress=tuple(reports),
                nhri=nhri.get(rec_id),
                cso=tuple(sorted(cso.get(rec_id, {}).values(), key=lambda a: a.assessor_org)),
            )
        )
    rows.sort(key=lambda x: (x.cluster.casefold(), x.recommendation_id))
    clusters = tuple(dict.fromkeys(r.cluster for r in rows))
    return Matrix(
        cycle_id=cycle_id,
        country=state.country,
        cycle_number=state.cycle_number,
        review_date=state.review_date,
        outcome_adopted_on=state.outcome_adopted_on,
        as_of=as_of,
        rows=tuple(rows),
        plans=len(plans),
        progress_reports=n_progress,
        assessments=n_assess,
        events=len(envs),
        clusters=clusters,
    )


# ------------------------------------------------------------------ flat columns


def _join(values: Iterable[str], sep: str = "; ") -> str:
    return sep.join(v for v in values if v)


def position_label(row: MatrixRow) -> str:
    if row.position is None:
        return "Pending"
    label = POSITION_LABELS.get(row.position, row.position)
    return f"{label} (by default)" if row.noted_by_default else label


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """``text`` on one line, cut with an ellipsis at ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status, status) if status else ""


def progress_text(p: Progress | None) -> str:
    return f"{p.period_end.isoformat()}: {p.summary}" if p else ""


def assessment_text(a: Assessment | None, *, with_org: bool = False) -> str:
    if a is None:
        return ""
    head = f"{a.assessor_org} - " if with_org else ""
    return f"{head}{status_label(a.status)}: {a.text}"


def cso_text(row: MatrixRow) -> str:
    return "\n".join(assessment_text(a, with_org=True) for a in row.cso)


#: The matrix columns: header and width (characters) for the spreadsheet.
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Cluster", 22),
    ("Recommendation ID", 14),
    ("Paragraph", 18),
    ("Recommendation", 60),
    ("Recommending State(s)", 20),
    ("Position", 12),
    ("Themes", 28),
    ("Groups of persons", 22),
    ("SDGs", 12),
    ("Lead ministry", 12),
    ("Supporting", 14),
    ("Responsible body", 12),
    ("Action", 40),
    ("Indicators", 28),
    ("Partners", 18),
    ("Timeframe", 14),
    ("SDG targets", 10),
    ("NAP link", 20),
    ("Status", 14),
    ("Last progress period", 12),
    ("Last progress", 40),
    ("NHRI assessment status", 14),
    ("NHRI assessment", 40),
    ("CSO assessment", 45),
)
HEADERS: tuple[str, ...] = tuple(h for h, _ in COLUMNS)


def row_values(row: MatrixRow) -> list[str]:
    """The row's cells in :data:`COLUMNS` order, as text."""
    plan = row.plan
    last = row.last_progress
    return [
        row.cluster,
        row.recommendation_id,
        row.paragraph,
        row.text,
        _join(row.recommending_states),
        position_label(row),
        _join(row.themes),
        _join(row.affected_persons),
        _join(row.sdgs),
        row.lead_ministry or "",
        _join(row.supporting),
        plan.responsible_body if plan else "",
        _join(plan.actions, "\n") if plan else "",
        _join(plan.indicators, "\n") if plan else "",
        _join(plan.partners) if plan else "",
        f"{plan.starts_on.isoformat()} to {plan.ends_on.isoformat()}" if plan else "",
        _join(plan.sdg_targets) if plan else "",
        (plan.nap_link or "") if plan else "",
        status_label(row.status),
        last.period_end.isoformat() if last else "",
        last.summary if last else "",
        status_label(row.nhri.status) if row.nhri else "",
        row.nhri.text if row.nhri else "",
        cso_text(row),
    ]
