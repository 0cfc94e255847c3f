"""Notice delivery against real parts: aiosmtpd, a local HTTP receiver, Temporal, both databases."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from tests.activities.notify_workflows import DeliverNoticeProbe
from uprflow.activities.notify import (
    NotificationActivities,
    delivery_event_id,
    notices_stream,
)
from uprflow.config import Settings
from uprflow.domain.events import NotificationDelivered
from uprflow.domain.keys import org_webhook_secret_from_master, webhook_signing_key
from uprflow.domain.notices import Notice, render, verify_signature
from uprflow.store import outbox
from uprflow.store.adapters import SqlNoticeStore
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import read_stream
from uprflow.worker import notifier_config

SECRET = "a-webhook-secret-of-more-than-32-characters"
#: What the receiving organisation (MOJ) holds: its own secret, never the master.
MOJ_SECRET = org_webhook_secret_from_master(SECRET, "MOJ")


def verified(headers: dict[str, str], body: bytes, secret: str = MOJ_SECRET) -> bool:
    """Whether a received webhook verifies with ``secret`` now (default replay window)."""
    return verify_signature(
        secret,
        headers["x-uprflow-timestamp"],
        body,
        headers["x-uprflow-signature"],
        now=time.time(),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- real servers


class Mailbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(raw)))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 recording POSTs; answers ``statuses`` in turn, then 200."""

    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                rec.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = rec.statuses.pop(0) if rec.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/uprflow"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Stack:
    engine: sa.Engine
    ledger: Ledger
    settings: Settings
    acts: NotificationActivities


def make_stack(db_url: str, **settings: Any) -> Iterator[Stack]:
    engine = make_engine(db_url)
    migrate(engine)
    ledger = Ledger(engine)
    # The receiver is on 127.0.0.1: allowed here as on-premise; refused by default
    # (tests/activities/test_webhook_targets.py).
    settings.setdefault("webhook_allow_private", True)
    s = Settings(secret_key=SECRET, webhook_timeout_seconds=5, **settings)
    try:
        yield Stack(
            engine,
            ledger,
            s,
            NotificationActivities(SqlNoticeStore(engine), ledger, notifier_config(s)),
        )
    finally:
        ledger.close()
        engine.dispose()


@pytest.fixture
def stack(db_url: str, mailbox: tuple[Mailbox, int]) -> Iterator[Stack]:
    yield from make_stack(db_url, smtp_host="127.0.0.1", smtp_port=mailbox[1])


def make_notice(receiver: Receiver, *, email: str | None = "desk@moj.example") -> Notice:
    subject, body = render(
        "task_reminder", title="Section 4: access to justice", n=1, due="2027-03-12"
    )
    return Notice(
        notification_id=f"task-MOJ-7/reminder-1/{uuid.uuid4().hex[:8]}",
        cycle_id="cycle-KE-4",
        task_id="task-MOJ-7",
        template="task_reminder",
        recipient_org="MOJ",
        email=email,
        webhook_url=receiver.url,
        subject=subject,
        body=body,
        data={"task_id": "task-MOJ-7", "due": "2027-03-12"},
        occurred_at=datetime(2027, 3, 5, 9, 0, tzinfo=UTC),
    )


def deliveries(engine: sa.Engine, cycle_id: str) -> list[tuple[str, str]]:
    """(channel, notification_id) of every NotificationDelivered in the cycle's stream."""
    with engine.connect() as conn:
        envs = read_stream(conn, notices_stream(cycle_id))
    out: list[tuple[str, str]] = []
    for env in envs:
        ev = env.event()
        assert isinstance(ev, NotificationDelivered)
        out.append((ev.channel, ev.notification_id))
    return out


# --------------------------------------------------------------------------- tests


async def test_email_and_signed_webhook_delivered_and_recorded(
    stack: Stack, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    notice = make_notice(receiver)
    report = await ActivityEnvironment().run(stack.acts.deliver_notice, notice)

    assert report.delivered == ["email", "webhook", "inbox"]
    assert set(report.positions) == {"email", "webhook", "inbox"}

    box, _ = mailbox
    [(rcpt, msg)] = box.messages
    assert rcpt == ["desk@moj.example"]
    assert msg["To"] == "desk@moj.example"
    assert msg["From"] == "uprflow@localhost"
    assert msg["Subject"] == "Reminder: Section 4: access to justice is due 12 March 2027"
    assert msg["X-Uprflow-Notification-Id"] == notice.notification_id
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode()
    assert "1st reminder" in text and "Due: 12 March 2027" in text

    [(headers, body)] = receiver.requests
    assert headers["content-type"] == "application/json"
    assert headers["x-uprflow-notification-id"] == notice.notification_id
    assert verified(headers, body)
    assert not verified(headers, body, "another-key")
    assert not verified(headers, body, SECRET)  # the master secret is not the receiver's
    doc = json.loads(body)
    assert doc["notification_id"] == notice.notification_id
    assert doc["subject"] == notice.subject and doc["data"]["due"] == "2027-03-12"
    assert body == json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()

    assert deliveries(stack.engine, "cycle-KE-4") == [
        ("email", notice.notification_id),
        ("webhook", notice.notification_id),
        ("inbox", notice.notification_id),
    ]
    with stack.engine.connect() as conn:
        envs = read_stream(conn, notices_stream("cycle-KE-4"))
    assert envs[0].event_id == delivery_event_id(notice.notification_id, "email")
    assert envs[0].actor.subject == "notifier" and envs[0].actor.role == "system"
    assert [r.status for r in outbox.rows(stack.engine, notice.notification_id)] == [
        "delivered"
    ] * 3
    assert outbox.pending(stack.engine) == []


async def test_the_webhook_timestamp_comes_from_the_injected_clock(
    stack: Stack, receiver: Receiver
) -> None:
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    acts = NotificationActivities(
        SqlNoticeStore(stack.engine),
        stack.ledger,
        notifier_config(stack.settings),
        clock=lambda: at,
    )
    notice = make_notice(receiver, email=None)
    await ActivityEnvironment().run(acts.deliver_notice, notice)
    [(headers, body)] = receiver.requests
    assert headers["x-uprflow-timestamp"] == str(int(at.timestamp()))
    assert verify_signature(
        MOJ_SECRET,
        headers["x-uprflow-timestamp"],
        body,
        headers["x-uprflow-signature"],
        now=at.timestamp(),
    )


def test_the_notifier_config_comes_from_the_settings_and_hides_its_secrets() -> None:
    s = Settings(
        secret_key=SECRET,
        smtp_host="mail.example",
        smtp_port=587,
        smtp_starttls=True,
        smtp_username="desk",
        smtp_password="hunter2-and-more",
        mail_from="upr@example.org",
        webhook_timeout_seconds=3,
    )
    config = notifier_config(s)
    assert config.webhook_signing_key == webhook_signing_key(SECRET)
    assert config.smtp_password == "hunter2-and-more"
    assert (config.smtp_host, config.smtp_port, config.smtp_starttls) == ("mail.example", 587, True)
    assert (config.smtp_username, config.mail_from) == ("desk", "upr@example.org")
    assert config.webhook_timeout_seconds == 3
    assert config.webhook_allow_private is False  # the default refuses internal targets
    assert SECRET not in repr(config) and "hunter2" not in repr(config)
    assert str(config.webhook_signing_key) not in repr(config)


async def test_second_call_sends_and_records_nothing(
    stack: Stack, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    notice = make_notice(receiver)
    env = ActivityEnvironment()
    first = await env.run(stack.acts.deliver_notice, notice)
    second = await env.run(stack.acts.deliver_notice, notice)

    assert second == first  # same channels, same ledger positions
    assert len(mailbox[0].messages) == 1
    assert len(receiver.requests) == 1
    assert len(deliveries(stack.engine, "cycle-KE-4")) == 3
    assert len(outbox.enqueue(stack.engine, notice)) == 3
    assert [r.attempts for r in outbox.rows(stack.engine, notice.notification_id)] == [1, 1, 1]


async def test_webhook_retried_by_temporal_until_it_answers(
    ts_env: WorkflowEnvironment, stack: Stack, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    receiver.statuses = [500, 500]
    notice = make_notice(receiver)
    queue = f"notify-{uuid.uuid4().hex}"
    async with Worker(
        ts_env.client,
        task_queue=queue,
        workflows=[DeliverNoticeProbe],
        activities=[stack.acts.deliver_notice],
    ):
        report = await ts_env.client.execute_workflow(
            DeliverNoticeProbe.run, notice, id=f"notify-{uuid.uuid4().hex}", task_queue=queue
        )

    assert report.delivered == ["email", "webhook", "inbox"]
    assert len(receiver.requests) == 3
    for headers, body in receiver.requests:
        assert verified(headers, body)
    assert len(mailbox[0].messages) == 1  # e-mail went out on the first try only
    by_channel = {r.channel: r for r in outbox.rows(stack.engine, notice.notification_id)}
    assert by_channel["webhook"].attempts == 3
    assert by_channel["webhook"].status == "delivered"
    assert (
        by_channel["webhook"].last_error is not None and "500" in by_channel["webhook"].last_error
    )
    assert by_channel["email"].attempts == 1 and by_channel["inbox"].attempts == 1
    recorded = deliveries(stack.engine, "cycle-KE-4")
    assert sorted(c for c, _ in recorded) == ["email", "inbox", "webhook"]


@pytest.fixture
def stack_without_smtp(db_url: str) -> Iterator[Stack]:
    yield from make_stack(db_url)


async def test_email_without_smtp_host_fails_non_retryably(
    ts_env: WorkflowEnvironment, stack_without_smtp: Stack, receiver: Receiver
) -> None:
    stack = stack_without_smtp
    notice = make_notice(receiver)
    queue = f"notify-{uuid.uuid4().hex}"
    async with Worker(
        ts_env.client,
        task_queue=queue,
        workflows=[DeliverNoticeProbe],
        activities=[stack.acts.deliver_notice],
    ):
        with pytest.raises(WorkflowFailureError) as failed:
            await ts_env.client.execute_workflow(
                DeliverNoticeProbe.run, notice, id=f"notify-{uuid.uuid4().hex}", task_queue=queue
            )
    activity_error = failed.value.cause
    assert isinstance(activity_error, ActivityError)
    cause = activity_error.cause
    assert isinstance(cause, ApplicationError)
    assert cause.non_retryable and cause.type == "SmtpNotConfigured"
    assert "UPRFLOW_SMTP_HOST" in cause.message
    # Nothing half-done: no request, no outbox row, no event.
    assert receiver.requests == []
    assert outbox.rows(stack.engine, notice.notification_id) == []
    assert deliveries(stack.engine, "cycle-KE-4") == []


async def test_inbox_only_notice_needs_no_smtp(
    stack_without_smtp: Stack, receiver: Receiver
) -> None:
    notice = make_notice(receiver, email=None).model_copy(update={"webhook_url": None})
    report = await ActivityEnvironment().run(stack_without_smtp.acts.deliver_notice, notice)
    assert report.delivered == ["inbox"]
    assert deliveries(stack_without_smtp.engine, "cycle-KE-4") == [
        ("inbox", notice.notification_id)
    ]


async def test_delivered_but_unrecorded_channel_is_recorded_not_resent(
    stack: Stack, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    # A try that died between the outbox update and the ledger append: the channel is
    # delivered in the outbox but has no event. The retry records it and sends nothing.
    notice = make_notice(receiver)
    delivered_at = datetime(2027, 3, 5, 9, 0, 7, tzinfo=UTC)
    outbox.enqueue(stack.engine, notice)
    outbox.mark_delivered(stack.engine, notice.notification_id, "email", at=delivered_at)

    report = await ActivityEnvironment().run(stack.acts.deliver_notice, notice)

    assert report.delivered == ["email", "webhook", "inbox"]
    assert mailbox[0].messages == []
    assert len(receiver.requests) == 1
    with stack.engine.connect() as conn:
        [email_event, *_] = read_stream(conn, notices_stream("cycle-KE-4"))
    assert email_event.event_id == delivery_event_id(notice.notification_id, "email")
    assert email_event.occurred_at == delivered_at


async def test_another_workflow_run_finds_the_first_record(
    stack: Stack, mailbox: tuple[Mailbox, int], receiver: Receiver
) -> None:
    notice = make_notice(receiver)
    first_env = ActivityEnvironment()
    first = await first_env.run(stack.acts.deliver_notice, notice)
    # Same notice from a different run (e.g. after a reset): its trace differs, so the ledger
    # refuses a second record under the same event id; the activity reports the first one.
    second_env = ActivityEnvironment()
    second_env.info = dataclasses.replace(first_env.info, workflow_run_id="another-run")
    second = await second_env.run(stack.acts.deliver_notice, notice)

    assert second.positions == first.positions
    assert len(mailbox[0].messages) == 1 and len(receiver.requests) == 1
    assert len(deliveries(stack.engine, "cycle-KE-4")) == 3
