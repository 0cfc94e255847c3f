"""Reading a cycle's recommendations from the read model, filtered."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from uprflow.api.commands.binding import cycle_secretariat
from uprflow.api.runtime import Runtime
from uprflow.api.schemas.recommendations import RecommendationOut, recommendation_out
from uprflow.api.security import Principal
from uprflow.domain.state import RecommendationState
from uprflow.store.schema import proj_recommendations


def sdg_matches(wanted: str, sdgs: tuple[str, ...]) -> bool:
    """``5`` matches ``5``, ``SDG 5`` and the targets ``5.2``; ``5.2`` matches ``5.2`` only."""

    def norm(s: str) -> str:
        return s.casefold().replace("sdg", "").replace(" ", "")

    w = norm(wanted)
    return any(norm(s) == w or norm(s).startswith(w + ".") for s in sdgs)


async def deliberation_visible(
    rt: Runtime, p: Principal, cycle_id: str
) -> Callable[[RecommendationState], bool]:
    """Whose deliberation (proposed positions, their justifications, the foreign ministry's
    assessment) the caller sees: auditors every recommendation's, the cycle's own secretariat
    every one's, a ministry those it leads; nobody else any (other ministries, NHRIs, CSOs,
    parliament, a secretariat of another NMRF)."""
    # Why a predicate per recommendation: a ministry leads some recommendations of a cycle and
    # not others; what it may see is decided row by row, never by the role alone.
    if p.role == "auditor":
        return lambda _: True
    if p.role == "secretariat":
        own = await cycle_secretariat(rt, cycle_id) == p.organisation
        return lambda _: own
    if p.role == "ministry":
        org = p.organisation
        return lambda r: r.lead_ministry is not None and r.lead_ministry == org
    return lambda _: False


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
    deliberation: Callable[[RecommendationState], bool] = lambda _: False,
) -> tuple[list[RecommendationOut], int]:
    """A page of the cycle's recommendations (by id) matching the filters, and how many match;
    the deliberation of those for which ``deliberation`` says the caller may see it."""
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
    out = [recommendation_out(r, cycle_id=cycle_id, deliberation=deliberation(r)) for r in page]
    return out, len(found)
