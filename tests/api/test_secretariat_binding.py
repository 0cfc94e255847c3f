"""A secretariat steers only its own NMRF's cycles; who steered is in the ledger (issue 12,
items 11 and 14), over HTTP against the real dev server.

New Zealand's cycle runs with the shipped NZ profile, whose secretariat is ``MFAT``. A
secretariat token of another country's NMRF (``MFA-XX``) is refused (403) on every command of
that cycle: extending and closing a stage, importing recommendations (list or file), extending
and reassigning a task, starting the cycle (also with an inline NZ profile naming itself);
nothing is written. NZ's own secretariat extends the deadline and closes the consultation
early with a reason and an ``X-Request-ID``: ``StageClosed`` and ``DeadlineExtended`` name
MFAT's token as actor, the reason given and the request id, and ``CycleStarted`` names who
started the cycle in which request.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.stack import E2E, eventually, problem
from uprflow.profiles import load_profile

pytestmark = pytest.mark.devserver

REC = {
    "recommendation_id": "R1",
    "text": "Ratify the Optional Protocol",
    "recommending_states": ["Denmark"],
    "source_paragraph": "1",
}


#: What the refused commands would have written (the consultation meanwhile assigns tasks).
STEERED = {
    "CycleStarted",
    "DeadlineExtended",
    "StageClosed",
    "TaskExtended",
    "TaskReassigned",
    "RecommendationReceived",
    "RecommendationRouted",
}


def _facts(e2e: E2E, cycle_id: str) -> Counter[str]:
    return Counter(
        e.event_type for e in e2e.events() if e.cycle_id == cycle_id and e.event_type in STEERED
    )


async def _open_task(sec: httpx.AsyncClient, cycle_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        r = await sec.get("/tasks", params={"cycle_id": cycle_id, "status": "open"})
        items = r.json()["items"] if r.status_code == 200 else []
        return items[0] if items else None

    return await eventually(probe, what="an open task of the consultation")


async def test_secretariat_is_bound_to_its_cycle_and_recorded(e2e: E2E) -> None:
    nz = load_profile("NZ")
    assert nz.nmrf.secretariat == "MFAT"
    mfat = e2e.client("secretariat", "MFAT")
    other = e2e.client("secretariat", "MFA-XX")
    n = random.randint(10_000, 10**6)
    review = (date.today() - timedelta(days=400)).isoformat()
    start = {"country": "NZ", "cycle": n, "review_date": review, "chain_next": False}

    # Another NMRF's secretariat cannot start New Zealand's cycle, not even with an inline
    # NZ profile that names it as secretariat.
    problem(await other.post("/cycles", json=start), 403)
    forged = nz.model_dump(mode="json")
    forged["organisations"].append({"code": "MFA-XX", "name": "X", "kind": "nmrf_secretariat"})
    forged["nmrf"]["secretariat"] = "MFA-XX"
    problem(await other.post("/cycles", json={**start, "profile": forged}), 403)

    started = await mfat.post("/cycles", json=start, headers={"X-Request-ID": "start-nz-1"})
    assert started.status_code == 201, started.text
    cycle_id = started.json()["cycle_id"]
    task = await _open_task(mfat, cycle_id)

    async def consultation_deadline() -> str | None:
        r = await mfat.get(f"/cycles/{cycle_id}")
        stages = {s["stage"]: s for s in r.json().get("stages", [])}
        s = stages.get("consultation", {})
        return s.get("deadline") if s.get("status") == "open" else None

    deadline = datetime.fromisoformat(
        await eventually(consultation_deadline, what="the consultation to open")
    )
    later = (deadline + timedelta(days=10)).isoformat()
    before = _facts(e2e, cycle_id)

    # ---- every command of the cycle is refused to the other NMRF's secretariat
    stage = f"/cycles/{cycle_id}/stages/consultation"
    problem(await other.post(f"{stage}/extend", json={"until": later, "reason": "x"}), 403)
    problem(await other.post(f"{stage}/close", json={"reason": "x"}), 403)
    problem(
        await other.post(
            f"/cycles/{cycle_id}/recommendations/import", json={"recommendations": [REC]}
        ),
        403,
    )
    problem(
        await other.post(
            f"/cycles/{cycle_id}/recommendations/import-file",
            files={"file": ("r.csv", b"not,a,known,header\n1,2,3,4\n", "text/csv")},
        ),
        403,
    )
    t = f"/tasks/{task['task_id']}"
    problem(await other.post(f"{t}/extend", json={"due_at": later, "reason": "x"}), 403)
    body = {"assignee_org": "MFA-XX", "assignee_role": "ministry"}
    problem(await other.post(f"{t}/reassign", json=body), 403)
    problem(await other.post("/cycles", json=start), 403)
    # Reads stay open to every secretariat (the cycle list is no secret).
    assert (await other.get(f"/cycles/{cycle_id}")).status_code == 200
    assert _facts(e2e, cycle_id) == before

    # ---- NZ's own secretariat steers it; the ledger says who, in which request, and why
    ext = await mfat.post(
        f"{stage}/extend",
        json={"until": later, "reason": "a second hearing in Wellington"},
        headers={"X-Request-ID": "extend-nz-1"},
    )
    assert ext.status_code == 200, ext.text
    closed = await mfat.post(
        f"{stage}/close",
        json={"reason": "every submission is in"},
        headers={"X-Request-ID": "close-nz-1"},
    )
    assert closed.status_code == 200, closed.text

    stream = f"stage-{cycle_id.removeprefix('cycle-')}-consultation"

    async def stage_closed() -> Any:
        return next((e for e in e2e.stream(stream) if e.event_type == "StageClosed"), None)

    event = await eventually(stage_closed, what="StageClosed")
    assert event.payload["early"] is True
    assert event.payload["reason"] == "every submission is in"
    assert (event.actor.role, event.actor.organisation) == ("secretariat", "MFAT")
    assert event.actor.subject.startswith("token:")
    assert event.trace.request_id == "close-nz-1"

    [extended] = [e for e in e2e.stream(stream) if e.event_type == "DeadlineExtended"]
    assert extended.actor.organisation == "MFAT"
    assert extended.payload["reason"] == "a second hearing in Wellington"
    assert extended.trace.request_id == "extend-nz-1"

    [cycle_started] = [e for e in e2e.stream(cycle_id) if e.event_type == "CycleStarted"]
    assert (cycle_started.actor.role, cycle_started.actor.organisation) == ("secretariat", "MFAT")
    assert cycle_started.trace.request_id == "start-nz-1"
