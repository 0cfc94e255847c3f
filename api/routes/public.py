"""API routes: public — published data only, no token.

What is published: each cycle's dates and progress, and its recommendations with their text,
recommending States, themes, SDGs, implementation status and — once the Human Rights Council
adopted the outcome (the cycle's ``outcome_adopted_on``) — the State's **decided** position.
Before adoption no position is shown, and a ``position`` filter matches nothing, so filtering
cannot reveal an undecided position either.

Never published: proposed positions and their justifications, the foreign ministry's
assessments, draft comments, tasks, lead ministries' internal routing and notes. The answer
is built field by field from an allow-list (:class:`PublicRecommendation`), never by
removing fields from the internal state, so a field added to the state later stays private.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.security import RuntimeDep
from uprflow.domain.values import ImplementationStatus, Position
from uprflow.store.schema import proj_cycles, proj_recommendations

router = APIRouter(prefix="/public", tags=["public"])

CYCLE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"


class PublicCycle(BaseModel):
    """A cycle as the public sees it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "country": "KE",
                    "cycle_number": 4,
                    "status": "active",
                    "review_date": "2030-01-15",
                    "started_at": "2029-01-10T09:00:00Z",
                    "completed_at": None,
                    "outcome_adopted_on": "2030-05-20",
                    "positions_published": True,
                    "recommendations": 166,
                    "by_position": {"supported": 140, "noted": 26},
                    "by_implementation_status": {"in_progress": 90, "not_started": 50},
                }
            ]
        }
    )

    cycle_id: str
    country: str | None
    cycle_number: int | None
    status: str
    review_date: date | None
    started_at: datetime | None
    completed_at: datetime | None
    outcome_adopted_on: date | None = Field(
        description="when the Human Rights Council adopted the outcome; positions are "
        "published from then on"
    )
    positions_published: bool
    recommendations: int
    by_position: dict[str, int] = Field(description="decided positions (empty before adoption)")
    by_implementation_status: dict[str, int]


class PublicCycles(BaseModel):
    """Every cycle."""

    cycles: list[PublicCycle]


class PublicRecommendation(BaseModel):
    """A recommendation as published."""

    recommendation_id: str
    text: str
    recommending_states: list[str]
    themes: list[str]
    sdgs: list[str]
    affected_persons: list[str]
    position: Position | None = Field(
        description="the State's decided position; null until the outcome is adopted"
    )
    implementation_status: ImplementationStatus | None


class PublicRecommendations(BaseModel):
    """A filtered page of a cycle's recommendations."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "cycle_id": "cycle-KE-4",
                    "outcome_adopted_on": "2030-05-20",
                    "positions_published": True,
                    "total": 1,
                    "limit": 50,
                    "offset": 0,
                    "items": [
                        {
                            "recommendation_id": "KE-S35-001",
                            "text": "Consider ratifying ICRMW",
                            "recommending_states": ["Algeria"],
                            "themes": ["International instruments", "Migrants"],
                            "sdgs": ["8", "10"],
                            "affected_persons": ["Migrants"],
                            "position": "supported",
                            "implementation_status": "in_progress",
                        }
                    ],
                }
            ]
        }
    )

    cycle_id: str
    outcome_adopted_on: date | None
    positions_published: bool
    total: int = Field(description="recommendations matching the filters")
    limit: int
    offset: int
    items: list[PublicRecommendation]


def _published(data: dict[str, Any], adopted: bool) -> PublicRecommendation:
    return PublicRecommendation(
        recommendation_id=data["recommendation_id"],
        text=data["text"],
        recommending_states=list(data.get("recommending_states") or ()),
        themes=list(data.get("themes") or ()),
        sdgs=list(data.get("sdgs") or ()),
        affected_persons=list(data.get("affected_persons") or ()),
        position=data.get("position") if adopted else None,
        implementation_status=data.get("implementation_status"),
    )


def _cycles(engine: sa.Engine) -> list[PublicCycle]:
    with engine.connect() as conn:
        headers = conn.execute(
            sa.select(proj_cycles.c.cycle_id, proj_cycles.c.status, proj_cycles.c.data).order_by(
                proj_cycles.c.country, proj_cycles.c.cycle_number, proj_cycles.c.cycle_id
            )
        ).all()
        counts = conn.execute(
            sa.select(
                proj_recommendations.c.cycle_id,
                proj_recommendations.c.position,
                proj_recommendations.c.implementation_status,
                sa.func.count(),
            ).group_by(
                proj_recommendations.c.cycle_id,
                proj_recommendations.c.position,
                proj_recommendations.c.implementation_status,
            )
        ).all()
    out = []
    for cycle_id, status, raw in headers:
        data = json.loads(raw)
        adopted = data.get("outcome_adopted_on") is not None
        total = 0
        positions: Counter[str] = Counter()
        implementation: Counter[str] = Counter()
        for cid, position, impl, n in counts:
            if cid != cycle_id:
                continue
            total += n
            if adopted and position:
                positions[position] += n
            if impl:
                implementation[impl] += n
        out.append(
            PublicCycle(
                cycle_id=cycle_id,
                country=data.get("country"),
                cycle_number=data.get("cycle_number"),
                status=status,
                review_date=data.get("review_date"),
                started_at=data.get("started_at"),
                completed_at=data.get("completed_at"),
                outcome_adopted_on=data.get("outcome_adopted_on"),
                positions_published=adopted,
                recommendations=total,
                by_position=dict(positions),
                by_implementation_status=dict(implementation),
            )
        )
    return out


def _fold(text: str) -> str:
    return text.casefold().strip()


def _recommendations(
    engine: sa.Engine,
    cycle_id: str,
    *,
    theme: str | None,
    sdg: str | None,
    position: Position | None,
    status: ImplementationStatus | None,
    q: str | None,
    limit: int,
    offset: int,
) -> PublicRecommendations | None:
    with engine.connect() as conn:
        raw = conn.execute(
            sa.select(proj_cycles.c.data).where(proj_cycles.c.cycle_id == cycle_id)
        ).scalar()
        if raw is None:
            return None
        adopted_on = json.loads(raw).get("outcome_adopted_on")
        adopted = adopted_on is not None
        query = sa.select(proj_recommendations.c.data).where(
            proj_recommendations.c.cycle_id == cycle_id
        )
        if status is not None:
            query = query.where(proj_recommendations.c.implementation_status == status.value)
        if position is not None:
            # Why: before adoption positions are not public, so nothing matches a position.
            query = query.where(
                proj_recommendations.c.position == position.value if adopted else sa.false()
            )
        rows = conn.execute(query.order_by(proj_recommendations.c.recommendation_id)).all()
    items = [_published(json.loads(r.data), adopted) for r in rows]
    if theme:
        wanted = _fold(theme)
        items = [r for r in items if any(_fold(t) == wanted for t in r.themes)]
    if sdg:
        wanted = _fold(sdg)
        items = [r for r in items if any(_fold(s) == wanted for s in r.sdgs)]
    if q:
        needle = _fold(q)
        items = [r for r in items if needle in r.text.casefold()]
    return PublicRecommendations(
        cycle_id=cycle_id,
        outcome_adopted_on=adopted_on,
        positions_published=adopted,
        total=len(items),
        limit=limit,
        offset=offset,
        items=items[offset : offset + limit],
    )


@router.get(
    "/cycles",
    response_model=PublicCycles,
    summary="Every UPR cycle with its dates and published progress (no token)",
    responses=problem_responses(422),
)
async def public_cycles(rt: RuntimeDep) -> PublicCycles:
    """Cycles with their review and adoption dates, the number of recommendations, the
    decided positions (once adopted) and the implementation status counts."""
    return PublicCycles(cycles=await asyncio.to_thread(_cycles, rt.engine))


@router.get(
    "/cycles/{cycle_id}/recommendations",
    response_model=PublicRecommendations,
    summary="A cycle's recommendations with decided positions and implementation status (no token)",
    responses=problem_responses(404, 422),
)
async def public_recommendations(
    rt: RuntimeDep,
    cycle_id: Annotated[
        str, Path(pattern=CYCLE_ID, description="e.g. `cycle-KE-4`", examples=["cycle-KE-4"])
    ],
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
        _recommendations,
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
