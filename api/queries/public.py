"""The published data: what the public JSON routes and the dashboard show (no token).

What is published: each cycle's dates and progress, and its recommendations with their text,
recommending States, themes, SDGs, implementation status and — once the Human Rights Council
adopted the outcome (the cycle's ``outcome_adopted_on``) — the State's **decided** position.
Before adoption no position is shown, and a ``position`` filter matches nothing, so filtering
cannot reveal an undecided position either.

Only cycles that were started (a ``CycleStarted`` event, hence ``started_at``) are
published: a read model row can exist for any cycle id an event named (a refused command, a
file imported ahead of time), and none of those may make a cycle appear on the public pages.

Never published: proposed positions and their justifications, the foreign ministry's
assessments, draft comments, tasks, lead ministries' internal routing and notes. The answer
is built field by field from an allow-list (:class:`PublicRecommendation`), never by
removing fields from the internal state, so a field added to the state later stays private.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import sqlalchemy as sa

from uprflow.api.schemas.public import PublicCycle, PublicRecommendation, PublicRecommendations
from uprflow.domain.values import ImplementationStatus, Position
from uprflow.store.schema import proj_cycles, proj_recommendations


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


def _started(data: dict[str, Any]) -> bool:
    return data.get("started_at") is not None


def published_cycles(engine: sa.Engine) -> list[PublicCycle]:
    """Every started cycle with its dates and published counts (positions only once adopted)."""
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
        if not _started(data):
            continue
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


def published_recommendations(
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
    """A cycle's published recommendations matching the filters (None: no such started cycle).

    Positions are shown, counted and filtered on only after the outcome was adopted.
    """
    with engine.connect() as conn:
        raw = conn.execute(
            sa.select(proj_cycles.c.data).where(proj_cycles.c.cycle_id == cycle_id)
        ).scalar()
        if raw is None or not _started(json.loads(raw)):
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
