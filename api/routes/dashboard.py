"""API routes: the public dashboard (HTML) and the public CSV of a cycle's recommendations.

``GET /`` lists the cycles; ``GET /dashboard/{cycle_id}`` shows one cycle's published
recommendations by position, theme, SDG and implementation status (inline SVG charts with
tables), with search and filters as a plain ``<form method="get">`` (no JavaScript);
``GET /public/cycles/{cycle_id}/recommendations.csv`` is the same published data as CSV.

What is shown is exactly what the public JSON API shows: the data comes from
:mod:`uprflow.api.queries.public` (the allow-listed
:class:`~uprflow.api.schemas.public.PublicRecommendation`); positions only after the outcome
is adopted. The pages are not in the OpenAPI document (they are HTML and CSV, not
API operations); the README lists them.
"""

from __future__ import annotations

import asyncio
import math
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from uprflow.api.dashboard.templates import env
from uprflow.api.dashboard.view import (
    POSITION_LABELS,
    STATUS_LABELS,
    Filters,
    Labels,
    charts,
    country_name,
    recommendations_csv,
    sdg_key,
    validate_filters,
)
from uprflow.api.deps import RuntimeDep
from uprflow.api.params import LedgerCycleId
from uprflow.api.queries.public import published_cycles, published_recommendations
from uprflow.api.schemas.public import PublicCycle, PublicRecommendations
from uprflow.domain.values import ImplementationStatus, Position

router = APIRouter(include_in_schema=False)

#: Rows per page of the results table.
PAGE_SIZE = 200
#: Every recommendation of a cycle in one read (the public query pages in memory anyway).
ALL = 10_000_000


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
    cycle = next((c for c in published_cycles(engine) if c.cycle_id == cycle_id), None)
    if cycle is None:
        return None
    everything = published_recommendations(
        engine,
        cycle_id,
        theme=None,
        sdg=None,
        position=None,
        status=None,
        q=None,
        limit=ALL,
        offset=0,
    )
    shown = published_recommendations(
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


Text = Annotated[str | None, Query(max_length=200)]


@router.get("/", response_class=HTMLResponse)
async def dashboard_home(rt: RuntimeDep) -> HTMLResponse:
    """The list of cycles."""
    cycles = await asyncio.to_thread(published_cycles, rt.engine)
    rows = [{**c.model_dump(), "country_name": country_name(c)} for c in cycles]
    return _html("index.html", cycles=rows)


@router.get("/dashboard/{cycle_id}", response_class=HTMLResponse)
async def dashboard_cycle(
    rt: RuntimeDep,
    cycle_id: LedgerCycleId,
    q: Text = None,
    theme: Text = None,
    sdg: Text = None,
    position: Text = None,
    status: Text = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """One cycle: charts, search and filters, the results table and the CSV downloads."""
    filters, errors = validate_filters(q, theme, sdg, position, status)
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
        "sdgs": sorted({s for r in everything.items for s in r.sdgs}, key=sdg_key),
        "positions": [(p.value, label) for p, label in POSITION_LABELS.items()],
        "statuses": [(s.value, label) for s, label in STATUS_LABELS.items()],
    }
    return _html(
        "cycle.html",
        cycle=cycle,
        country_name=country_name(cycle),
        published=published,
        f=filters,
        filtered=filters.any,
        errors=errors,
        options=options,
        charts=charts(shown.items, published),
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


@router.get("/public/cycles/{cycle_id}/recommendations.csv")
async def public_recommendations_csv(
    rt: RuntimeDep,
    cycle_id: LedgerCycleId,
    q: Text = None,
    theme: Text = None,
    sdg: Text = None,
    position: Text = None,
    status: Text = None,
) -> Response:
    """The published recommendations of a cycle as CSV (UTF-8 with BOM, for spreadsheets),
    optionally filtered like the dashboard; positions empty before adoption."""
    filters, errors = validate_filters(q, theme, sdg, position, status)
    if errors:
        return Response(" ".join(errors) + "\n", status_code=422, media_type="text/plain")
    loaded = await asyncio.to_thread(_load, rt.engine, cycle_id, filters)
    if loaded is None:
        return Response(f"no cycle {cycle_id}\n", status_code=404, media_type="text/plain")
    _, _, shown = loaded
    body = "\ufeff" + recommendations_csv(shown)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{cycle_id}-recommendations.csv"'},
    )
