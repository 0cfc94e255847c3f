"""Reading a cycle's recommendations from the read model, filtered."""

from __future__ import annotations

import sqlalchemy as sa

from uprflow.api.schemas.recommendations import RecommendationOut, recommendation_out
from uprflow.domain.state import RecommendationState
from uprflow.store.schema import proj_recommendations


def sdg_matches(wanted: str, sdgs: tuple[str, ...]) -> bool:
    """``5`` matches ``5``, ``SDG 5`` and the targets ``5.2``; ``5.2`` matches ``5.2`` only."""

    def norm(s: str) -> str:
        return s.casefold().replace("sdg", "").replace(" ", "")

    w = norm(wanted)
    return any(norm(s) == w or norm(s).startswith(w + ".") for s in sdgs)


def recommendation_page(
    engine: sa.Engine,
    cycle_id: str,
    *,
    theme: str | None,
    sdg: str | None,
    ministry: str | None,
    position: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[RecommendationOut], int]:
    """A page of the cycle's recommendations (by id) matching the filters, and how many match."""
    t = proj_recommendations
    where: list[sa.ColumnElement[bool]] = [t.c.cycle_id == cycle_id]
    if ministry:
        where.append(sa.func.upper(t.c.lead_ministry) == ministry.upper())
    if position:
        where.append(t.c.position == position)
    if status:
        where.append(t.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.data).where(*where).order_by(t.c.recommendation_id))
        found = [RecommendationState.model_validate_json(r.data) for r in rows]
    # Why in Python: themes and SDGs are lists inside ``data``; a cycle holds hundreds of
    # recommendations, not millions, and this stays the same on SQLite and PostgreSQL.
    if theme:
        wanted = theme.casefold()
        found = [r for r in found if any(wanted in th.casefold() for th in r.themes)]
    if sdg:
        found = [r for r in found if sdg_matches(sdg, r.sdgs)]
    page = found[offset : offset + limit]
    return [recommendation_out(r, cycle_id=cycle_id) for r in page], len(found)
