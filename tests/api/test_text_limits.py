"""Free texts are bounded and free of control characters (issue 12, items 8 and 12): over
HTTP every request body refuses them with a 422 naming the field, before anything reaches
Temporal or the ledger; the task kinds' payload schemas (checked again by the task workflow's
validator) refuse them too, and the update handler's re-parse of an old history does not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import DemoLedger, serve
from tests.api.stack import problem
from tests.ledger import event_count
from uprflow.domain.tasks import PayloadError, TaskContext, TaskKind, validate_completion
from uprflow.domain.text import LONG_MAX, SHORT_MAX

NUL = "a\x00b"


def _fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize(
    ("role", "org", "path", "body", "field"),
    [
        ("cso", "KHRC", "/cycles/{c}/comments", {"text": NUL}, "body.text"),
        ("cso", "KHRC", "/cycles/{c}/comments", {"text": "x" * (LONG_MAX + 1)}, "body.text"),
        (
            "cso",
            "KHRC",
            "/cycles/{c}/comments",
            {"text": "ok", "themes": ["\x1b[2J"]},
            "body.themes.0",
        ),
        ("nhri", "KNCHR", "/cycles/{c}/submissions", {"title": "t\x07"}, "body.title"),
        (
            "secretariat",
            "OAG-DOJ",  # the KE profile's secretariat
            "/cycles/{c}/stages/consultation/close",
            {"reason": "\x0c"},
            "body.reason",
        ),
        (
            "ministry",
            "MOH",
            "/cycles/{c}/progress",
            {"reports": [{"recommendation_id": "r", "status": "in_progress", "summary": NUL}]},
            "body.reports.0.summary",
        ),
        # A free-form task payload: refused by the API before the update is sent.
        (
            "ministry",
            "MOH",
            "/tasks/task-x/complete",
            {"payload": {"title": NUL, "word_count": 1}},
            "body.payload",
        ),
        (
            "ministry",
            "MOH",
            "/tasks/task-x/complete",
            {"payload": {"title": "x" * 600_000, "word_count": 1}},
            "body.payload",
        ),
    ],
    ids=[
        "comment-nul",
        "comment-long",
        "theme-esc",
        "submission-bel",
        "close-ff",
        "progress-nul",
        "payload-nul",
        "payload-600kB",  # under the 1 MiB body cap (larger bodies are 413: test_limits.py)
    ],
)
async def test_http_bodies_refuse_control_and_oversized_text(
    demo_url: str, demo_ledger: DemoLedger, role: str, org: str, path: str, body: Any, field: str
) -> None:
    before = event_count(demo_url)
    async with serve(demo_url) as api:
        url = path.format(c=demo_ledger.cycle_id)
        resp = await api.client.post(url, json=body, headers=api.auth(role, org))
        found = problem(resp, 422)
    assert field in _fields(found), found
    detail = " ".join(e.get("message", "") for e in found["errors"])
    assert "control character" in detail or "at most" in detail, found
    # Refusals are recorded as CommandRejected; the command itself wrote nothing else.
    assert event_count(demo_url) <= before + 1


def test_crlf_tab_newline_are_text() -> None:
    ctx = TaskContext(stage="consultation")
    parsed = validate_completion(
        TaskKind.HOLD_HEARING, {"participants": 3, "summary": "a\tb\r\nc\nd"}, ctx
    )
    assert parsed.model_dump()["summary"] == "a\tb\r\nc\nd"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x" * (SHORT_MAX + 1), "word_count": 1}, "title"),
        ({"title": "lone\rcarriage return", "word_count": 1}, "title"),
        ({"title": "\x00", "word_count": 1}, "title"),
    ],
)
def test_task_payload_schema_refuses_and_replay_is_lenient(
    payload: dict[str, Any], field: str
) -> None:
    ctx = TaskContext(stage="consultation")
    with pytest.raises(PayloadError) as refused:
        validate_completion(TaskKind.CONTRIBUTE_SECTION, payload, ctx)
    assert [f.field for f in refused.value.fields] == [field]
    # The update handler re-parses what its validator accepted, also on replay of a history
    # recorded before the limits: lenient, so an old history gives the same events.
    parsed = validate_completion(TaskKind.CONTRIBUTE_SECTION, payload, ctx, lenient=True)
    assert parsed.model_dump()["title"] == payload["title"]
