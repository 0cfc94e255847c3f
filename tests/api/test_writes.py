"""Writes over HTTP against the real dev server: races, stale versions, bad payloads,
organisation scoping, authentication, roles, idempotency keys, windows.

One cycle per test module run (a review date in the past, so the consultation is open at
once); every refusal is checked as problem JSON with the precise status.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.api.stack import E2E, eventually, problem
from uprflow.api.commands.updates import run_update
from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime, TemporalHandle
from uprflow.domain.envelope import Actor
from uprflow.profiles import load_profile
from uprflow.store.ledger import Ledger
from uprflow.workflows.task import TaskWorkflow
from uprflow.workflows.task_models import TaskCompletion

pytestmark = pytest.mark.devserver

SECTION = {"title": "Contribution of the ministry", "word_count": 900}


def inline_profile() -> dict[str, Any]:
    return load_profile("default").model_dump(mode="json")


async def start_cycle(sec: httpx.AsyncClient) -> str:
    n = random.randint(10_000, 10**6)
    resp = await sec.post(
        "/cycles",
        json={
            "country": "ZZ",
            "cycle": n,
            "review_date": (date.today() - timedelta(days=400)).isoformat(),
            "profile": inline_profile(),
            "chain_next": False,
        },
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["cycle_id"] == f"cycle-ZZ-{n}"
    return f"cycle-ZZ-{n}"


async def section_task(client: httpx.AsyncClient, cycle_id: str) -> dict[str, Any]:
    """The caller ministry's open section task (waits for the consultation to assign it)."""

    async def probe() -> dict[str, Any] | None:
        resp = await client.get(
            "/tasks", params={"cycle_id": cycle_id, "kind": "contribute_section", "status": "open"}
        )
        assert resp.status_code == 200, resp.text
        items = resp.json()["items"]
        return items[0] if items else None

    return await eventually(probe, what="a section task in the inbox")


async def test_writes_are_scoped_checked_and_race_free(
    e2e: E2E, dev_env: WorkflowEnvironment
) -> None:
    sec = e2e.client("secretariat", "SEC")
    moj = e2e.client("ministry", "MOJ")
    moh = e2e.client("ministry", "MOH")
    anon = e2e.client()
    cycle_id = await start_cycle(sec)
    task = await section_task(moj, cycle_id)
    task_id = task["task_id"]
    assert task["assignee_org"] == "MOJ" and task["kind"] == "contribute_section"

    # ---- authentication and roles
    body = problem(await anon.post(f"/tasks/{task_id}/complete", json={"payload": SECTION}), 401)
    assert body["type"].endswith("/unauthenticated")
    problem(await anon.get("/tasks"), 401)
    bad = httpx.AsyncClient(base_url=e2e.base_url, headers={"Authorization": "Bearer upr_x_y"})
    e2e.clients.append(bad)
    problem(await bad.post(f"/tasks/{task_id}/complete", json={"payload": SECTION}), 401)
    auditor = e2e.client("auditor", "OAG")
    problem(await auditor.post(f"/tasks/{task_id}/complete", json={"payload": SECTION}), 403)
    problem(
        await moj.post(
            f"/tasks/{task_id}/extend", json={"due_at": "2099-01-01T00:00:00Z", "reason": "mine"}
        ),
        403,
    )
    problem(
        await moj.post("/cycles", json={"country": "ZZ", "cycle": 1, "review_date": "2030-01-01"}),
        403,
    )

    # ---- another organisation's task: invisible (404) to the route, 403 at the workflow
    problem(await moh.get(f"/tasks/{task_id}"), 404)
    problem(await moh.post(f"/tasks/{task_id}/complete", json={"payload": SECTION}), 404)
    await section_task(moh, cycle_id)  # the consultation assigns its tasks one by one
    inbox = (await moh.get("/tasks", params={"cycle_id": cycle_id})).json()["items"]
    assert inbox and all(t["assignee_org"] == "MOH" for t in inbox)
    assert task_id not in {t["task_id"] for t in inbox}
    all_tasks = (await sec.get("/tasks", params={"cycle_id": cycle_id})).json()
    assert {t["assignee_org"] for t in all_tasks["items"]} >= {"MOJ", "MOH", "NHRI", "CSO"}
    forged = TaskCompletion(
        actor=Actor(role="ministry", organisation="MOH", subject="token:forged"), payload=SECTION
    )
    rt = Runtime(
        e2e.settings, e2e.engine, TemporalHandle(e2e.settings, dev_env.client), Ledger(e2e.engine)
    )
    try:
        with pytest.raises(ProblemError) as refused:
            await run_update(rt, task_id, TaskWorkflow.complete, forged)
    finally:
        rt.ledger.close()
    assert refused.value.status == 403 and "not the assignee" in refused.value.detail

    # ---- a wrong payload names each field; nothing is written
    before = len(e2e.stream(task_id))
    resp = await moj.post(
        f"/tasks/{task_id}/complete", json={"payload": {"title": "", "word_count": 0}}
    )
    fields = {e["field"] for e in problem(resp, 422)["errors"]}
    assert fields == {"body.payload.title", "body.payload.word_count"}, fields
    resp = await moj.post(f"/tasks/{task_id}/complete", json={"payload": {**SECTION, "x": 1}})
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.payload.x"}
    resp = await moj.post(f"/tasks/{task_id}/complete", json={"expected_version": 1})
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.payload"}
    assert len(e2e.stream(task_id)) == before

    # ---- a stale expected_version is refused (409); the current one is accepted
    detail = (await moj.get(f"/tasks/{task_id}")).json()
    assert detail["live"] is True and detail["version"] == 1
    assert detail["context"]["stage"] == "consultation"
    new_due = (datetime.fromisoformat(detail["due_at"]) + timedelta(days=30)).isoformat()
    ext = await sec.post(f"/tasks/{task_id}/extend", json={"due_at": new_due, "reason": "late"})
    assert ext.status_code == 200, ext.text
    assert ext.json()["version"] == 2
    resp = await sec.post(
        f"/tasks/{task_id}/extend", json={"due_at": "2000-01-01T00:00:00Z", "reason": "earlier"}
    )
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.due_at"}
    resp = await moj.post(
        f"/tasks/{task_id}/complete", json={"payload": SECTION, "expected_version": 1}
    )
    assert "version 2" in problem(resp, 409)["detail"]
    done = await moj.post(
        f"/tasks/{task_id}/complete", json={"payload": SECTION, "expected_version": 2}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["completed_by"] == "MOJ"
    # read-your-writes: the read model shows it as soon as the response arrives
    assert (await moj.get(f"/tasks/{task_id}")).json()["status"] == "completed"
    problem(await moj.post(f"/tasks/{task_id}/complete", json={"payload": SECTION}), 409)

    # ---- two clients racing to complete the same task: one 200, one 409 (three times)
    for org in ("MOI", "MSA", "MGE"):
        first, second = e2e.client("ministry", org), e2e.client("ministry", org)
        tid = (await section_task(first, cycle_id))["task_id"]
        a, b = await asyncio.gather(
            first.post(f"/tasks/{tid}/complete", json={"payload": SECTION}),
            second.post(f"/tasks/{tid}/complete", json={"payload": SECTION}),
        )
        assert sorted([a.status_code, b.status_code]) == [200, 409], (a.text, b.text)
        loser = a if a.status_code == 409 else b
        problem(loser, 409)
        completed = [e for e in e2e.stream(tid) if e.event_type == "TaskCompleted"]
        assert len(completed) == 1

    # ---- Idempotency-Key: a retry replays, another body under the same key is 422
    mfa_less = e2e.client("ministry", "MOE")
    tid = (await section_task(mfa_less, cycle_id))["task_id"]
    key = {"Idempotency-Key": f"moe-{tid}"}
    first_resp = await mfa_less.post(
        f"/tasks/{tid}/complete", json={"payload": SECTION}, headers=key
    )
    assert first_resp.status_code == 200, first_resp.text
    again = await mfa_less.post(f"/tasks/{tid}/complete", json={"payload": SECTION}, headers=key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first_resp.json()
    other = await mfa_less.post(
        f"/tasks/{tid}/complete", json={"payload": {**SECTION, "word_count": 901}}, headers=key
    )
    assert problem(other, 422)["type"].endswith("/idempotency-key-reused")

    # ---- reassign: the task leaves one inbox for another
    mcul, mol = e2e.client("ministry", "MCUL"), e2e.client("ministry", "MOL")
    tid = (await section_task(mcul, cycle_id))["task_id"]
    same = await sec.post(
        f"/tasks/{tid}/reassign", json={"assignee_org": "MCUL", "assignee_role": "ministry"}
    )
    assert {e["field"] for e in problem(same, 422)["errors"]} == {"body.assignee_org"}
    moved = await sec.post(
        f"/tasks/{tid}/reassign",
        json={"assignee_org": "MOL", "assignee_role": "ministry", "reason": "theirs"},
    )
    assert moved.status_code == 200 and moved.json()["assignee_org"] == "MOL", moved.text
    problem(await mcul.get(f"/tasks/{tid}"), 404)
    assert tid in {t["task_id"] for t in (await mol.get("/tasks")).json()["items"]}
    done = await mol.post(f"/tasks/{tid}/complete", json={"payload": SECTION})
    assert done.status_code == 200 and done.json()["completed_by"] == "MOL", done.text

    # ---- the inbox filters: overdue (none yet: every due date of this cycle is ahead), kind
    params = {"cycle_id": cycle_id, "status": "open"}
    open_now = (await sec.get("/tasks", params=params)).json()
    assert (await sec.get("/tasks", params={**params, "overdue": "true"})).json()["total"] == 0
    not_due = (await sec.get("/tasks", params={**params, "overdue": "false"})).json()
    assert not_due["total"] == open_now["total"] > 0
    assert not any(t["overdue"] for t in not_due["items"])
    kinds = {t["kind"] for t in open_now["items"]}
    assert kinds >= {"contribute_section", "make_submission"}
    only = (await sec.get("/tasks", params={**params, "kind": "make_submission"})).json()
    assert {t["assignee_org"] for t in only["items"]} == {"NHRI", "CSO"}
    theirs = await moh.get("/tasks", params={**params, "assignee": "MOJ"})
    assert theirs.json()["total"] == 0

    # ---- rejected commands are in the ledger with who tried and why
    rejected = e2e.stream(f"rejections-{cycle_id}")
    assert {e.payload["status"] for e in rejected} >= {403, 404, 409, 422}
    assert all(e.actor.role != "anonymous" for e in rejected)  # issue 12, item 1
    forbidden = [e for e in rejected if e.payload["status"] == 404]
    assert forbidden[0].actor.organisation == "MOH"


async def test_cycle_stage_and_participation_commands(e2e: E2E) -> None:
    sec = e2e.client("secretariat", "SEC")
    nhri = e2e.client("nhri", "NHRI")
    cso = e2e.client("cso", "CSO")
    moj = e2e.client("ministry", "MOJ")
    cycle_id = await start_cycle(sec)
    n = int(cycle_id.rsplit("-", 1)[1])

    # starting it again finds it (200, same ids); a bad inline profile names the field
    review = (date.today() - timedelta(days=400)).isoformat()
    again = await sec.post(
        "/cycles",
        json={"country": "ZZ", "cycle": n, "review_date": review, "profile": inline_profile()},
    )
    assert again.status_code == 200 and again.json()["status"] == "already_running", again.text
    assert again.json()["cycle_id"] == cycle_id
    broken = inline_profile()
    broken["stages"]["draft_circulation"]["comment_window_days"] = 0
    resp = await sec.post(
        "/cycles", json={"country": "ZZ", "cycle": n + 1, "review_date": review, "profile": broken}
    )
    fields = {e["field"] for e in problem(resp, 422)["errors"]}
    assert "body.profile.stages.draft_circulation.comment_window_days" in fields, fields
    resp = await sec.post(
        "/cycles",
        json={"country": "KE", "cycle": n, "review_date": review, "profile": inline_profile()},
    )
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.profile.country"}

    # list and state (live query included)
    listed = (await moj.get("/cycles", params={"country": "ZZ"})).json()
    assert cycle_id in {c["cycle_id"] for c in listed["items"]}

    async def consultation_open() -> dict[str, Any] | None:
        got = (await moj.get(f"/cycles/{cycle_id}")).json()
        stages = {s["stage"]: s for s in got["stages"]}
        return got if stages.get("consultation", {}).get("status") == "open" else None

    state = await eventually(consultation_open, what="the consultation to open")
    assert state["live"]["cycle_id"] == cycle_id
    live_stages = {s["stage"]: s["status"] for s in state["live"]["stages"]}
    assert live_stages["consultation"] == "running" and live_stages["review"] == "pending"
    problem(await moj.get("/cycles/cycle-ZZ-1"), 404)

    # stakeholder submissions while the consultation is open
    sub = await cso.post(
        f"/cycles/{cycle_id}/submissions",
        json={"title": "Joint CSO submission", "joint": True, "signatories": ["CSO", "A", "B"]},
    )
    assert sub.status_code == 201, sub.text
    assert sub.json()["submitter_kind"] == "coalition" and sub.json()["submitter_org"] == "CSO"
    resp = await cso.post(
        f"/cycles/{cycle_id}/submissions",
        json={"title": "Joint", "joint": True, "signatories": ["CSO"]},
    )
    assert [e["field"] for e in problem(resp, 422)["errors"]] == ["body.signatories"]
    problem(await moj.post(f"/cycles/{cycle_id}/submissions", json={"title": "x"}), 403)
    assert (
        await nhri.post(f"/cycles/{cycle_id}/submissions", json={"title": "NHRI"})
    ).status_code == 201
    received = [
        e
        for e in e2e.stream(f"stage-{cycle_id[6:]}-consultation")
        if e.event_type == "SubmissionReceived"
    ]
    assert [(e.actor.organisation, e.payload["joint"]) for e in received] == [
        ("CSO", True),
        ("NHRI", False),
    ]

    # comments before the draft circulates, imports before the review: 409
    problem(await cso.post(f"/cycles/{cycle_id}/comments", json={"text": "early"}), 409)
    resp = await sec.post(
        f"/cycles/{cycle_id}/recommendations/import",
        json={
            "recommendations": [
                {
                    "recommendation_id": "R1",
                    "text": "t",
                    "recommending_states": ["X"],
                    "source_paragraph": "p",
                }
            ]
        },
    )
    problem(resp, 409)
    problem(
        await moj.post(
            f"/cycles/{cycle_id}/progress",
            json={
                "reports": [{"recommendation_id": "R1", "status": "in_progress", "summary": "s"}]
            },
        ),
        409,
    )
    problem(
        await nhri.post(
            f"/cycles/{cycle_id}/assessments",
            json={"assessments": [{"recommendation_id": "R1", "status": "bogus", "text": "s"}]},
        ),
        422,
    )

    # stage commands: a naive or earlier deadline is refused; extend; close; close again: 409
    url = f"/cycles/{cycle_id}/stages/consultation"
    resp = await sec.post(f"{url}/extend", json={"until": "2099-01-01T00:00:00", "reason": "r"})
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.until"}
    resp = await sec.post(f"{url}/extend", json={"until": "2001-01-01T00:00:00Z", "reason": "r"})
    assert {e["field"] for e in problem(resp, 422)["errors"]} == {"body.until"}
    later = (datetime.now(UTC) + timedelta(days=400)).isoformat()
    ext = await sec.post(f"{url}/extend", json={"until": later, "reason": "more hearings"})
    assert ext.status_code == 200, ext.text
    assert datetime.fromisoformat(ext.json()["deadline"]) == datetime.fromisoformat(later)
    problem(await sec.post(f"/cycles/{cycle_id}/stages/review/close", json={"reason": "r"}), 409)
    problem(await sec.post("/cycles/cycle-ZZ-1/stages/review/close", json={"reason": "r"}), 404)
    problem(await sec.post(f"/cycles/{cycle_id}/stages/nope/close", json={"reason": "r"}), 422)
    closed = await sec.post(f"{url}/close", json={"reason": "enough"})
    assert closed.status_code == 200 and closed.json()["closed_early"] is True, closed.text
    problem(await sec.post(f"{url}/close", json={"reason": "again"}), 409)
    resp = await nhri.post(f"/cycles/{cycle_id}/submissions", json={"title": "too late"})
    problem(resp, 409)

    async def consultation_closed() -> bool:
        got = (await moj.get(f"/cycles/{cycle_id}")).json()
        return {s["stage"]: s["status"] for s in got["stages"]}["consultation"] == "closed"

    await eventually(consultation_closed, what="the consultation to close")
    cancelled = await moj.get("/tasks", params={"cycle_id": cycle_id, "status": "cancelled"})
    assert cancelled.json()["total"] >= 1
