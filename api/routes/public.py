"""API routes: public — published data only, no token.

What is published and what never is, is decided in :mod:`uprflow.api.queries.public` (an
allow-list, field by field); the dashboard shows the same data as HTML.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from uprflow.api.deps import RuntimeDep
from uprflow.api.params import LedgerCycleId
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.queries.public import published_cycles, published_recommendations
from uprflow.api.schemas.public import PublicCycles, PublicRecommendations
from uprflow.domain.values import ImplementationStatus, Position

router = APIRouter(prefix="/public", tags=["public"])


@router.get(
    "/cycles",
    response_model=PublicCycles,
    summary="Every UPR cycle with its dates and published progress (no token)",
    responses=problem_responses(422),
)
async def public_cycles(rt: RuntimeDep) -> PublicCycles:
    """Cycles with their review and adoption dates, the number of recommendations, the
    decided positions (once adopted) and the implementation status counts."""
    return PublicCycles(cycles=await asyncio.to_thread(published_cycles, rt.engine))


@router.get(
    "/cycles/{cycle_id}/recommendations",
    response_model=PublicRecommendations,
    summary="A cycle's recommendations with decided positions and implementation status (no token)",
    responses=problem_responses(404, 422),
)
async def public_recommendations(
    rt: RuntimeDep,
    cycle_id: LedgerCycleId,
    theme: Annotated[
        str | None, Query(max_length=200, description="a theme (exact, any case)")
    ] = None,
    sdg: Annotated[str | None, Query(max_length=50, description="an SDG or SDG target")] = None,
    position: Annotated[
        Position | None,
        Query(description="decided position (matches nothing before adoption)"),
    ] = None,
    status: Annotated[
        ImplementationStatus | None, Query(description="implementation status")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="words in the recommendation's text")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PublicRecommendations:
    """Published recommendations, filtered and paged (by recommendation id). Positions are
    shown only after the outcome was adopted. 404 for an unknown cycle."""
    page = await asyncio.to_thread(
        published_recommendations,
        rt.engine,
        cycle_id,
        theme=theme,
        sdg=sdg,
        position=position,
        status=status,
        q=q,
        limit=limit,
        offset=offset,
    )
    if page is None:
        raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
    return page
