"""The ``deliver_notice`` activity: outbox, e-mail (SMTP), signed webhook, inbox, ledger.

Delivery is at least once towards the outside world and exactly once in our records:

- the outbox row per (notification, channel) says whether a channel was delivered; a retried
  activity skips delivered channels, so a success that was recorded is never sent again;
- each delivery is recorded as a ``NotificationDelivered`` event whose id is derived from
  (notification id, channel), so retries append nothing twice.

The one unavoidable window is a crash between a successful send and its outbox update; the
retry then sends again. Receivers can drop such duplicates by the notification id
(``X-Uprflow-Notification-Id`` header on webhooks; a deterministic ``Message-ID`` on e-mail).
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import ssl
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from uprflow.activities.clock import Clock, system_clock
from uprflow.activities.ports import EventLog, NoticeStore
from uprflow.activities.webhook_targets import WebhookTargetRefused, vet
from uprflow.domain.envelope import Actor, NewEvent, Trace
from uprflow.domain.events import NotificationDelivered
from uprflow.domain.keys import org_webhook_secret
from uprflow.domain.ledger_errors import EventIdConflict
from uprflow.domain.notices import Channel, Notice, sign

#: Namespace of the deterministic ``NotificationDelivered`` event ids (never change it: the
#: ids of recorded deliveries are derived from it).
NAMESPACE = uuid.UUID("4f0c2a53-6b8e-5a57-9d0e-7c1a2b3c4d5e")
#: The system actor that records deliveries.
NOTIFIER = Actor(role="system", organisation="uprflow", subject="notifier")
#: Seconds an SMTP conversation may stall before the try fails (and Temporal retries).
SMTP_TIMEOUT_SECONDS = 30.0
USER_AGENT = "uprflow-notifier/1"


@dataclass(frozen=True)
class NotifierConfig:
    """What the notifier needs to reach the outside world (built from the settings by the
    composition root, :func:`uprflow.worker.notifier_config`).

    ``smtp_host`` unset means e-mail delivery is refused; ``webhook_signing_key`` (derived
    from the master secret for this purpose only, :mod:`uprflow.domain.keys`) yields each
    receiving organisation's own webhook secret. The notifier never holds the master secret.
    """

    webhook_signing_key: bytes = field(repr=False)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    mail_from: str = "uprflow@localhost"
    webhook_timeout_seconds: float = 10.0
    webhook_allow_private: bool = False


class Notifier(Protocol):
    """The port behind the ``deliver_notice`` activity: production delivery, or a wrapper
    around it (the demo's simulated people). ``deliver_notice`` must be an activity
    registered under the name ``deliver_notice``, the name the workflows call."""

    async def deliver_notice(self, notice: Notice) -> Any:
        """Deliver ``notice`` (and whatever the implementation adds)."""
        ...


class DeliveryReport(BaseModel):
    """What ``deliver_notice`` returns: the channels delivered and their ledger positions."""

    notification_id: str
    delivered: list[Channel] = Field(description="channels delivered, in delivery order")
    positions: dict[Channel, int] = Field(
        description="ledger position of each channel's NotificationDelivered event"
    )


def delivery_event_id(notification_id: str, channel: Channel) -> uuid.UUID:
    """The id of the ``NotificationDelivered`` event of one channel of one notification.

    Why deterministic: the ledger deduplicates by event id, so however often the activity is
    retried (or called again with the same notice), one delivery is recorded once.
    """
    return uuid.uuid5(NAMESPACE, f"{notification_id}/{channel}")


def notices_stream(cycle_id: str) -> str:
    """The ledger stream holding a cycle's delivery records."""
    return f"notices-{cycle_id}"


def webhook_body(notice: Notice) -> bytes:
    """The canonical JSON body of a webhook POST (sorted keys, no spaces, UTF-8)."""
    doc = {
        "notification_id": notice.notification_id,
        "cycle_id": notice.cycle_id,
        "task_id": notice.task_id,
        "template": notice.template,
        "recipient_org": notice.recipient_org,
        "subject": notice.subject,
        "body": notice.body,
        "data": notice.data,
        "occurred_at": notice.occurred_at.astimezone(UTC).isoformat(),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class NotificationActivities:
    """Notification activities bound to their outbox, the ledger and the notifier config.

    ``clock`` gives the wall-clock time of a webhook's signed timestamp (the real clock unless
    a test passes its own).
    """

    def __init__(
        self,
        store: NoticeStore,
        ledger: EventLog,
        config: NotifierConfig,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self._store = store
        self._ledger = ledger
        self._config = config
        self._clock = clock

    @activity.defn(name="deliver_notice")
    async def deliver_notice(self, notice: Notice) -> DeliveryReport:
        """Deliver a notice on each of its channels and record every delivery in the ledger.

        Writes the outbox rows, then for each channel not delivered yet: sends it (e-mail,
        webhook; the inbox is delivered at once), marks the row, appends a
        ``NotificationDelivered`` event. A failed channel is recorded (attempt, error) and,
        after the other channels had their try, the activity raises so Temporal retries it
        under the workflow's retry policy. E-mail on a notice while ``UPRFLOW_SMTP_HOST`` is
        unset fails at once and non-retryably (a retry cannot fix configuration).
        A webhook URL whose host resolves to a non-public address (unless
        ``UPRFLOW_WEBHOOK_ALLOW_PRIVATE``) is refused: the outbox row keeps the reason and the
        activity fails non-retryably (``WebhookTargetRefused``) after the other channels.
        """
        if notice.email and not self._config.smtp_host:
            raise ApplicationError(
                f"notice {notice.notification_id!r} has an e-mail address but UPRFLOW_SMTP_HOST "
                "is not set: configure the SMTP server or drop the e-mail address",
                type="SmtpNotConfigured",
                non_retryable=True,
            )
        rows = await asyncio.to_thread(self._store.enqueue, notice)
        senders: dict[Channel, Callable[[Notice], Awaitable[None]]] = {
            "email": self._send_email,
            "webhook": self._send_webhook,
            "inbox": self._deliver_inbox,
        }
        delivered: list[Channel] = []
        positions: dict[Channel, int] = {}
        failures: list[str] = []
        refused = False
        for row in rows:
            channel = row.channel
            # Why skip: a delivered row means the recipient already has it. Sending again on
            # a retry (e.g. after the webhook failed) would duplicate the e-mail.
            if not row.delivered:
                try:
                    await senders[channel](notice)
                except Exception as exc:
                    refused = refused or isinstance(exc, WebhookTargetRefused)
                    error = f"{type(exc).__name__}: {exc}"
                    await asyncio.to_thread(
                        self._store.mark_attempt, notice.notification_id, channel, error
                    )
                    activity.logger.warning(
                        "notice delivery failed",
                        extra={"notification_id": notice.notification_id, "channel": channel},
                    )
                    failures.append(f"{channel}: {error}")
                    continue
            at = await asyncio.to_thread(
                self._store.mark_delivered, notice.notification_id, channel
            )
            # Recorded also for channels delivered by an earlier try: that try may have died
            # between the outbox update and the append. The append is idempotent.
            positions[channel] = await self._record(notice, row.recipient, channel, at)
            delivered.append(channel)
        if refused:
            # Why non-retryable: the target stays refused however often we try; the outbox
            # row keeps the reason (last_error) and the other channels were delivered.
            raise ApplicationError(
                f"notice {notice.notification_id!r} not delivered on "
                + "; ".join(failures)
                + f" (delivered: {', '.join(delivered) or 'none'})",
                type="WebhookTargetRefused",
                non_retryable=True,
            )
        if failures:
            raise ApplicationError(
                f"notice {notice.notification_id!r} not delivered on "
                + "; ".join(failures)
                + f" (delivered: {', '.join(delivered) or 'none'})",
                type="NotificationDeliveryFailed",
            )
        return DeliveryReport(
            notification_id=notice.notification_id, delivered=delivered, positions=positions
        )

    # ------------------------------------------------------------------ recording

    async def _record(self, notice: Notice, recipient: str, channel: Channel, at: datetime) -> int:
        event_id = delivery_event_id(notice.notification_id, channel)
        info = activity.info() if activity.in_activity() else None
        new = NewEvent(
            event=NotificationDelivered(
                cycle_id=notice.cycle_id,
                notification_id=notice.notification_id,
                recipient=recipient,
                channel=channel,
                template=notice.template,
                task_id=notice.task_id,
            ),
            event_id=event_id,
            # The delivery time stored in the outbox, so a retry builds the identical event.
            occurred_at=at,
            actor=NOTIFIER,
            trace=Trace(
                workflow_id=info.workflow_id if info else None,
                run_id=info.workflow_run_id if info else None,
            ),
        )
        try:
            recorded = await self._ledger.append_async(notices_stream(notice.cycle_id), [new])
        except EventIdConflict:
            # Recorded by another workflow run (its trace differs): still one record per
            # delivery, which is what matters; report where it is.
            return await asyncio.to_thread(self._store.position_of, event_id)
        return recorded[0].position

    # ------------------------------------------------------------------ channels

    async def _deliver_inbox(self, notice: Notice) -> None:
        # The inbox is the API's task inbox, read from the ledger and outbox: delivered once
        # written, nothing to send.
        return None

    async def _send_email(self, notice: Notice) -> None:
        s = self._config
        assert notice.email is not None and s.smtp_host is not None
        msg = EmailMessage()
        msg["From"] = s.mail_from
        msg["To"] = notice.email
        msg["Subject"] = notice.subject
        msg["Date"] = format_datetime(notice.occurred_at.astimezone(UTC))
        # Deterministic Message-ID: a duplicate after a crash can be recognised by mail systems.
        msg["Message-ID"] = f"<{delivery_event_id(notice.notification_id, 'email')}@uprflow>"
        msg["X-Uprflow-Notification-Id"] = notice.notification_id
        msg.set_content(notice.body)
        host, port = s.smtp_host, s.smtp_port
        password = s.smtp_password

        def send() -> None:
            with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    smtp.login(s.smtp_username, password or "")
                smtp.send_message(msg)

        # smtplib blocks: keep the worker's event loop free.
        await asyncio.to_thread(send)

    async def _send_webhook(self, notice: Notice) -> None:
        assert notice.webhook_url is not None
        # Resolved and vetted before anything is sent; the POST goes to the vetted address.
        target = await vet(notice.webhook_url, allow_private=self._config.webhook_allow_private)
        body = webhook_body(notice)
        timestamp = str(int(self._clock().timestamp()))
        # Why per organisation: a receiver holds only its own secret, so it can neither forge
        # nor verify another organisation's notices, nor learn the token-hashing key.
        secret = org_webhook_secret(self._config.webhook_signing_key, notice.recipient_org)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Uprflow-Timestamp": timestamp,
            "X-Uprflow-Signature": sign(secret, timestamp, body),
            "X-Uprflow-Notification-Id": notice.notification_id,
            "Host": target.host_header,
        }
        # trust_env=False: a proxy from the environment would resolve the host again itself.
        async with httpx.AsyncClient(
            timeout=self._config.webhook_timeout_seconds, follow_redirects=False, trust_env=False
        ) as client:
            for i, url in enumerate(target.urls):
                try:
                    response = await client.post(
                        url, content=body, headers=headers, extensions=target.extensions
                    )
                    break
                except httpx.ConnectError:
                    # Another vetted address of the same host (e.g. IPv4 after IPv6).
                    if i == len(target.urls) - 1:
                        raise
        if not 200 <= response.status_code < 300:
            raise WebhookRejected(f"{notice.webhook_url} answered HTTP {response.status_code}")


class WebhookRejected(Exception):
    """A webhook receiver answered with a non-2xx status."""
