"""The mid-term report: DOCX (python-docx) and HTML (jinja2), built from the ledger as of a date.

:mod:`.content` gathers what the report says (:func:`load_midterm`); :mod:`.chart` draws the
status-by-theme chart; :mod:`.render_docx` and :mod:`.render_html` lay the same content out.
"""

from uprflow.documents.midterm.content import (
    MidtermReport,
    ProgressLine,
    build_midterm,
    load_midterm,
)
from uprflow.documents.midterm.render_docx import DOCX_MEDIA_TYPE, midterm_docx
from uprflow.documents.midterm.render_html import HTML_MEDIA_TYPE, midterm_html

__all__ = [
    "DOCX_MEDIA_TYPE",
    "HTML_MEDIA_TYPE",
    "MidtermReport",
    "ProgressLine",
    "build_midterm",
    "load_midterm",
    "midterm_docx",
    "midterm_html",
]
