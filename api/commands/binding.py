"""Binding a secretariat to the cycles of its own NMRF.

A ``secretariat`` token says which organisation it acts for; a cycle's national profile says
which organisation is its secretariat (``nmrf.secretariat``). Every command that steers a cycle
(start, stage close and extension, imports, task extension and reassignment) checks that both
are the same: a secretariat of another country's NMRF is refused (403) before anything is
sent to Temporal or written to the ledger.

Where the cycle's profile comes from, most authoritative first:

1. the ``Cycle`` workflow's start input on Temporal (the profile the cycle runs with, inline
   profiles included);
2. when Temporal does not know the workflow or cannot be reached: the ledger's
   ``CycleStarted`` names the profile (``ke:<digest>`` is the shipped Kenyan profile);
3. a cycle that was never started has no secretariat: the command itself refuses it (a stage
   command answers 404, an import into it is refused), so nothing is bound there.

A started cycle whose profile cannot be established (an inline profile whose workflow is gone)
is refused to every secretariat: steering fails closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from temporalio.service import RPCError, RPCStatusCode

from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime
from uprflow.api.security import Principal
from uprflow.domain.profile import Profile
from uprflow.profiles import ProfileError, load_profile, shipped_profiles
from uprflow.store.reading import envelope_from_body
from uprflow.store.schema import events, proj_tasks
from uprflow.workflows.cycle import CycleInput

#: The started cycle exists but its secretariat cannot be established.
UNKNOWN = "?"


def secretariat_of(profile: Profile) -> str:
    """The organisation code of a profile's NMRF secretariat."""
    return profile.nmrf.secretariat


async def _from_temporal(rt: Runtime, cycle_id: str) -> str | None:
    """The secretariat of the profile the cycle workflow was started with, or None when
    Temporal does not know the workflow or cannot be reached."""
    client = await rt.temporal.get()
    if client is None:
        return None
    try:
        handle = client.get_workflow_handle(cycle_id)
        async for event in handle.fetch_history_events(page_size=1):
            payloads = event.workflow_execution_started_event_attributes.input.payloads
            if not payloads:
                return None
            [inp] = await client.data_converter.decode(list(payloads), [CycleInput])
            return secretariat_of(inp.profile)
    except RPCError as exc:
        if exc.status not in (RPCStatusCode.NOT_FOUND, RPCStatusCode.UNAVAILABLE):
            raise ProblemError(503, f"Temporal: {exc.message}", kind="temporal-down") from None
    except Exception:  # a start input of another shape: not a cycle this API started
        return None
    return None


def _from_ledger(engine: sa.Engine, cycle_id: str) -> str | None:
    """From the ledger's ``CycleStarted``: the shipped profile it names; :data:`UNKNOWN` for
    an inline one; None when the cycle was never started."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(events.c.body)
            .where(events.c.stream_id == cycle_id, events.c.event_type == "CycleStarted")
            .limit(1)
        ).first()
    if row is None:
        return None
    started: Any = envelope_from_body(bytes(row.body)).event()
    country = str(started.profile_id).partition(":")[0].upper()
    if country not in shipped_profiles():
        return UNKNOWN
    try:
        return secretariat_of(load_profile(country))
    except ProfileError:  # pragma: no cover - shipped profiles are tested
        return UNKNOWN


def task_cycle(engine: sa.Engine, task_id: str) -> str | None:
    """The cycle of a task in the read model (None for an unknown task: the route 404s)."""
    with engine.connect() as conn:
        cycle_id = conn.execute(
            sa.select(proj_tasks.c.cycle_id).where(proj_tasks.c.task_id == task_id)
        ).scalar()
    return str(cycle_id) if cycle_id is not None else None


async def cycle_secretariat(rt: Runtime, cycle_id: str) -> str | None:
    """The organisation code of the cycle's secretariat; :data:`UNKNOWN` when the cycle was
    started but its profile cannot be established; None when it was never started."""
    found = await _from_temporal(rt, cycle_id)
    if found is not None:
        return found
    return await asyncio.to_thread(_from_ledger, rt.engine, cycle_id)


def refuse_other_secretariat(p: Principal, secretariat: str, cycle_id: str) -> None:
    """403 unless ``p`` is the organisation holding the cycle's secretariat."""
    if p.organisation != secretariat:
        raise ProblemError(
            403,
            f"{p.organisation} is not the secretariat of {cycle_id}'s national mechanism; "
            "only that secretariat may steer the cycle",
            kind="forbidden",
        )


async def bind_secretariat(rt: Runtime, p: Principal, cycle_id: str) -> None:
    """Refuse (403) a secretariat caller that is not the cycle's secretariat.

    Other roles pass: their own checks (role sets, assignees) apply. A cycle never started
    passes too: the command refuses an unknown cycle itself.
    """
    if p.role != "secretariat":
        return
    secretariat = await cycle_secretariat(rt, cycle_id)
    if secretariat is not None:
        refuse_other_secretariat(p, secretariat, cycle_id)


async def bind_start(rt: Runtime, p: Principal, profile: Profile, cycle_id: str) -> None:
    """Refuse (403) starting a cycle unless the caller is the secretariat of the profile it
    runs with, of the country's shipped profile (an inline profile cannot name a new
    secretariat for a country whose profile is shipped), and of the cycle if it already
    started."""
    refuse_other_secretariat(p, secretariat_of(profile), cycle_id)
    country = profile.country.upper()
    if country in shipped_profiles():
        shipped = await asyncio.to_thread(load_profile, country)
        refuse_other_secretariat(p, secretariat_of(shipped), cycle_id)
    await bind_secretariat(rt, p, cycle_id)
