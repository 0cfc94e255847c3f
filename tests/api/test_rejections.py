"""Refused commands: only an authenticated caller's refusal on a real command route reaches
the ledger, bounded in size, and no refusal makes a cycle appear on the public pages
(issue 12, item 1), over HTTP as an attacker would call the API."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.api.conftest import Api, serve
from uprflow.domain.envelope import Actor, EventEnvelope, NewEvent
from uprflow.domain.events import CycleStarted
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all

STARTED = "cycle-KE-4"


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    """A real SQLite ledger holding one started cycle."""
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    migrate(url)
    engine = make_engine(url)
    ledger = Ledger(engine)
    try:
        started = CycleStarted(
            cycle_id=STARTED,
            country="KE",
            cycle_number=4,
            review_date=date(2025, 1, 20),
            profile_id="ke",
        )
        ledger.append(
            STARTED,
            [
                NewEvent(
                    event=started,
                    event_id=uuid.uuid4(),
                    occurred_at=datetime.now(UTC),
                    actor=Actor(role="secretariat", organisation="NMRF", subject="test"),
                )
            ],
        )
    finally:
        ledger.close()
        engine.dispose()
    return url


def _events(url: str) -> list[EventEnvelope]:
    engine = make_engine(url)
    try:
        return list(iter_all(engine))
    finally:
        engine.dispose()


async def _public_ids(api: Api) -> set[str]:
    cycles = (await api.client.get("/public/cycles")).json()["cycles"]
    page = (await api.client.get("/")).text
    ids = {c["cycle_id"] for c in cycles}
    assert all(c in page for c in ids)
    return ids


async def test_anonymous_and_unmatched_requests_record_nothing(ledger_url: str) -> None:
    before = len(_events(ledger_url))
    async with serve(ledger_url) as api:
        c = api.client
        answers = [
            await c.post("/cycles/cycle-QQ-7/comments", json={"text": "x"}),  # 401
            await c.post("/cycles/cycle-QQ-7/no-such-command", json={}),  # 404
            await c.delete("/cycles/cycle-QQ-7"),  # 405 or 404
            await c.post("/public/cycles"),  # 405
            await c.post(
                "/cycles/cycle-QQ-8/stages/consultation/close",
                json={"reason": "x" * 100_000},
                headers={"Authorization": "Bearer not-a-token"},
            ),  # 401
            await c.post("/" + "cycle-QQ-9/" * 500, json={}),  # 404 with a long URL
        ]
        # An authenticated caller on a route that does not exist records nothing either.
        answers.append(await c.post("/cycles/cycle-QQ-10/nope", headers=api.auth("ministry")))
        public = await _public_ids(api)
    assert [a.status_code for a in answers] == [401, 404, 405, 405, 401, 404, 404]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert len(_events(ledger_url)) == before
    assert public == {STARTED}


async def test_authenticated_refusal_is_recorded_bounded_and_publishes_no_cycle(
    ledger_url: str,
) -> None:
    before = len(_events(ledger_url))
    async with serve(ledger_url) as api:
        c = api.client
        forbidden = await c.post(
            "/cycles/cycle-QQ-11/stages/consultation/close",
            json={"reason": "mine"},
            headers=api.auth("ministry", "MOJ"),
        )
        huge = await c.post(
            "/tasks/" + "t" * 5000 + "/extend",
            json={"due_at": "nonsense", "reason": "r" * 50_000},
            headers=api.auth("cso", "CSO"),
        )
        no_params = await c.post("/cycles", json={}, headers=api.auth("auditor"))
        public = await _public_ids(api)
        unstarted = await c.get("/public/cycles/cycle-QQ-11/recommendations")
        dashboard = await c.get("/dashboard/cycle-QQ-11")
    assert forbidden.status_code == 403 and huge.status_code in (403, 422)
    new = _events(ledger_url)[before:]
    assert no_params.status_code in (403, 422)
    assert Counter(e.event_type for e in new) == {"CommandRejected": 3}
    first, second, third = new
    assert third.payload["target"] == "/cycles" and third.actor.role == "auditor"
    assert first.cycle_id == "cycle-QQ-11" and first.actor.organisation == "MOJ"
    assert first.payload["command"] == "POST /cycles/{cycle_id}/stages/{stage}/close"
    assert second.actor.role == "cso"
    assert len(second.payload["target"]) <= 200 and len(second.payload["reason"]) <= 500
    assert len(second.payload["command"]) < 100
    # The refused command named a cycle that was never started: it is not published.
    assert public == {STARTED}
    assert unstarted.status_code == 404 and dashboard.status_code == 404
