"""Importing recommendations from the files NMRFs receive (UPR Info, OHCHR, UHRI).

``parse_bytes`` detects the format from the content and validates every row (an
:class:`ImportFileError` names the row and the column); ``write_import`` appends every event
of the file in one ``Ledger.append`` (one transaction) and returns an :class:`ImportSummary`;
a named cycle must have been started (:class:`CycleNotStarted`, :mod:`~.gate`).
"""

from uprflow.importing.detect import detect, parse_bytes
from uprflow.importing.gate import CycleNotStarted
from uprflow.importing.model import ImportFileError, ImportRow, ParsedFile, SourceFormat
from uprflow.importing.writer import ImportSummary, write_import

__all__ = [
    "CycleNotStarted",
    "ImportFileError",
    "ImportRow",
    "ImportSummary",
    "ParsedFile",
    "SourceFormat",
    "detect",
    "parse_bytes",
    "write_import",
]
