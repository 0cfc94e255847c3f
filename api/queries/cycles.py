"""Reading cycles and their stages from the read models."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import sqlalchemy as sa
from temporalio.service import RPCError

from uprflow.api.runtime import Runtime
from uprflow.api.schemas.cycles import CycleSummaryOut, StageRecord
from uprflow.store.schema import proj_cycles, proj_recommendations, proj_stages


def _cycle_row(engine: sa.Engine, cycle_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(proj_cycles).where(proj_cycles.c.cycle_id == cycle_id)
        ).first()


async def cycle_known(rt: Runtime, cycle_id: str) -> bool:
    """Whether the cycle exists: in the read model, or (just started) on Temporal."""
    if await asyncio.to_thread(_cycle_row, rt.engine, cycle_id) is not None:
        return True
    client = await rt.temporal.get()
    if client is None:
        return False
    try:
        await client.get_workflow_handle(cycle_id).describe()
        return True
    except RPCError:
        return False


def cycle_summary(row: Any) -> CycleSummaryOut:
    """A read-model row of ``proj_cycles`` as the API shows it."""
    data = json.loads(row.data)
    return CycleSummaryOut(
        cycle_id=row.cycle_id,
        status=row.status,
        country=row.country,
        cycle_number=row.cycle_number,
        review_date=data.get("review_date"),
        profile_id=data.get("profile_id"),
        started_at=data.get("started_at"),
        completed_at=data.get("completed_at"),
        next_cycle_id=data.get("next_cycle_id"),
        last_position=row.last_position,
    )


def cycle_page(
    engine: sa.Engine, country: str | None, status: str | None, limit: int, offset: int
) -> tuple[list[CycleSummaryOut], int]:
    """A page of cycles (by country and number) and how many match in all."""
    where = []
    if country:
        where.append(proj_cycles.c.country == country.upper())
    if status:
        where.append(proj_cycles.c.status == status)
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(proj_cycles).where(*where))
        rows = conn.execute(
            sa.select(proj_cycles)
            .where(*where)
            .order_by(proj_cycles.c.country, proj_cycles.c.cycle_number)
            .limit(limit)
            .offset(offset)
        ).all()
        return [cycle_summary(r) for r in rows], int(total.scalar_one())


def cycle_and_stages(engine: sa.Engine, cycle_id: str) -> tuple[Any, list[StageRecord], int]:
    """The cycle's read-model row (or None), its stages in opening order and how many
    recommendations it received."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(proj_cycles).where(proj_cycles.c.cycle_id == cycle_id)).first()
        stages = conn.execute(
            sa.select(proj_stages.c.data).where(proj_stages.c.cycle_id == cycle_id)
        ).all()
        recs = conn.execute(
            sa.select(sa.func.count())
            .select_from(proj_recommendations)
            .where(proj_recommendations.c.cycle_id == cycle_id)
        ).scalar_one()
    records = [StageRecord.model_validate_json(s.data) for s in stages]
    records.sort(key=lambda s: (s.opened_at is None, s.opened_at))
    return row, records, int(recs)
