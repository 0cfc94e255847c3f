"""The mid-term report as a Word document (python-docx): landscape, the chart as a PNG, the
progress table's header repeated on every page."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import Table

from uprflow.documents.cells import xml_safe_all
from uprflow.documents.midterm.content import MidtermReport

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    # Why: input refuses control characters (domain/text.py), but a ledger written before may
    # hold some; python-docx refuses them and one such text would fail the report for everyone.
    report = xml_safe_all(report)
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
