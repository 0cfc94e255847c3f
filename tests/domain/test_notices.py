"""Notice wording and webhook signatures (pure)."""

from __future__ import annotations

import inspect
import time
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from uprflow.domain.notices import Notice, format_day, ordinal, render, sign, verify_signature

SECRET = "s3cret-key-for-tests-only-0123456789"
BODY = b'{"notification_id":"n-1","subject":"x"}'
NOW = 1_700_000_010


def test_assigned_names_title_kind_and_due_date() -> None:
    subject, body = render(
        "task_assigned",
        title="Section 3: right to education",
        kind="report_section",
        due=date(2027, 3, 12),
        assignee="MOE",
    )
    assert subject == "New task: Section 3: right to education (due 12 March 2027)"
    assert "assigned to MOE" in body
    assert "Type: report section" in body
    assert "Due: 12 March 2027" in body
    assert "task inbox" in body


def test_reminder_counts_and_dates() -> None:
    subject, body = render("task_reminder", title="Comment 17", n=2, due="2027-03-12T09:00:00Z")
    assert subject == "Reminder: Comment 17 is due 12 March 2027"
    assert "2nd reminder" in body


def test_escalated_names_assignee_days_and_level() -> None:
    subject, body = render(
        "task_escalated",
        title="Position on rec 12.4",
        assignee="MOJ",
        days_overdue=1,
        level=2,
        due=datetime(2027, 1, 5, tzinfo=UTC),
    )
    assert subject == "Overdue task escalated: Position on rec 12.4 (1 day overdue)"
    assert "Assigned to: MOJ" in body
    assert "escalation level 2" in body
    assert "Was due: 5 January 2027" in body
    _, body = render(
        "task_escalated", title="t", assignee="A", days_overdue=9, level=1, due="2027-01-05"
    )
    assert "9 days overdue" in body


def test_reassigned_and_cancelled() -> None:
    subject, body = render(
        "task_reassigned",
        title="Plan for rec 3",
        previous_assignee="MOH",
        assignee="MOSD",
        due=date(2027, 6, 1),
        reason="mandate moved",
    )
    assert subject == "Task reassigned: Plan for rec 3"
    assert "from MOH to MOSD" in body and "Reason: mandate moved" in body
    subject, body = render("task_cancelled", title="Plan for rec 3", reason="duplicate")
    assert subject == "Task cancelled: Plan for rec 3"
    assert "No further action is needed" in body and "Reason: duplicate" in body


def test_windows() -> None:
    subject, _ = render("window_opened", window="public comment period", closes="2027-02-01")
    assert subject == "Now open: public comment period (until 1 February 2027)"
    subject, _ = render("window_closing", window="public comment period", closes="2027-02-01")
    assert subject == "Closing soon: public comment period closes 1 February 2027"


def test_missing_and_unknown_facts_are_named() -> None:
    with pytest.raises(ValueError, match="missing fact\\(s\\) due"):
        render("task_assigned", title="x", kind="k")
    with pytest.raises(ValueError, match="unknown fact\\(s\\) colour"):
        render("task_cancelled", title="x", colour="red")
    with pytest.raises(ValueError, match="n: expected a whole number"):
        render("task_reminder", title="x", n="two", due="2027-01-01")
    with pytest.raises(ValueError, match="due: not a date"):
        render("task_reminder", title="x", n=1, due="soon")


def test_ordinal_and_day() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
    assert format_day(date(2027, 12, 31)) == "31 December 2027"


def test_signature_round_trip() -> None:
    header = sign(SECRET, 1_700_000_000, BODY)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(SECRET, "1700000000", BODY, header, now=NOW)
    assert verify_signature(SECRET.encode(), 1_700_000_000, BODY.decode(), header, now=NOW)


@pytest.mark.parametrize(
    ("secret", "timestamp", "body", "header"),
    [
        ("other-secret", "1700000000", BODY, None),  # wrong key
        (SECRET, "1700000001", BODY, None),  # timestamp changed
        (SECRET, "1700000000", BODY + b" ", None),  # body changed
        (SECRET, "1700000000", BODY, "sha256=" + "0" * 64),  # forged
        (SECRET, "1700000000", BODY, ""),  # missing
        (SECRET, "1700000000", BODY, "md5=abc"),  # wrong scheme
        (SECRET, "17e8", BODY, None),  # not a unix time
    ],
)
def test_bad_signatures_fail(secret: str, timestamp: str, body: bytes, header: str | None) -> None:
    good = sign(SECRET, 1_700_000_000, BODY)
    assert not verify_signature(
        secret, timestamp, body, good if header is None else header, now=NOW
    )


def test_old_timestamps_are_refused_when_now_is_given() -> None:
    header = sign(SECRET, 1_700_000_000, BODY)
    assert verify_signature(SECRET, 1_700_000_000, BODY, header, now=1_700_000_100)
    assert not verify_signature(SECRET, 1_700_000_000, BODY, header, now=1_700_000_301)


def test_the_replay_window_is_enforced_by_default() -> None:
    """A captured request replayed 10 minutes later, or stamped 10 minutes ahead, fails
    with the default tolerance of 300 s; the window cannot be skipped (``now`` is required)."""
    now = int(time.time())
    old, ahead = now - 600, now + 600
    assert not verify_signature(SECRET, old, BODY, sign(SECRET, old, BODY), now=now)
    assert not verify_signature(SECRET, ahead, BODY, sign(SECRET, ahead, BODY), now=now)
    assert verify_signature(SECRET, now - 299, BODY, sign(SECRET, now - 299, BODY), now=now)
    assert "now" in inspect.signature(verify_signature).parameters
    assert inspect.signature(verify_signature).parameters["now"].default is inspect.Parameter.empty
    assert inspect.signature(verify_signature).parameters["tolerance_seconds"].default == 300


def _notice(**over: object) -> Notice:
    base: dict[str, object] = {
        "notification_id": "n-1",
        "cycle_id": "cycle-KE-4",
        "template": "task_cancelled",
        "recipient_org": "MOJ",
        "subject": "s",
        "body": "b",
        "occurred_at": datetime(2027, 1, 1, tzinfo=UTC),
    }
    return Notice.model_validate(base | over)


def test_notice_channels_and_validation() -> None:
    assert _notice().channels == ("inbox",)
    assert _notice(email="desk@moj.example", webhook_url="https://moj.example/hook").channels == (
        "email",
        "webhook",
        "inbox",
    )
    with pytest.raises(ValidationError, match="occurred_at"):
        _notice(occurred_at=datetime(2027, 1, 1))
    with pytest.raises(ValidationError, match="webhook_url"):
        _notice(webhook_url="ftp://x")
    with pytest.raises(ValidationError, match="email"):
        _notice(email="not-an-address")
    with pytest.raises(ValidationError, match="template"):
        _notice(template="task_lost")
