"""Notices to people: what a notification says, how it is worded, how webhooks are signed.

Pure: no I/O, no clock, safe in the Temporal sandbox. A workflow builds a :class:`Notice`
(with a deterministic ``notification_id``, e.g. ``f"{task_id}/reminder-2"``) and hands it to
the ``deliver_notice`` activity, which owns the outbox, SMTP and HTTP.

Webhook signature scheme (see :func:`sign` and :func:`verify_signature`)::

    X-Uprflow-Timestamp: <unix seconds, decimal>
    X-Uprflow-Signature: sha256=<hex HMAC-SHA256(org secret, "<timestamp>.<raw body>")>

The signed message is the timestamp, a dot, and the exact request body bytes, so a receiver
must verify before parsing the JSON. The secret is the receiving organisation's own
(:func:`uprflow.domain.keys.org_webhook_secret`, printed by ``uprflow webhooks secret --org``),
never ``UPRFLOW_SECRET_KEY``; :func:`verify_signature` refuses timestamps outside its replay
window.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Template = Literal[
    "task_assigned",
    "task_reminder",
    "task_escalated",
    "task_reassigned",
    "task_cancelled",
    "window_opened",
    "window_closing",
]
Channel = Literal["email", "webhook", "inbox"]

#: Prefix of the signature header value (names the algorithm, as GitHub and Stripe do).
SIGNATURE_PREFIX = "sha256="


class Notice(BaseModel):
    """One notification to one organisation, delivered on every channel it has.

    Channels: ``email`` when :attr:`email` is set, ``webhook`` when :attr:`webhook_url` is
    set, and always ``inbox`` (the organisation's task inbox in the API).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    notification_id: str = Field(
        min_length=1,
        max_length=200,
        description="deterministic id chosen by the workflow; the idempotency key of delivery",
    )
    cycle_id: str = Field(min_length=1)
    task_id: str | None = None
    template: Template
    recipient_org: str = Field(min_length=1, description="organisation id, e.g. MOJ")
    email: str | None = Field(None, min_length=3, description="e-mail address of the desk")
    webhook_url: str | None = Field(None, description="http(s) URL receiving a signed POST")
    subject: str = Field(min_length=1)
    body: str
    data: dict[str, str] = Field(default_factory=dict, description="machine-readable facts")
    occurred_at: datetime = Field(description="business time of the notice (workflow clock)")

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError(f"occurred_at must be timezone-aware, got naive {v.isoformat()}")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and ("@" not in v or any(c in v for c in "\r\n ")):
            raise ValueError(f"email is not an e-mail address: {v!r}")
        return v

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError(f"webhook_url must be an http:// or https:// URL, got {v!r}")
        return v

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The channels this notice goes out on, in delivery order."""
        out: list[Channel] = []
        if self.email:
            out.append("email")
        if self.webhook_url:
            out.append("webhook")
        out.append("inbox")
        return tuple(out)


# ------------------------------------------------------------------------------ wording

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_day(value: date | datetime | str) -> str:
    """``12 March 2027`` (locale-independent); ISO strings are accepted."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``4th``, ``11th``, ``22nd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_FOOTER = (
    "\n\nYou can see and complete your tasks in the uprflow task inbox.\n"
    "This is an automatic message from the national mechanism for reporting and follow-up."
)

#: template -> (required facts, optional facts)
_FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "task_assigned": (("title", "kind", "due"), ("assignee", "instructions")),
    "task_reminder": (("title", "n", "due"), ("assignee",)),
    "task_escalated": (("title", "assignee", "days_overdue", "level", "due"), ()),
    "task_reassigned": (("title", "previous_assignee", "assignee", "due"), ("reason",)),
    "task_cancelled": (("title",), ("assignee", "reason")),
    "window_opened": (("window", "closes"), ("instructions",)),
    "window_closing": (("window", "closes"), ()),
}


def _text(facts: dict[str, object], key: str) -> str:
    return str(facts[key])


def _day(facts: dict[str, object], key: str) -> str:
    value = facts[key]
    if not isinstance(value, date | str):
        raise ValueError(f"{key}: expected a date, datetime or ISO string, got {value!r}")
    try:
        return format_day(value)
    except ValueError as exc:
        raise ValueError(f"{key}: not a date: {value!r}") from exc


def _int(facts: dict[str, object], key: str) -> int:
    value = facts[key]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{key}: expected a whole number, got {value!r}")
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{key}: expected a whole number, got {value!r}") from exc


def render(template: Template, **facts: object) -> tuple[str, str]:
    """The subject and plain-text body of a notice, worded for a ministry desk officer.

    Facts per template (``due``/``closes`` are dates, datetimes or ISO strings):

    - ``task_assigned``: title, kind, due [, assignee, instructions]
    - ``task_reminder``: title, n (the n-th reminder), due [, assignee]
    - ``task_escalated``: title, assignee, days_overdue, level, due
    - ``task_reassigned``: title, previous_assignee, assignee, due [, reason]
    - ``task_cancelled``: title [, assignee, reason]
    - ``window_opened`` / ``window_closing``: window, closes [, instructions]

    Raises ``ValueError`` naming a missing or unknown fact.
    """
    if template not in _FACTS:
        raise ValueError(f"template: unknown template {template!r}")
    required, optional = _FACTS[template]
    missing = [k for k in required if facts.get(k) in (None, "")]
    if missing:
        raise ValueError(f"{template}: missing fact(s) {', '.join(missing)}")
    unknown = sorted(set(facts) - set(required) - set(optional))
    if unknown:
        raise ValueError(f"{template}: unknown fact(s) {', '.join(unknown)}")
    f = facts
    title = _text(f, "title") if "title" in f else ""

    if template == "task_assigned":
        kind = str(f["kind"]).replace("_", " ")
        who = f" to {f['assignee']}" if f.get("assignee") else ""
        subject = f"New task: {title} (due {_day(f, 'due')})"
        body = (
            f"A new task has been assigned{who}.\n\n"
            f"Task: {title}\nType: {kind}\nDue: {_day(f, 'due')}"
        )
        if f.get("instructions"):
            body += f"\n\n{f['instructions']}"
    elif template == "task_reminder":
        n = _int(f, "n")
        due = _day(f, "due")
        subject = f"Reminder: {title} is due {due}"
        body = (
            f"This is the {ordinal(n)} reminder for the task below, which is still open.\n\n"
            f"Task: {title}\nDue: {due}\n\n"
            "Please complete it by the due date or contact the secretariat if you need more time."
        )
    elif template == "task_escalated":
        days = _int(f, "days_overdue")
        level = _int(f, "level")
        due = _day(f, "due")
        day_word = "day" if days == 1 else "days"
        subject = f"Overdue task escalated: {title} ({days} {day_word} overdue)"
        body = (
            f"The task below is {days} {day_word} overdue and has been escalated "
            f"(escalation level {level}).\n\n"
            f"Task: {title}\nAssigned to: {f['assignee']}\n"
            f"Was due: {_day(f, 'due')}\n\n"
            "Please follow up with the responsible ministry."
        )
    elif template == "task_reassigned":
        due = _day(f, "due")
        subject = f"Task reassigned: {title}"
        body = (
            f"The task below has been reassigned from {f['previous_assignee']} "
            f"to {f['assignee']}.\n\nTask: {title}\nDue: {due}"
        )
        if f.get("reason"):
            body += f"\nReason: {f['reason']}"
    elif template == "task_cancelled":
        subject = f"Task cancelled: {title}"
        who = f" assigned to {f['assignee']}" if f.get("assignee") else ""
        body = f"The task below{who} has been cancelled. No further action is needed.\n\n"
        body += f"Task: {title}"
        if f.get("reason"):
            body += f"\nReason: {f['reason']}"
    else:
        window = str(f["window"])
        closes = _day(f, "closes")
        if template == "window_opened":
            subject = f"Now open: {window} (until {closes})"
            body = f"The {window} is now open and closes on {closes}."
            if f.get("instructions"):
                body += f"\n\n{f['instructions']}"
        else:
            subject = f"Closing soon: {window} closes {closes}"
            body = f"The {window} closes on {closes}. Please send any remaining input before then."
    return subject, body + _FOOTER


# ------------------------------------------------------------------------------ signatures


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def sign(secret: str | bytes, timestamp: int | str, body: str | bytes) -> str:
    """The ``X-Uprflow-Signature`` value: ``sha256=`` + hex HMAC of ``<timestamp>.<body>``."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    return SIGNATURE_PREFIX + hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str | bytes,
    timestamp: int | str,
    body: str | bytes,
    header: str | None,
    *,
    now: int | float,
    tolerance_seconds: int = 300,
) -> bool:
    """Check a webhook's ``X-Uprflow-Signature`` header; for receivers of uprflow webhooks.

    The scheme: uprflow sends ``X-Uprflow-Timestamp`` (unix seconds) and
    ``X-Uprflow-Signature: sha256=<hex>`` where ``<hex>`` is HMAC-SHA256 keyed with the
    receiving organisation's webhook secret over the bytes ``<timestamp>.<raw request body>``.
    Pass the body exactly as received (before any JSON parsing). The comparison is
    constant-time.

    ``now`` (unix seconds, e.g. ``time.time()``; required, since this module reads no clock):
    a timestamp more than ``tolerance_seconds`` before or after it is refused. Why required:
    a verifier without a replay window accepts a captured request forever, so there is no
    way to call this without one. The ``X-Uprflow-Notification-Id`` header lets a receiver
    drop duplicates (delivery is at least once).
    """
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    ts = str(timestamp).strip()
    if not ts.isdigit():
        return False
    if abs(now - int(ts)) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, ts, body), header.strip())
