"""The issue's must-show flow over HTTP against the real dev server (issue 5).

The secretariat starts a cycle with an inline profile whose review date lies 400 days in the
past, so every stage's window has already opened and the cycle runs stage after stage as fast
as people answer (due dates in the past become "now + 1 day"). Then, only through the API:
ministries complete their sections from their inboxes, the NHRI and a CSO coalition make their
submissions, the secretariat closes the consultation early; a CSO comments on the circulating
draft and, once the secretariat has closed that window, is refused (409, recorded in the ledger
as CommandRejected); the approvals run (one refusal, a revision); the report is submitted;
real recommendations are imported; positions are proposed (a noted one without justification
is refused naming the field), assessed and decided; the recommendation list shows them; the
auditor verifies the ledger and reads the cycle as it stood before the decision.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.api.stack import E2E, eventually, problem, start_default_cycle
from uprflow.demo.scenario import load_scenario
from uprflow.domain.values import Position
from uprflow.profiles import load_profile

pytestmark = pytest.mark.devserver

MINISTRIES = ("MOJ", "MOI", "MSA", "MGE", "MOE", "MOH", "MOL", "MENV", "MCUL", "MFA")
NOTED_BECAUSE = "Under review by the law reform commission; not accepted at this time."


class People:
    """One authenticated client per organisation of the default profile."""

    def __init__(self, e2e: E2E) -> None:
        self.e2e = e2e
        self.by_org: dict[str, httpx.AsyncClient] = {
            "SEC": e2e.client("secretariat", "SEC"),
            "NMRF": e2e.client("secretariat", "NMRF"),
            "NHRI": e2e.client("nhri", "NHRI"),
            "CSO": e2e.client("cso", "CSO"),
            **{m: e2e.client("ministry", m) for m in MINISTRIES},
        }

    def __getitem__(self, org: str) -> httpx.AsyncClient:
        return self.by_org[org]

    async def inbox(self, org: str, cycle_id: str, kind: str) -> list[dict[str, Any]]:
        resp = await self[org].get(
            "/tasks",
            params={"cycle_id": cycle_id, "kind": kind, "status": "open", "assignee": org},
        )
        assert resp.status_code == 200, resp.text
        items: list[dict[str, Any]] = resp.json()["items"]
        assert all(t["assignee_org"] == org for t in items)
        return items

    async def task(self, org: str, cycle_id: str, kind: str) -> dict[str, Any]:
        """The organisation's open task of ``kind`` (waits until the workflow assigns it)."""

        async def probe() -> dict[str, Any] | None:
            items = await self.inbox(org, cycle_id, kind)
            return items[0] if items else None

        found: dict[str, Any] = await eventually(probe, what=f"{org}'s {kind} task")
        detail = await self[org].get(f"/tasks/{found['task_id']}")
        assert detail.status_code == 200, detail.text
        full: dict[str, Any] = detail.json()
        assert full["live"] is True
        return full

    async def complete(
        self, org: str, task: dict[str, Any], payload: dict[str, Any], **kw: Any
    ) -> httpx.Response:
        resp = await self[org].post(
            f"/tasks/{task['task_id']}/complete",
            json={"payload": payload, "expected_version": task["version"]},
            **kw,
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["status"] == "completed" and resp.json()["completed_by"] == org
        return resp

    async def do(self, org: str, cycle_id: str, kind: str, payload: dict[str, Any]) -> None:
        await self.complete(org, await self.task(org, cycle_id, kind), payload)


async def stage_status(client: httpx.AsyncClient, cycle_id: str, stage: str) -> str | None:
    resp = await client.get(f"/cycles/{cycle_id}")
    assert resp.status_code == 200, resp.text
    return {s["stage"]: s["status"] for s in resp.json()["stages"]}.get(stage)


async def test_a_cycle_through_the_api(e2e: E2E) -> None:
    people = People(e2e)
    sec = people["SEC"]
    profile = load_profile("default")
    n = random.randint(10_000, 10**6)
    started = await start_default_cycle(sec, n)
    cycle_id = started.json()["cycle_id"]
    assert cycle_id == f"cycle-{profile.country}-{n}" and started.json()["status"] == "started"

    # ------------------------------------------------ consultation
    contributors = profile.stages.consultation.section_contributors
    for org in contributors:
        await people.do(
            org,
            cycle_id,
            "contribute_section",
            {"title": f"Contribution of {org}", "word_count": 800},
        )
    await people.do(
        "SEC", cycle_id, "hold_hearing", {"participants": 42, "summary": "Land and policing."}
    )
    # The NHRI's submission, sent with an Idempotency-Key and retried; its X-Request-ID is the
    # request id in the trace of the events it records.
    nhri_task = await people.task("NHRI", cycle_id, "make_submission")
    key = f"nhri-submission-{n}"
    payload = {"title": "NHRI submission", "document_ref": "nhri-2026.pdf"}
    first = await people.complete(
        "NHRI", nhri_task, payload, headers={"Idempotency-Key": key, "X-Request-ID": key}
    )
    written = [e for e in e2e.events() if e.trace.request_id == key]
    assert {e.event_type for e in written} == {"SubmissionReceived", "TaskCompleted"}
    task_events = len(e2e.stream(nhri_task["task_id"]))
    retry = await people["NHRI"].post(
        f"/tasks/{nhri_task['task_id']}/complete",
        json={"payload": payload, "expected_version": nhri_task["version"]},
        headers={"Idempotency-Key": key},
    )
    assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert [e for e in e2e.events() if e.trace.request_id == key] == written
    assert len(e2e.stream(nhri_task["task_id"])) == task_events
    await people.do(
        "CSO",
        cycle_id,
        "make_submission",
        {"title": "Coalition submission", "joint": True, "signatories": ["CSO", "LSK", "FIDA"]},
    )
    closed = await sec.post(
        f"/cycles/{cycle_id}/stages/consultation/close", json={"reason": "all contributions in"}
    )
    assert closed.status_code == 200 and closed.json()["closed_early"] is True, closed.text

    # ------------------------------------------------ draft circulation
    async def circulating() -> bool:
        return await stage_status(sec, cycle_id, "draft_circulation") == "open"

    await eventually(circulating, what="the draft to circulate")
    comment = {"text": "The education section omits school fees.", "themes": ["Right to education"]}

    async def commented() -> httpx.Response | None:
        # StageOpened is recorded just before the draft is published and the window opens.
        resp = await people["CSO"].post(f"/cycles/{cycle_id}/comments", json=comment)
        return resp if resp.status_code != 409 else None

    resp = await eventually(commented, what="the comment window to open")
    assert resp.status_code == 201, resp.text
    receipt = resp.json()
    assert receipt["routed_to"] == "MOE"
    answer = await people.task("MOE", cycle_id, "answer_comment")
    assert answer["task_id"] == receipt["task_id"] and answer["subjects"] == [receipt["comment_id"]]
    await people.complete("MOE", answer, {"answer": "Added the fee waiver.", "integrated": True})
    closed = await sec.post(
        f"/cycles/{cycle_id}/stages/draft_circulation/close", json={"reason": "comments in"}
    )
    assert closed.status_code == 200, closed.text
    late_key = f"late-comment-{n}"
    late = await people["CSO"].post(
        f"/cycles/{cycle_id}/comments",
        json={"text": "One more thing.", "themes": []},
        headers={"Idempotency-Key": late_key, "X-Request-ID": late_key},
    )
    problem(late, 409)
    [rejected] = [e for e in e2e.stream(f"rejections-{cycle_id}") if e.trace.request_id == late_key]
    assert rejected.event_type == "CommandRejected"
    assert rejected.payload["status"] == 409
    assert rejected.payload["command"] == "POST /cycles/{cycle_id}/comments"
    assert (rejected.actor.role, rejected.actor.organisation) == ("cso", "CSO")

    # ------------------------------------------------ validation: approvals, a refusal, submit
    for org in contributors:
        approval: dict[str, Any] = {"approved": True}
        if org == "MOH":
            approval = {"approved": False, "notes": "Update the health statistics to 2025."}
        await people.do(org, cycle_id, "approve_document", approval)
    await people.do(
        "SEC", cycle_id, "revise_draft", {"word_count": 10_300, "document_ref": "report-v3"}
    )
    await people.do("MOH", cycle_id, "approve_document", {"approved": True})
    await people.do("NMRF", cycle_id, "approve_document", {"approved": True})
    submit = await people.task("NMRF", cycle_id, "submit_document")
    too_long = await people["NMRF"].post(
        f"/tasks/{submit['task_id']}/complete",
        json={"payload": {"document_ref": "report.pdf", "word_count": 12_000}},
    )
    assert [e["field"] for e in problem(too_long, 422)["errors"]] == ["body.payload.word_count"]
    await people.complete("NMRF", submit, {"document_ref": "report.pdf", "word_count": 10_300})

    # ------------------------------------------------ review: import real recommendations
    scenario = load_scenario("KE", limit=10)
    recs = [r.model_dump(mode="json") for r in scenario.recommendations]
    recs[9]["sdgs"] = ["5.2", "10.3"]
    await people.task("SEC", cycle_id, "import_recommendations")
    resp = await sec.post(
        f"/cycles/{cycle_id}/recommendations/import", json={"recommendations": recs}
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["imported"] == 10 and resp.json()["task"]["status"] == "completed"
    listed = (await people["MOJ"].get(f"/cycles/{cycle_id}/recommendations")).json()
    assert listed["total"] == 10
    again = await sec.post(
        f"/cycles/{cycle_id}/recommendations/import", json={"recommendations": recs}
    )
    problem(again, 409)

    # ------------------------------------------------ decisions: propose, assess, decide
    leads = {profile.route(r.themes).lead for r in scenario.recommendations}
    assert leads == {"MOI", "MSA", "MFA", "MGE"}
    for org in sorted(leads):
        task = await people.task(org, cycle_id, "propose_positions")
        positions = [
            {"recommendation_id": rid, "position": scenario.positions[rid].value}
            for rid in task["subjects"]
        ]
        noted = [i for i, p in enumerate(positions) if p["position"] == Position.NOTED]
        if noted:  # a noted position without a justification names the field
            refused = await people[org].post(
                f"/tasks/{task['task_id']}/complete", json={"payload": {"positions": positions}}
            )
            fields = [e["field"] for e in problem(refused, 422)["errors"]]
            assert fields == [f"body.payload.positions.{i}.justification" for i in noted], fields
            for i in noted:
                positions[i]["justification"] = NOTED_BECAUSE
        await people.complete(org, task, {"positions": positions})
    assessment = await people.task("MFA", cycle_id, "assess_positions")
    concur = [{"recommendation_id": r, "concurs": True} for r in assessment["subjects"]]
    await people.complete("MFA", assessment, {"assessments": concur})
    decide = await people.task("NMRF", cycle_id, "decide_positions")
    proposals = decide["context"]["proposals"]
    assert len(proposals) == 10
    before_decision = datetime.now(UTC)
    await people.complete(
        "NMRF",
        decide,
        {
            "positions": [
                {
                    "recommendation_id": rid,
                    "position": pos,
                    "justification": NOTED_BECAUSE if pos == "noted" else None,
                }
                for rid, pos in proposals.items()
            ]
        },
    )

    # read-your-writes: the list shows the decided positions as soon as the update returned
    recs_url = f"/cycles/{cycle_id}/recommendations"
    reader = people["MOJ"]
    decided = (await reader.get(recs_url, params={"status": "decided"})).json()
    assert decided["total"] == 10
    assert {r["recommendation_id"]: r["position"] for r in decided["items"]} == {
        rid: p.value for rid, p in scenario.positions.items()
    }
    noted_list = (await reader.get(recs_url, params={"position": "noted"})).json()
    assert {r["recommendation_id"] for r in noted_list["items"]} == {"KE-S8-007", "KE-S8-009"}
    assert all(r["justification"] == NOTED_BECAUSE for r in noted_list["items"])
    by_ministry = (await reader.get(recs_url, params={"ministry": "moi"})).json()
    assert {r["recommendation_id"] for r in by_ministry["items"]} == {
        "KE-S8-001",
        "KE-S8-004",
        "KE-S8-006",
    }
    by_theme = (await reader.get(recs_url, params={"theme": "women's RIGHTS"})).json()
    assert {r["recommendation_id"] for r in by_theme["items"]} == {"KE-S8-008", "KE-S8-010"}
    by_sdg = (await reader.get(recs_url, params={"sdg": "5"})).json()
    assert [r["recommendation_id"] for r in by_sdg["items"]] == ["KE-S8-010"]
    page = (await reader.get(recs_url, params={"limit": 3, "offset": 9})).json()
    assert page["total"] == 10 and len(page["items"]) == 1

    # the addendum goes in; the outcome is adopted (its date is past) and the stage closes
    await people.do(
        "NMRF", cycle_id, "submit_document", {"document_ref": "add.pdf", "word_count": 3_000}
    )

    async def adopted() -> bool:
        return await stage_status(sec, cycle_id, "decisions") == "closed"

    await eventually(adopted, what="the outcome to be adopted")

    async def decisions_result() -> dict[str, Any] | None:
        # The stage's StageClosed is committed before the cycle workflow has taken in the
        # child's result: wait for the live state to show it.
        body: dict[str, Any] = (await people["MOJ"].get(f"/cycles/{cycle_id}")).json()
        live = {s["stage"]: s for s in (body.get("live") or {}).get("stages", [])}
        return body if (live.get("decisions") or {}).get("result") else None

    state = await eventually(decisions_result, what="the cycle to take in the decisions")
    assert state["cycle"]["recommendations"] == 10
    live = {s["stage"]: s for s in state["live"]["stages"]}
    assert live["draft_circulation"]["result"]["closed_early"] is True
    assert live["decisions"]["result"]["facts"]["noted"] == 2

    # ------------------------------------------------ the auditor
    auditor = e2e.client("auditor", "OAG")
    verify = await auditor.get("/audit/verify")
    assert verify.status_code == 200, verify.text
    assert verify.json()["ok"] is True and verify.json()["checked"] > 100
    past = await auditor.get(
        f"/audit/cycles/{cycle_id}/state", params={"as_of": before_decision.isoformat()}
    )
    assert past.status_code == 200, past.text
    then = past.json()["state"]["recommendations"]
    assert len(then) == 10 and all(r["position"] is None for r in then.values())
    now = (await auditor.get(f"/audit/cycles/{cycle_id}/state")).json()["state"]
    assert {r["position"] for r in now["recommendations"].values()} == {"supported", "noted"}
    problem(await auditor.post(f"/cycles/{cycle_id}/comments", json={"text": "x"}), 403)
