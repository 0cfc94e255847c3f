"""Webhooks never reach internal addresses: the host is resolved, every address vetted, the
POST pinned to the vetted address; a refusal is non-retryable and kept in the outbox."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from tests.activities.notify_workflows import DeliverNoticeProbe
from tests.activities.webhook_receiver import receiving, webhook_notice
from uprflow.activities.notify import NotificationActivities
from uprflow.activities.webhook_targets import WebhookTargetRefused, vet, why_not_public
from uprflow.config import Settings
from uprflow.store import outbox
from uprflow.store.adapters import SqlNoticeStore
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.worker import notifier_config

SECRET = "a-webhook-secret-of-more-than-32-characters"


def _acts(engine: sa.Engine, ledger: Ledger, **settings: object) -> NotificationActivities:
    s = Settings(secret_key=SECRET, webhook_timeout_seconds=5, **settings)  # type: ignore[arg-type]
    return NotificationActivities(SqlNoticeStore(engine), ledger, notifier_config(s))


@pytest.fixture
def store(sqlite_url: str) -> Iterator[tuple[sa.Engine, Ledger]]:
    engine = make_engine(sqlite_url)
    migrate(engine)
    ledger = Ledger(engine)
    try:
        yield engine, ledger
    finally:
        ledger.close()
        engine.dispose()


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("localhost", "loopback"),  # a name resolving to loopback
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped
    ],
)
async def test_the_default_refuses_internal_targets_without_sending(
    store: tuple[sa.Engine, Ledger], host: str, reason: str
) -> None:
    engine, ledger = store
    acts = _acts(engine, ledger)  # default settings: UPRFLOW_WEBHOOK_ALLOW_PRIVATE=false
    with receiving() as hooks:
        notice = webhook_notice(f"http://{host}:{hooks.port}/hooks/uprflow")
        with pytest.raises(ApplicationError) as refused:
            await ActivityEnvironment().run(acts.deliver_notice, notice)
    assert refused.value.non_retryable and refused.value.type == "WebhookTargetRefused"
    assert reason in refused.value.message and "UPRFLOW_WEBHOOK_ALLOW_PRIVATE" in str(refused.value)
    assert hooks.requests == []  # nothing reached the internal address
    rows = {r.channel: r for r in outbox.rows(engine, notice.notification_id)}
    # Recorded and visible: the webhook row keeps the reason; the inbox was still delivered.
    assert rows["webhook"].status != "delivered" and rows["webhook"].attempts == 1
    assert rows["webhook"].last_error and "WebhookTargetRefused" in rows["webhook"].last_error
    assert rows["inbox"].status == "delivered"


async def test_a_refusal_is_not_retried_for_a_day(
    ts_env: WorkflowEnvironment, store: tuple[sa.Engine, Ledger]
) -> None:
    engine, ledger = store
    acts = _acts(engine, ledger)
    notice = webhook_notice("http://169.254.169.254/latest/meta-data/")
    queue = f"notify-{uuid.uuid4().hex}"
    async with Worker(
        ts_env.client,
        task_queue=queue,
        workflows=[DeliverNoticeProbe],
        activities=[acts.deliver_notice],
    ):
        with pytest.raises(WorkflowFailureError) as failed:
            await ts_env.client.execute_workflow(
                DeliverNoticeProbe.run, notice, id=f"notify-{uuid.uuid4().hex}", task_queue=queue
            )
    cause = failed.value.cause
    assert isinstance(cause, ActivityError) and isinstance(cause.cause, ApplicationError)
    assert cause.cause.type == "WebhookTargetRefused" and cause.cause.non_retryable
    [webhook] = [r for r in outbox.rows(engine, notice.notification_id) if r.channel == "webhook"]
    assert webhook.attempts == 1  # one try, no retries


@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
    ],
)
def test_non_public_addresses(address: str) -> None:
    assert why_not_public(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert why_not_public(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url", ["ftp://example.org/hook", "file:///etc/passwd", "gopher://x/", "http:///nohost"]
)
async def test_only_http_urls(url: str) -> None:
    with pytest.raises(WebhookTargetRefused):
        await vet(url, allow_private=True)


async def test_the_post_goes_to_the_vetted_address_with_the_host_kept(
    store: tuple[sa.Engine, Ledger],
) -> None:
    """Pinning: the URL names ``localhost``; the request is sent to the address it resolved to
    once, with ``Host: localhost:<port>`` (allowed here: on-premise setting on)."""
    target = await vet("https://localhost:8443/hook", allow_private=True)
    assert all(ip.is_loopback for ip in target.addresses)
    assert [u.host for u in target.urls] == [str(ip) for ip in target.addresses]
    assert target.host_header == "localhost:8443"
    assert target.extensions == {"sni_hostname": "localhost"}
    engine, ledger = store
    acts = _acts(engine, ledger, webhook_allow_private=True)
    with receiving() as hooks:
        notice = webhook_notice(f"http://localhost:{hooks.port}/hooks/uprflow")
        report = await ActivityEnvironment().run(acts.deliver_notice, notice)
    assert report.delivered == ["webhook", "inbox"]
    [(headers, _body)] = hooks.requests
    assert headers["host"] == f"localhost:{hooks.port}"
