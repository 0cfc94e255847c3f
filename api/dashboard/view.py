"""What the dashboard pages show, apart from the data: labels, filters, charts, the CSV.

The data is :mod:`uprflow.api.queries.public` (exactly what the public JSON API shows).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from uprflow.api.dashboard.charts import bar_chart
from uprflow.api.schemas.public import PublicCycle, PublicRecommendation, PublicRecommendations
from uprflow.documents.cells import inert
from uprflow.domain.values import ImplementationStatus, Position
from uprflow.importing.countries import STUDY_COUNTRIES

_SDG_ORDER = re.compile(r"(\d+)")

POSITION_LABELS = {
    Position.SUPPORTED: "Supported",
    Position.SUPPORTED_IN_PART: "Supported in part",
    Position.NOTED: "Noted",
}
STATUS_LABELS = {
    ImplementationStatus.NOT_STARTED: "Not started",
    ImplementationStatus.IN_PROGRESS: "In progress",
    ImplementationStatus.PARTIALLY_IMPLEMENTED: "Partially implemented",
    ImplementationStatus.IMPLEMENTED: "Implemented",
    ImplementationStatus.NOT_IMPLEMENTED: "Not implemented",
}
NO_STATUS = "No status reported"
NO_POSITION = "Undecided"


class Labels:
    """Human labels for the enum values (used by the templates)."""

    @staticmethod
    def position(value: str | None) -> str:
        return POSITION_LABELS.get(Position(value), str(value)) if value else NO_POSITION

    @staticmethod
    def status(value: str | None) -> str:
        if not value:
            return NO_STATUS
        return STATUS_LABELS.get(ImplementationStatus(value), str(value))


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, as given in the query string (empty means "any")."""

    q: str | None = None
    theme: str | None = None
    sdg: str | None = None
    position: str | None = None
    status: str | None = None

    def query(self, **extra: Any) -> str:
        pairs = {k: v for k, v in self.__dict__.items() if v}
        pairs.update({k: v for k, v in extra.items() if v})
        return urlencode(pairs)

    @property
    def any(self) -> bool:
        return any(self.__dict__.values())


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def sdg_key(value: str) -> tuple[int, str]:
    """SDGs in numeric order (``SDG 2`` before ``SDG 10``)."""
    m = _SDG_ORDER.match(value)
    return (int(m.group(1)) if m else 10_000, value)


def country_name(cycle: PublicCycle) -> str:
    """The State's name for a cycle (its code, or the cycle id, when the name is not known)."""
    code = cycle.country or ""
    return STUDY_COUNTRIES.get(code.upper(), code or cycle.cycle_id)


def _counted(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts, largest first, then by label."""
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def charts(items: list[PublicRecommendation], published: bool) -> list[dict[str, Any]]:
    """The four charts of a cycle page (position, status, theme, SDG) with their tables' data."""
    by_position = [
        (label, n)
        for value, label in POSITION_LABELS.items()
        if (n := sum(1 for r in items if r.position == value))
    ]
    undecided = sum(1 for r in items if r.position is None)
    if undecided:
        by_position.append((NO_POSITION, undecided))
    by_status = [
        (label, n)
        for value, label in STATUS_LABELS.items()
        if (n := sum(1 for r in items if r.implementation_status == value))
    ]
    no_status = sum(1 for r in items if r.implementation_status is None)
    if no_status:
        by_status.append((NO_STATUS, no_status))
    by_theme = _counted(t for r in items for t in r.themes)
    sdg_counts = Counter(s for r in items for s in r.sdgs)
    by_sdg = [(f"SDG {s}", sdg_counts[s]) for s in sorted(sdg_counts, key=sdg_key)]
    specs: list[tuple[str, str, str, list[tuple[str, int]], str | None]] = [
        (
            "chart-position",
            "By position",
            "Position",
            by_position,
            None
            if published
            else "Positions are published once the outcome is adopted by the Human Rights Council.",
        ),
        ("chart-status", "By implementation status", "Implementation status", by_status, None),
        ("chart-theme", "By theme", "Theme", by_theme, None),
        (
            "chart-sdg",
            "By Sustainable Development Goal",
            "SDG",
            by_sdg,
            None if by_sdg else "No SDG is recorded for these recommendations.",
        ),
    ]
    out = []
    for chart_id, heading, label, data, note in specs:
        if note is None and not data:
            note = "Nothing to show."
        out.append(
            {
                "id": chart_id,
                "heading": heading,
                "label": label,
                "data": data,
                "note": note,
                "svg": bar_chart(chart_id, f"Recommendations {heading.lower()}", data),
            }
        )
    return out


def validate_filters(
    q: str | None,
    theme: str | None,
    sdg: str | None,
    position: str | None,
    status: str | None,
) -> tuple[Filters, list[str]]:
    """The filters of a query string, and a message for each one not applied (unknown)."""
    errors: list[str] = []
    position, status = _clean(position), _clean(status)
    if position is not None and position not in {p.value for p in Position}:
        errors.append(f"Unknown position {position!r}; the filter was not applied.")
        position = None
    if status is not None and status not in {s.value for s in ImplementationStatus}:
        errors.append(f"Unknown implementation status {status!r}; the filter was not applied.")
        status = None
    filters = Filters(
        q=_clean(q), theme=_clean(theme), sdg=_clean(sdg), position=position, status=status
    )
    return filters, errors


CSV_COLUMNS = [
    "recommendation_id",
    "recommendation",
    "recommending_states",
    "themes",
    "sdgs",
    "affected_persons",
    "position",
    "implementation_status",
]


def recommendations_csv(page: PublicRecommendations) -> str:
    """The published recommendations as CSV rows (a header, then one row per item)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in page.items:
        w.writerow(
            inert(v)  # a cell a spreadsheet would run gets a leading ' (documents/cells.py)
            for v in (
                r.recommendation_id,
                r.text,
                "; ".join(r.recommending_states),
                "; ".join(r.themes),
                "; ".join(r.sdgs),
                "; ".join(r.affected_persons),
                r.position.value if r.position and page.positions_published else "",
                r.implementation_status.value if r.implementation_status else "",
            )
        )
    return buf.getvalue()
