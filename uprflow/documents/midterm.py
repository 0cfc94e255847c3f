"""The mid-term report: DOCX (python-docx) and HTML (jinja2), built from the ledger as of a date.

Contents: title, cycle and dates, summary counts, implementation status by theme as a stacked
bar chart (matplotlib, Agg; PNG in the DOCX, a PNG data URI with alt text and the same figures
as a table in the HTML), a per-recommendation progress table of the supported recommendations
with the government's status and last progress beside the NHRI's and the CSOs' assessments,
and where the independent assessments see less progress than the government reports.
"""

from __future__ import annotations

import base64
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import matplotlib

matplotlib.use("Agg")

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table
from jinja2 import Environment, select_autoescape
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sqlalchemy.engine import Engine

from uprflow.documents.matrix import load_matrix
from uprflow.documents.matrix_rows import (
    POSITION_LABELS,
    STATUS_LABELS,
    STATUSES,
    Matrix,
    MatrixRow,
    assessment_text,
    status_label,
)

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_MEDIA_TYPE = "text/html; charset=utf-8"

#: Themes shown in the chart (the most frequent among supported recommendations).
TOP_THEMES = 10
#: Length at which a recommendation's text is shortened in the progress table.
SHORT_TEXT = 180
#: Colour-blind-safe colours per status (Okabe-Ito), in :data:`STATUSES` order.
STATUS_COLOURS = {
    "implemented": "#009E73",
    "partially_implemented": "#56B4E9",
    "in_progress": "#E69F00",
    "not_started": "#999999",
}
_RANK = {s: i for i, s in enumerate(reversed(STATUSES))}  # not_started 0 ... implemented 3


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


# ------------------------------------------------------------------ chart


def status_chart(themes: tuple[tuple[str, Counter[str]], ...] | list, fmt: str = "png") -> bytes:
    """A horizontal stacked bar chart: status counts per theme (top theme on top)."""
    height = 1.2 + 0.42 * max(len(themes), 1)
    fig = Figure(figsize=(8, height), dpi=150)
    ax = fig.add_subplot()
    if not themes:
        ax.text(0.5, 0.5, "No supported recommendations yet", ha="center", va="center")
        ax.set_axis_off()
    else:
        names = [shorten(t, 40) for t, _ in themes][::-1]
        left = [0] * len(themes)
        for status in STATUSES:
            values = [c[status] for _, c in themes][::-1]
            ax.barh(
                names,
                values,
                left=left,
                color=STATUS_COLOURS[status],
                label=STATUS_LABELS[status],
                edgecolor="white",
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel("Supported recommendations")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        ax.set_title("Implementation status by theme", fontsize=11)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Software": None} if fmt == "png" else {"Date": None})
    return out.getvalue()


# ------------------------------------------------------------------ DOCX


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _header(table: Table, labels: list[str]) -> None:
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(label)
        run.bold = True
    _repeat_header(table)


def _cell_lines(cell: object, lines: list[str], bold_first: bool = False) -> None:
    from docx.table import _Cell

    assert isinstance(cell, _Cell)
    cell.text = ""
    first = cell.paragraphs[0]
    for i, text in enumerate(lines):
        para = first if i == 0 else cell.add_paragraph()
        run = para.add_run(text)
        run.bold = bold_first and i == 0


def midterm_docx(report: MidtermReport) -> bytes:
    """The report as a Word document."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.8))
    doc.core_properties.title = report.title
    doc.core_properties.subject = report.subtitle

    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in report.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True

    doc.add_heading("Summary", level=1)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header(table, ["", "Count"])
    for label, count in report.summary:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(count)

    doc.add_heading("Implementation status by theme", level=1)
    doc.add_picture(io.BytesIO(report.chart_png), width=Inches(8.0))
    doc.add_paragraph().add_run(report.chart_alt).italic = True

    doc.add_heading("Progress by recommendation", level=1)
    doc.add_paragraph(
        "Supported recommendations: the government's status and last progress report beside "
        "the latest assessment of the national human rights institution (NHRI) and of each "
        "civil society organisation (CSO)."
    )
    progress = doc.add_table(rows=1, cols=6)
    progress.style = "Table Grid"
    _header(
        progress,
        [
            "ID",
            "Recommendation",
            "Lead ministry",
            "Government",
            "NHRI assessment",
            "CSO assessments",
        ],
    )
    for line in report.lines:
        cells = progress.add_row().cells
        cells[0].text = line.recommendation_id
        cells[1].text = line.text
        cells[2].text = line.lead_ministry
        _cell_lines(cells[3], [line.government_status, line.last_progress], bold_first=True)
        cells[4].text = line.nhri
        _cell_lines(cells[5], list(line.cso))
    widths = [Inches(w) for w in (0.9, 2.6, 0.8, 1.8, 1.8, 2.0)]
    for row in progress.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    doc.add_heading("Independent assessments", level=1)
    if report.divergent:
        doc.add_paragraph(
            f"On {len(report.divergent)} of {len(report.lines)} supported recommendations the "
            "NHRI or a CSO sees less progress than the government reports: "
            + ", ".join(report.divergent)
            + "."
        )
    else:
        doc.add_paragraph("No independent assessment sees less progress than the government.")

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ------------------------------------------------------------------ HTML

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ r.title }}: {{ r.subtitle }}</title>
<style>
body { font-family: system-ui, sans-serif; line-height: 1.45; margin: 2rem auto;
       max-width: 80rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .4rem 0; }
th, td { border: 1px solid #999; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #1f4e79; color: #fff; }
tbody th { font-weight: 600; }
table.facts, table.summary { width: auto; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
.status { font-weight: 600; display: block; }
ul.plain { margin: 0; padding-left: 1rem; }
</style>
</head>
<body>
<header>
<h1>{{ r.title }}</h1>
<p>{{ r.subtitle }}</p>
</header>
<main>
<section aria-labelledby="cycle">
<h2 id="cycle">The cycle</h2>
<table class="facts">
<caption>Cycle and dates</caption>
<tbody>
{% for label, value in r.facts %}<tr><th scope="row">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="summary">
<h2 id="summary">Summary</h2>
<table class="summary">
<caption>Recommendations, positions, follow-up and status as of {{ as_of }}</caption>
<thead><tr><th scope="col">What</th><th scope="col">Count</th></tr></thead>
<tbody>
{% for label, count in r.summary %}<tr><th scope="row">{{ label }}</th>
<td class="num">{{ count }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="themes">
<h2 id="themes">Implementation status by theme</h2>
<figure>
<img src="data:image/png;base64,{{ chart }}" alt="{{ r.chart_alt }}">
<figcaption>Supported recommendations in the {{ r.themes|length }} most frequent themes,
by the government's latest status.</figcaption>
</figure>
<table>
<caption>Status by theme (the figures of the chart)</caption>
<thead><tr><th scope="col">Theme</th>
{% for s in statuses %}<th scope="col">{{ labels[s] }}</th>{% endfor %}
<th scope="col">Total</th></tr></thead>
<tbody>
{% for theme, c in r.themes %}<tr><th scope="row">{{ theme }}</th>
{% for s in statuses %}<td class="num">{{ c[s] }}</td>{% endfor %}
<td class="num">{{ c.values()|sum }}</td></tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="progress">
<h2 id="progress">Progress by recommendation</h2>
<table id="progress-table">
<caption>Supported recommendations: the government's status and last progress
beside the NHRI's and the CSOs' assessments</caption>
<thead><tr>
<th scope="col">ID</th><th scope="col">Recommendation</th><th scope="col">Lead ministry</th>
<th scope="col">Government status and last progress</th><th scope="col">NHRI assessment</th>
<th scope="col">CSO assessments</th>
</tr></thead>
<tbody>
{% for l in r.lines %}<tr>
<th scope="row">{{ l.recommendation_id }}</th><td>{{ l.text }}</td><td>{{ l.lead_ministry }}</td>
<td><span class="status">{{ l.government_status }}</span>{{ l.last_progress }}</td>
<td>{{ l.nhri }}</td>
<td><ul class="plain">{% for c in l.cso %}<li>{{ c }}</li>{% endfor %}</ul></td>
</tr>
{% endfor %}</tbody>
</table>
</section>
<section aria-labelledby="independent">
<h2 id="independent">Independent assessments</h2>
{% if r.divergent %}<p>On {{ r.divergent|length }} of {{ r.lines|length }} supported recommendations
the NHRI or a CSO sees less progress than the government reports:
{{ r.divergent|join(", ") }}.</p>
{% else %}<p>No independent assessment sees less progress than the government.</p>
{% endif %}</section>
</main>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def midterm_html(report: MidtermReport) -> str:
    """The report as one self-contained, accessible HTML page."""
    return _ENV.from_string(_TEMPLATE).render(
        r=report,
        as_of=report.as_of.date().isoformat(),
        chart=base64.b64encode(report.chart_png).decode("ascii"),
        statuses=STATUSES,
        labels=STATUS_LABELS,
    )
