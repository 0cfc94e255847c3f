"""Audit and public routes over HTTP against the ledger of a real (small) Kenyan cycle.

What this proves: the auditor (and the secretariat) read the whole log page by page without
missing or repeating a position, per cycle too; verify reports the intact chain; the state
as of the adoption has decided positions and before the review has none; the export is the
CLI's format and passes the standard-library checker; every other role gets 403 and no token
401 on every audit route; the public needs no token and sees only published data: positions
only after adoption, never proposals, assessments, comments or tasks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import DemoLedger, replay_into, serve
from tests.store.test_export import run_tool
from uprflow.store.access import revoke_token
from uprflow.store.db import make_engine

AUDIT_ROUTES = [
    "/audit/events",
    "/audit/cycles/{cycle}/events",
    "/audit/verify",
    "/audit/cycles/{cycle}/state",
    "/audit/export",
]
OTHER_ROLES = [("ministry", "MOH"), ("nhri", "KNCHR"), ("cso", "KSC"), ("parliament", "PARL")]


async def _all_pages(api: Any, path: str, role: str, limit: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after: int | None = 0
    pages = 0
    while after is not None:
        r = await api.client.get(
            path, params={"after": after, "limit": limit}, headers=api.auth(role)
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["events"]) <= limit
        out.extend(body["events"])
        after = body["next_after"]
        pages += 1
        assert pages < 1000
    return out


@pytest.mark.parametrize("role", ["auditor", "secretariat"])
async def test_log_paged_by_position_without_gaps(
    demo_ledger: DemoLedger, demo_url: str, role: str
) -> None:
    async with serve(demo_url) as api:
        events = await _all_pages(api, "/audit/events", role, limit=97)
        head = (await api.client.get("/audit/events?limit=1", headers=api.auth(role))).json()
    positions = [e["position"] for e in events]
    assert positions == list(range(1, len(demo_ledger.envelopes) + 1))
    assert head["head_position"] == len(positions)
    assert [e["event_id"] for e in events] == [str(e.event_id) for e in demo_ledger.envelopes]
    first = events[0]
    assert first["event_type"] == "CycleStarted" and first["actor"]["role"] == "system"


async def test_cycle_events_paged_and_unknown_cycle(demo_ledger: DemoLedger, demo_url: str) -> None:
    cycle = demo_ledger.cycle_id
    async with serve(demo_url) as api:
        events = await _all_pages(api, f"/audit/cycles/{cycle}/events", "auditor", limit=200)
        later = await api.client.get(
            f"/audit/cycles/{cycle}/events",
            params={"after": events[-10]["position"]},
            headers=api.auth("auditor"),
        )
        missing = await api.client.get(
            "/audit/cycles/cycle-ZZ-9/events", headers=api.auth("auditor")
        )
    assert {e["cycle_id"] for e in events} == {cycle}
    expected = [e.position for e in demo_ledger.envelopes if e.cycle_id == cycle]
    assert [e["position"] for e in events] == expected
    assert [e["position"] for e in later.json()["events"]] == expected[-9:]
    assert later.json()["next_after"] is None
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "cycle-ZZ-9" in missing.json()["detail"]


async def test_verify_reports_the_intact_chain(demo_ledger: DemoLedger, demo_url: str) -> None:
    async with serve(demo_url) as api:
        r = await api.client.get("/audit/verify", headers=api.auth("auditor"))
    assert r.status_code == 200
    body = r.json()
    n = len(demo_ledger.envelopes)
    assert body["ok"] is True and body["problem"] is None
    assert body["checked"] == n and body["head_position"] == n
    assert len(body["head_hash"]) == 64


async def test_state_as_of_an_instant(demo_ledger: DemoLedger, demo_url: str) -> None:
    cycle = demo_ledger.cycle_id
    path = f"/audit/cycles/{cycle}/state"
    before_review = datetime.combine(demo_ledger.review_date, time(), UTC) - timedelta(days=1)
    async with serve(demo_url) as api:
        h = api.auth("auditor")
        adopted = await api.client.get(
            path, params={"as_of": demo_ledger.adopted_at.isoformat(), "by": "occurred"}, headers=h
        )
        before = await api.client.get(
            path, params={"as_of": before_review.isoformat(), "by": "occurred"}, headers=h
        )
        naive = await api.client.get(
            path,
            params={"as_of": before_review.replace(tzinfo=None).isoformat(), "by": "occurred"},
            headers=h,
        )
        now = await api.client.get(path, headers=h)
        too_early = await api.client.get(
            path, params={"as_of": "2000-01-01T00:00:00Z", "by": "occurred"}, headers=h
        )
        bad_axis = await api.client.get(path, params={"by": "sideways"}, headers=h)
        bad_time = await api.client.get(path, params={"as_of": "yesterday"}, headers=h)

    assert adopted.status_code == 200, adopted.text
    state = adopted.json()["state"]
    assert state["outcome_adopted_on"] is not None
    recs = state["recommendations"]
    assert len(recs) == 15
    assert all(r["position"] in ("supported", "noted", "supported_in_part") for r in recs.values())
    assert all(r["status"] == "decided" for r in recs.values())

    assert before.status_code == 200
    early = before.json()["state"]
    assert early["outcome_adopted_on"] is None and early["status"] == "active"
    assert all(r["position"] is None for r in early["recommendations"].values())
    assert naive.json()["state"] == early  # naive instants are UTC
    assert before.json()["as_of"].startswith(before_review.strftime("%Y-%m-%dT%H:%M:%S"))

    assert now.json()["state"]["status"] == "completed"
    assert now.json()["by"] == "recorded" and now.json()["as_of"] is None
    assert too_early.status_code == 404
    assert bad_axis.status_code == 422 and bad_axis.json()["errors"][0]["field"] == "query.by"
    assert bad_time.status_code == 422 and bad_time.json()["errors"][0]["field"] == "query.as_of"


async def test_export_streams_the_cli_format(
    demo_ledger: DemoLedger, demo_url: str, tmp_path: Path
) -> None:
    async with serve(demo_url) as api:
        r = await api.client.get("/audit/export", headers=api.auth("secretariat"))
        verify = (await api.client.get("/audit/verify", headers=api.auth("auditor"))).json()
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert lines[0]["kind"] == "header" and lines[0]["format"] == "uprflow-ledger-export"
    assert lines[-1] == {
        "kind": "end",
        "head_position": len(demo_ledger.envelopes),
        "head_hash": verify["head_hash"],
        "events": len(demo_ledger.envelopes),
    }
    assert sum(1 for x in lines if x["kind"] == "event") == len(demo_ledger.envelopes)
    assert verify["checkpoints"] == 0  # a GET records nothing, not even a checkpoint
    out = tmp_path / "export.jsonl"
    out.write_text(r.text, encoding="utf-8")
    checked = run_tool(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_audit_routes_refuse_everyone_else(demo_ledger: DemoLedger, demo_url: str) -> None:
    paths = [p.format(cycle=demo_ledger.cycle_id) for p in AUDIT_ROUTES]
    async with serve(demo_url) as api:
        revoked = api.token("auditor", "AUDIT-OLD")
        engine = make_engine(demo_url)
        try:
            from uprflow.store.access import authenticate

            record = authenticate(engine, api.settings.secret_key.get_secret_value(), revoked)
            assert record is not None
            revoke_token(engine, record.token_id)
        finally:
            engine.dispose()
        for path in paths:
            for role, org in OTHER_ROLES:
                r = await api.client.get(path, headers=api.auth(role, org))
                assert r.status_code == 403, (path, role, r.text)
                assert r.headers["content-type"] == "application/problem+json"
                assert "events" not in r.json() and "state" not in r.json()
            anonymous = await api.client.get(path)
            assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"]
            stale = await api.client.get(path, headers={"Authorization": f"Bearer {revoked}"})
            assert stale.status_code == 401
            junk = await api.client.get(path, headers={"Authorization": "Bearer upr_x_y"})
            assert junk.status_code == 401
            # Nobody writes through the audit routes, not even the auditor.
            write = await api.client.post(path, headers=api.auth("auditor"), json={})
            assert write.status_code == 405


def _private_texts(demo: DemoLedger) -> dict[str, set[str]]:
    """Strings that exist in the ledger but must never be published."""
    texts: dict[str, set[str]] = {"comment": set(), "task_id": set(), "note": set()}
    for e in demo.of_type("CommentReceived"):
        texts["comment"].add(e.payload["text"])
    for e in demo.of_type("TaskAssigned"):
        texts["task_id"].add(e.payload["task_id"])
    for e in demo.of_type("PositionAssessed"):
        if e.payload.get("note"):
            texts["note"].add(e.payload["note"])
    for e in demo.of_type("PositionProposed"):
        if e.payload.get("justification"):
            texts["note"].add(e.payload["justification"])
    return texts


PRIVATE_KEYS = (
    "proposed_position",
    "proposed_justification",
    "assessment_note",
    "assessment_concurs",
    "justification",
    "lead_ministry",
    "supporting",
    "tasks",
    "task_id",
    "comments",
    "plan_id",
)


def _assert_nothing_private(body: str, demo: DemoLedger) -> None:
    for key in PRIVATE_KEYS:
        assert f'"{key}"' not in body, key
    texts = _private_texts(demo)
    assert texts["comment"] and texts["task_id"]  # the ledger does hold them
    for kind, values in texts.items():
        for value in values:
            assert json.dumps(value)[1:-1] not in body, (kind, value)


async def test_public_after_adoption(demo_ledger: DemoLedger, demo_url: str) -> None:
    cycle = demo_ledger.cycle_id
    path = f"/public/cycles/{cycle}/recommendations"
    decided = {
        e.payload["recommendation_id"]: e.payload["position"]
        for e in demo_ledger.of_type("PositionDecided")
    }
    async with serve(demo_url) as api:
        cycles = await api.client.get("/public/cycles")
        everything = await api.client.get(path, params={"limit": 500})
        noted = await api.client.get(path, params={"position": "noted"})
        page = await api.client.get(path, params={"limit": 4, "offset": 4})
        first = everything.json()["items"][0]
        theme = await api.client.get(path, params={"theme": first["themes"][0].upper()})
        words = await api.client.get(path, params={"q": first["text"][:12].lower()})
        status = await api.client.get(
            path, params={"status": first["implementation_status"] or "implemented"}
        )
        unknown = await api.client.get("/public/cycles/cycle-ZZ-9/recommendations")
        bad_filter = await api.client.get(path, params={"position": "rejected"})

    assert cycles.status_code == 200
    (summary,) = cycles.json()["cycles"]
    assert summary["cycle_id"] == cycle and summary["positions_published"] is True
    assert summary["recommendations"] == 15
    assert sum(summary["by_position"].values()) == 15

    assert everything.status_code == 200
    body = everything.json()
    assert body["positions_published"] is True and body["total"] == 15
    assert {r["recommendation_id"]: r["position"] for r in body["items"]} == decided
    assert all(r["text"] and r["recommending_states"] for r in body["items"])
    assert noted.json()["total"] == summary["by_position"].get("noted", 0)
    assert all(r["position"] == "noted" for r in noted.json()["items"])
    ids = [r["recommendation_id"] for r in body["items"]]
    assert [r["recommendation_id"] for r in page.json()["items"]] == ids[4:8]
    assert first["recommendation_id"] in [r["recommendation_id"] for r in theme.json()["items"]]
    assert first["recommendation_id"] in [r["recommendation_id"] for r in words.json()["items"]]
    assert all(
        r["implementation_status"] == status.json()["items"][0]["implementation_status"]
        for r in status.json()["items"]
    )
    assert unknown.status_code == 404
    assert bad_filter.status_code == 422
    assert bad_filter.json()["errors"][0]["field"] == "query.position"
    for response in (cycles, everything, noted, page, theme, words, status):
        _assert_nothing_private(response.text, demo_ledger)


async def test_public_before_adoption_shows_no_position(
    demo_ledger: DemoLedger, tmp_path: Path
) -> None:
    # The same cycle as it stood just before the Human Rights Council adopted the outcome:
    # positions proposed, assessed and even decided, but not yet published.
    adoption = demo_ledger.of_type("OutcomeAdopted")[0].position
    before = [e for e in demo_ledger.envelopes if e.position < adoption]
    assert any(e.event_type == "PositionDecided" for e in before)
    url = f"sqlite:///{tmp_path / 'before.db'}"
    replay_into(url, before)
    path = f"/public/cycles/{demo_ledger.cycle_id}/recommendations"
    async with serve(url) as api:
        cycles = await api.client.get("/public/cycles")
        recs = await api.client.get(path, params={"limit": 500})
        supported = await api.client.get(path, params={"position": "supported"})
        noted = await api.client.get(path, params={"position": "noted"})
    (summary,) = cycles.json()["cycles"]
    assert summary["positions_published"] is False and summary["outcome_adopted_on"] is None
    assert summary["by_position"] == {} and summary["recommendations"] == 15
    body = recs.json()
    assert body["positions_published"] is False and body["total"] == 15
    assert all(r["position"] is None for r in body["items"])
    # Filtering by position must not reveal the undecided (or decided, unpublished) positions.
    assert supported.json()["total"] == 0 and noted.json()["total"] == 0
    for response in (cycles, recs):
        _assert_nothing_private(response.text, demo_ledger)
    for word in ('"supported"', '"noted"'):
        assert word not in recs.text and word not in cycles.text


async def test_audit_on_every_backend(demo_ledger: DemoLedger, db_url: str) -> None:
    """The same reads against a ledger rebuilt from the demo's events (SQLite, PostgreSQL)."""
    replay_into(db_url, demo_ledger.envelopes)
    n = len(demo_ledger.envelopes)
    async with serve(db_url) as api:
        events = await _all_pages(api, "/audit/events", "auditor", limit=250)
        verify = await api.client.get("/audit/verify", headers=api.auth("auditor"))
        state = await api.client.get(
            f"/audit/cycles/{demo_ledger.cycle_id}/state",
            params={"as_of": demo_ledger.adopted_at.isoformat(), "by": "occurred"},
            headers=api.auth("auditor"),
        )
        export = await api.client.get("/audit/export", headers=api.auth("auditor"))
        public = await api.client.get(
            f"/public/cycles/{demo_ledger.cycle_id}/recommendations", params={"limit": 500}
        )
    assert [e["position"] for e in events] == list(range(1, n + 1))
    assert verify.json()["ok"] is True and verify.json()["checked"] == n
    assert state.json()["state"]["outcome_adopted_on"] is not None
    assert export.text.splitlines()[-1].startswith('{"kind":"end"')
    assert public.json()["total"] == 15 and public.json()["positions_published"] is True
