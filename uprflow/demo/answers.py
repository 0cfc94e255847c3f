"""What each simulated organisation answers to a task (``uprflow demo``, full-cycle tests).

Pure and deterministic: choices come from a sha256 of the ids involved, never from a random
generator, so the same scenario always produces the same cycle. Ministries propose the
position the State really took (the scenario carries UPR Info's "Accepted"/"Noted").
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from uprflow.demo.scenario import Scenario
from uprflow.domain.tasks import TaskContext, TaskKind
from uprflow.domain.values import Document, ImplementationStatus, Position

NOTED_REASON = (
    "The Government is not in a position to accept this recommendation at this time; "
    "it will keep it under review in the light of national priorities."
)


def _roll(*parts: str) -> int:
    """A stable number in 0..99 from the given ids."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def _status(rec_id: str, round_no: int) -> ImplementationStatus:
    """Implementation moves forward round by round, at a pace set by the recommendation."""
    pace = 1 + _roll(rec_id, "pace") % 3
    step = round_no * pace
    if step >= 8:
        return ImplementationStatus.IMPLEMENTED
    if step >= 4:
        return ImplementationStatus.PARTIALLY_IMPLEMENTED
    if step >= 1:
        return ImplementationStatus.IN_PROGRESS
    return ImplementationStatus.NOT_STARTED


def payload_for(
    kind: TaskKind,
    context: TaskContext,
    *,
    org: str,
    task_id: str,
    scenario: Scenario,
    today: date,
) -> dict[str, Any]:
    """The completion payload a diligent desk officer of ``org`` would send."""
    subjects = list(context.subjects)
    round_no = max(1, context.round)
    match kind:
        case TaskKind.CONTRIBUTE_SECTION:
            return {"title": f"Contribution of {org}", "word_count": 400 + _roll(task_id) * 4}
        case TaskKind.HOLD_HEARING:
            return {
                "participants": 25 + _roll(task_id),
                "summary": "Civil society, the NHRI and local authorities raised their priorities.",
            }
        case TaskKind.MAKE_SUBMISSION:
            joint = context.note == "cso"
            return {
                "title": f"Stakeholder submission of {org}",
                "joint": joint,
                "signatories": [org, f"{org}-member-1", f"{org}-member-2"] if joint else [],
                "document_ref": f"{org}-submission-{today.year}",
            }
        case TaskKind.ANSWER_COMMENT:
            return {"answer": "Thank you; the section was amended accordingly.", "integrated": True}
        case TaskKind.REVISE_DRAFT:
            version = max(2, context.draft_version)
            return {"word_count": 10_200, "document_ref": f"{context.note or 'draft'}-v{version}"}
        case TaskKind.APPROVE_DOCUMENT:
            return {"approved": True}
        case TaskKind.REVIEW_DOCUMENT:
            return {"outcome": "endorsed", "notes": "Reviewed in committee."}
        case TaskKind.SUBMIT_DOCUMENT:
            doc = (context.document or Document.NATIONAL_REPORT).value
            return {
                "document_ref": f"{scenario.country}-{doc}-{today.isoformat()}",
                "word_count": 10_200,
            }
        case TaskKind.IMPORT_RECOMMENDATIONS:
            return {
                "recommendations": [r.model_dump(mode="json") for r in scenario.recommendations]
            }
        case TaskKind.PROPOSE_POSITIONS:
            return {"positions": [_position(rid, scenario.positions.get(rid)) for rid in subjects]}
        case TaskKind.ASSESS_POSITIONS:
            return {
                "assessments": [
                    {"recommendation_id": rid, "concurs": True, "note": None} for rid in subjects
                ]
            }
        case TaskKind.DECIDE_POSITIONS:
            return {"positions": [_position(rid, context.proposals.get(rid)) for rid in subjects]}
        case TaskKind.PLAN_IMPLEMENTATION:
            return {
                "plans": [
                    {
                        "recommendation_id": rid,
                        "actions": [f"Draft and adopt the measures required by {rid}"],
                        "indicators": ["Measure adopted", "Budget allocated"],
                        "responsible_body": org,
                        "partners": ["NHRI", "civil society"],
                        "starts_on": today.isoformat(),
                        "ends_on": (today + timedelta(days=3 * 365)).isoformat(),
                        "sdg_targets": ["16.3"],
                        "nap_link": "National Action Plan on Human Rights",
                    }
                    for rid in subjects
                ]
            }
        case TaskKind.REPORT_PROGRESS:
            return {
                "reports": [
                    {
                        "recommendation_id": rid,
                        "status": _status(rid, round_no).value,
                        "summary": f"Round {round_no}: measures under way.",
                    }
                    for rid in subjects
                ]
            }
        case TaskKind.ASSESS_IMPLEMENTATION:
            return {
                "assessments": [
                    {
                        "recommendation_id": rid,
                        "status": _status(rid, max(0, round_no - 1)).value,
                        "text": "Independent view: progress is slower than the Government reports.",
                    }
                    for rid in subjects
                ]
            }
        case TaskKind.HOLD_CONSULTATION:
            return {
                "topic": "Implementation of the supported recommendations",
                "participants": [org, "NHRI", "CSOs", "UN country team"],
            }
        case TaskKind.COMPILE_MIDTERM:
            return {
                "document_ref": f"midterm-draft-{today.isoformat()}",
                "recommendations_covered": subjects,
            }
        case TaskKind.COMMENT_ON_DOCUMENT:
            joint = "joint" in task_id
            return {
                "text": "Comments on the draft: more data on implementation is needed.",
                "joint": joint,
                "signatories": [org, f"{org}-partner-1"] if joint else [],
            }
        case TaskKind.RESOLVE_PARLIAMENT_ITEM:
            return {
                "action": "legislation_passed",
                "reference": f"Act {today.year}/{_roll(task_id)}",
            }
    raise ValueError(f"kind: no simulated answer for {kind}")


def _position(rec_id: str, position: Position | None) -> dict[str, Any]:
    pos = position or Position.SUPPORTED
    return {
        "recommendation_id": rec_id,
        "position": pos.value,
        "justification": None if pos == Position.SUPPORTED else NOTED_REASON,
    }


def draft_comments(org: str) -> list[dict[str, Any]]:
    """What an NHRI or CSO comments on the draft national report."""
    return [
        {
            "text": f"{org}: the draft should report on violence against women with data.",
            "themes": ["Women's rights"],
        },
        {
            "text": f"{org}: the section on detention omits the conditions in pre-trial detention.",
            "themes": ["Detention"],
        },
    ]
