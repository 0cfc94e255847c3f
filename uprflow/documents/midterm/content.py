"""The mid-term report's content, gathered from the ledger as of an instant: title, cycle and
dates, summary counts, implementation status by theme (and its chart), a progress line per
supported recommendation, and where the independent assessments see less progress than the
government reports. The renderers (:mod:`.render_docx`, :mod:`.render_html`) only lay it out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from uprflow.documents.matrix import load_matrix
from uprflow.documents.matrix_rows import (
    POSITION_LABELS,
    STATUS_LABELS,
    STATUSES,
    Matrix,
    MatrixRow,
    assessment_text,
    shorten,
    status_label,
)
from uprflow.documents.midterm.chart import status_chart

#: Themes shown in the chart (the most frequent among supported recommendations).
TOP_THEMES = 10
_RANK = {s: i for i, s in enumerate(reversed(STATUSES))}  # not_started 0 ... implemented 3


@dataclass(frozen=True)
class ProgressLine:
    """One row of the progress table."""

    recommendation_id: str
    text: str
    lead_ministry: str
    government_status: str
    last_progress: str
    nhri: str
    cso: tuple[str, ...]


@dataclass(frozen=True)
class MidtermReport:
    """Everything the mid-term report shows, as of one instant."""

    matrix: Matrix
    as_of: datetime
    summary: tuple[tuple[str, int], ...]
    themes: tuple[tuple[str, Counter[str]], ...]
    lines: tuple[ProgressLine, ...]
    divergent: tuple[str, ...]
    chart_png: bytes
    chart_alt: str

    @property
    def title(self) -> str:
        country = self.matrix.country or ""
        return f"Mid-term report on the implementation of UPR recommendations {country}".strip()

    @property
    def subtitle(self) -> str:
        return f"{self.matrix.cycle_id}, as of {self.as_of.date().isoformat()}"

    @property
    def facts(self) -> tuple[tuple[str, str], ...]:
        m = self.matrix
        return (
            ("Cycle", m.cycle_id + (f" (cycle {m.cycle_number})" if m.cycle_number else "")),
            ("Country", m.country or ""),
            ("Working Group review", m.review_date.isoformat() if m.review_date else "not yet"),
            (
                "Outcome adopted",
                m.outcome_adopted_on.isoformat() if m.outcome_adopted_on else "not yet",
            ),
            ("Data as of", self.as_of.isoformat(timespec="seconds")),
            ("Ledger events", str(m.events)),
        )


def _line(row: MatrixRow) -> ProgressLine:
    last = row.last_progress
    return ProgressLine(
        recommendation_id=row.recommendation_id,
        text=shorten(row.text),
        lead_ministry=row.lead_ministry or "",
        government_status=status_label(row.effective_status),
        last_progress=f"{last.period_end.isoformat()}: {last.summary}" if last else "no report",
        nhri=assessment_text(row.nhri, with_org=True) or "no assessment",
        cso=tuple(assessment_text(a, with_org=True) for a in row.cso) or ("no assessment",),
    )


def build_midterm(matrix: Matrix, as_of: datetime) -> MidtermReport:
    """The report's content from the matrix (pure apart from drawing the chart)."""
    rows = matrix.rows
    covered = [r for r in rows if r.supported]
    by_pos = matrix.by_position()
    by_status = matrix.by_status()
    assessments = Counter(
        "nhri" if a.assessor_kind == "nhri" else "cso"
        for r in rows
        for a in ((r.nhri,) if r.nhri else ()) + r.cso
    )
    summary: list[tuple[str, int]] = [("Recommendations", len(rows))]
    for key in POSITION_LABELS:
        summary.append((POSITION_LABELS[key], by_pos[key]))
    if by_pos["undecided"]:
        summary.append(("Position pending", by_pos["undecided"]))
    summary += [
        ("Implementation plans", matrix.plans),
        ("Progress reports", matrix.progress_reports),
        *((STATUS_LABELS[s], by_status[s]) for s in STATUSES),
        ("Recommendations assessed by the NHRI", assessments["nhri"]),
        ("Assessments by CSOs (latest per organisation)", assessments["cso"]),
    ]
    theme_counts: dict[str, Counter[str]] = {}
    for r in covered:
        for theme in r.themes:
            theme_counts.setdefault(theme, Counter())[r.effective_status or "not_started"] += 1
    top = sorted(theme_counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:TOP_THEMES]
    divergent = tuple(
        r.recommendation_id
        for r in covered
        if r.effective_status is not None
        and any(
            _RANK.get(a.status, 0) < _RANK.get(r.effective_status, 0)
            for a in ((r.nhri,) if r.nhri else ()) + r.cso
        )
    )
    alt = (
        f"Stacked bar chart of the implementation status of the supported recommendations in "
        f"the {len(top)} most frequent themes as of {as_of.date().isoformat()}. "
        + "; ".join(
            f"{theme}: " + ", ".join(f"{c[s]} {STATUS_LABELS[s].lower()}" for s in STATUSES if c[s])
            for theme, c in top
        )
        if top
        else "No supported recommendation with a theme as of this date."
    )
    return MidtermReport(
        matrix=matrix,
        as_of=as_of,
        summary=tuple(summary),
        themes=tuple(top),
        lines=tuple(_line(r) for r in covered),
        divergent=divergent,
        chart_png=status_chart(top, "png"),
        chart_alt=alt,
    )


def load_midterm(bind: Engine | str, cycle_id: str, as_of: datetime) -> MidtermReport:
    """The mid-term report of ``cycle_id`` from the ledger as of ``as_of`` (business time)."""
    return build_midterm(load_matrix(bind, cycle_id, as_of), as_of)
