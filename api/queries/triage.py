"""The triage queue: a cycle's recommendations routed to its profile's triage organisation."""

from __future__ import annotations

import json

import sqlalchemy as sa

from uprflow.api.schemas.triage import TriageItem
from uprflow.domain.profile import Profile
from uprflow.importing.fields import parse_cycle_id
from uprflow.profiles import load_profile, shipped_profiles
from uprflow.store.schema import proj_recommendations


def shipped_profile(cycle_id: str) -> Profile | None:
    """The shipped national profile of the cycle's State, or None when none is shipped.

    Raises ``ValueError`` when ``cycle_id`` is not a cycle id like ``cycle-KE-4``.
    """
    country, _ = parse_cycle_id(cycle_id)
    if country not in shipped_profiles():
        return None
    return load_profile(country)


def triage_items(engine: sa.Engine, cycle_id: str, org: str | None) -> list[TriageItem]:
    """The cycle's recommendations whose lead is ``org`` (the triage organisation), by id."""
    if org is None:
        return []
    t = proj_recommendations
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.recommendation_id, t.c.position, t.c.lead_ministry, t.c.data)
            .where(t.c.cycle_id == cycle_id, t.c.lead_ministry == org)
            .order_by(t.c.recommendation_id)
        ).all()
    out = []
    for r in rows:
        data = json.loads(r.data)
        out.append(
            TriageItem(
                recommendation_id=r.recommendation_id,
                text=data.get("text", ""),
                themes=list(data.get("themes", ())),
                position=r.position,
                lead_ministry=r.lead_ministry,
            )
        )
    return out
