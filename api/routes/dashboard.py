"""API routes: the public dashboard (HTML) and the public CSV of a cycle's recommendations.

``GET /`` lists the cycles; ``GET /dashboard/{cycle_id}`` shows one cycle's published
recommendations by position, theme, SDG and implementation status (inline SVG charts with
tables), with search and filters as a plain ``<form method="get">`` (no JavaScript);
``GET /public/cycles/{cycle_id}/recommendations.csv`` is the same published data as CSV.

What is shown is exactly what the public JSON API shows: the data comes from
:func:`api.routes.public._cycles` and :func:`api.routes.public._recommendations` (the
allow-listed :class:`~api.routes.public.PublicRecommendation`); positions only after the
outcome is adopted. The pages are not in the OpenAPI document (they are HTML and CSV, not
API operations); the README lists them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response

from uprflow.api.dashboard.charts import bar_chart
from uprflow.api.dashboard.templates import env
from uprflow.api.routes.public import (
    CYCLE_ID,
    PublicCycle,
    PublicRecommendation,
    PublicRecommendations,
    _cycles,
    _recommendations,
)
from uprflow.api.security import RuntimeDep
from uprflow.domain.values import ImplementationStatus, Position
from uprflow.scenario import COUNTRY_NAMES

router = APIRouter(include_in_schema=False)

#: Rows per page of the results table.
PAGE_SIZE = 200
#: Every recommendation of a cycle in one read (the public query pages in memory anyway).
ALL = 10_000_000
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


def _sdg_key(value: str) -> tuple[int, str]:
    m = _SDG_ORDER.match(value)
    return (int(m.group(1)) if m else 10_000, value)


def _country(cycle: PublicCycle) -> str:
    code = cycle.country or ""
    return COUNTRY_NAMES.get(code.upper(), code or cycle.cycle_id)


def _counted(values: Iterable[str]) -> list[tuple[str, int]]:
    """Counts, largest first, then by label."""
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0].casefold()))


def _charts(items: list[PublicRecommendation], published: bool) -> list[dict[str, Any]]:
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
    by_sdg = [(f"SDG {s}", sdg_counts[s]) for s in sorted(sdg_counts, key=_sdg_key)]
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


def _html(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)


def _not_found(cycle_id: str) -> HTMLResponse:
    return _html(
        "error.html",
        404,
        heading="Cycle not found",
        message=f"There is no cycle {cycle_id}.",
    )


def _load(
    engine: sa.Engine, cycle_id: str, filters: Filters
) -> tuple[PublicCycle, PublicRecommendations, PublicRecommendations] | None:
    cycle = next((c for c in _cycles(engine) if c.cycle_id == cycle_id), None)
    if cycle is None:
        return None
    everything = _recommendations(
        engine, cycle_id, theme=None, sdg=None, position=None, status=None, q=None,
        limit=ALL, offset=0,
    )  # fmt: skip
    shown = _recommendations(
        engine,
        cycle_id,
        theme=filters.theme,
        sdg=filters.sdg,
        position=Position(filters.position) if filters.position else None,
        status=ImplementationStatus(filters.status) if filters.status else None,
        q=filters.q,
        limit=ALL,
        offset=0,
    )
    if everything is None or shown is None:
        return None
    return cycle, everything, shown


def _validate(
    q: str | None,
    theme: str | None,
    sdg: str | None,
    position: str | None,
    status: str | None,
) -> tuple[Filters, list[str]]:
    errors: list[str] = []
    position, status = _clean(position), _clean(status)
    if position is not None and position not in {p.value for p in Position}:
        errors.append(f"Unknown position {position!r}; the filter was not applied.")
        position = None
    if status is not None and status not in {s.value for s in ImplementationStatus}:
        errors.append(f"Unknown implementation status {status!r}; the filter was not applied.")
        status = None
    return (
        Filters(q=_clean(q), theme=_clean(theme), sdg=_clean(sdg), position=position,
                status=status),
        errors,
    )  # fmt: skip


CycleIdPath = Annotated[str, Path(pattern=CYCLE_ID)]
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
async def dashboard_home(rt: RuntimeDep) -> HTMLResponse:
    """The list of cycles."""
    cycles = await asyncio.to_thread(_cycles, rt.engine)
    rows = [{**c.model_dump(), "country_name": _country(c)} for c in cycles]
    return _html("index.html", cycles=rows)


@router.get("/dashboard/{cycle_id}", response_class=HTMLResponse)
async def dashboard_cycle(
    rt: RuntimeDep,
    cycle_id: CycleIdPath,
    q: Text = None,
    theme: Text = None,
    sdg: Text = None,
    position: Text = None,
    status: Text = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """One cycle: charts, search and filters, the results table and the CSV downloads."""
    filters, errors = _validate(q, theme, sdg, position, status)
    loaded = await asyncio.to_thread(_load, rt.engine, cycle_id, filters)
    if loaded is None:
        return _not_found(cycle_id)
    cycle, everything, shown = loaded
    published = cycle.positions_published
    if filters.position and not published:
        errors.append("Positions are published once the outcome is adopted.")
    pages = max(1, math.ceil(shown.total / PAGE_SIZE))
    page = min(page, pages)
    items = shown.items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    base = f"/dashboard/{cycle_id}"
    csv_base = f"/public/cycles/{cycle_id}/recommendations.csv"
    options = {
        "themes": sorted({t for r in everything.items for t in r.themes}, key=str.casefold),
        "sdgs": sorted({s for r in everything.items for s in r.sdgs}, key=_sdg_key),
        "positions": [(p.value, label) for p, label in POSITION_LABELS.items()],
        "statuses": [(s.value, label) for s, label in STATUS_LABELS.items()],
    }
    return _html(
        "cycle.html",
        cycle=cycle,
        country_name=_country(cycle),
        published=published,
        f=filters,
        filtered=filters.any,
        errors=errors,
        options=options,
        charts=_charts(shown.items, published),
        total=shown.total,
        items=items,
        page=page,
        pages=pages,
        prev_url=f"{base}?{filters.query(page=str(page - 1))}" if page > 1 else None,
        next_url=f"{base}?{filters.query(page=str(page + 1))}" if page < pages else None,
        csv_all=csv_base,
        csv_filtered=f"{csv_base}?{filters.query()}",
        labels=Labels,
    )


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


def _cell(value: str) -> str:
    # Why: a cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(page: PublicRecommendations) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in page.items:
        w.writerow(
            _cell(v)
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


@router.get("/public/cycles/{cycle_id}/recommendations.csv")
async def public_recommendations_csv(
    rt: RuntimeDep,
    cycle_id: CycleIdPath,
    q: Text = None,
    theme: Text = None,
    sdg: Text = None,
    position: Text = None,
    status: Text = None,
) -> Response:
    """The published recommendations of a cycle as CSV (UTF-8 with BOM, for spreadsheets),
    optionally filtered like the dashboard; positions empty before adoption."""
    filters, errors = _validate(q, theme, sdg, position, status)
    if errors:
        return Response(" ".join(errors) + "\n", status_code=422, media_type="text/plain")
    loaded = await asyncio.to_thread(_load, rt.engine, cycle_id, filters)
    if loaded is None:
        return Response(f"no cycle {cycle_id}\n", status_code=404, media_type="text/plain")
    _, _, shown = loaded
    body = "\ufeff" + _csv(shown)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{cycle_id}-recommendations.csv"'},
    )
