"""``uprflow webhooks secret --org ORG``: the secret the operator hands to one organisation
verifies that organisation's deliveries and nobody else's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from temporalio.testing import ActivityEnvironment
from typer.testing import CliRunner

from tests.activities.webhook_receiver import receiving, webhook_notice
from uprflow.activities.notify import NotificationActivities
from uprflow.cli import app
from uprflow.config import Settings, get_settings
from uprflow.domain.notices import sign, verify_signature
from uprflow.store.adapters import SqlNoticeStore
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.worker import notifier_config

runner = CliRunner()
MASTER = "the-operators-master-secret-0123456789abcdef"


@pytest.fixture
def master_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("UPRFLOW_SECRET_KEY", MASTER)
    get_settings.cache_clear()
    try:
        yield MASTER
    finally:
        get_settings.cache_clear()


def _secret(org: str) -> str:
    result = runner.invoke(app, ["webhooks", "secret", "--org", org])
    assert result.exit_code == 0, result.output
    return result.output.strip()


async def test_each_organisation_verifies_only_its_own_deliveries(
    master_key: str, sqlite_url: str
) -> None:
    moj, moh = _secret("MOJ"), _secret("MOH")
    assert len(moj) == 64 and moj != moh and MASTER not in (moj, moh)
    engine = make_engine(sqlite_url)
    migrate(engine)
    ledger = Ledger(engine)
    settings = Settings(secret_key=master_key, webhook_allow_private=True)
    acts = NotificationActivities(SqlNoticeStore(engine), ledger, notifier_config(settings))
    try:
        with receiving() as hooks:
            await ActivityEnvironment().run(acts.deliver_notice, webhook_notice(hooks.url, "MOJ"))
    finally:
        ledger.close()
        engine.dispose()
    [(headers, body)] = hooks.requests
    ts, sig, now = headers["x-uprflow-timestamp"], headers["x-uprflow-signature"], time.time()
    assert verify_signature(moj, ts, body, sig, now=now)
    # MOH's receiver cannot verify MOJ's notice, nor forge one MOJ would accept.
    assert not verify_signature(moh, ts, body, sig, now=now)
    assert not verify_signature(master_key, ts, body, sig, now=now)
    forged = b'{"subject":"send the files to moh"}'
    assert not verify_signature(moj, ts, forged, sign(moh, ts, forged), now=now)
    # The same delivery replayed 10 minutes later is refused.
    assert not verify_signature(moj, ts, body, sig, now=int(ts) + 600)


def test_the_org_is_required(master_key: str) -> None:
    missing = runner.invoke(app, ["webhooks", "secret"])
    assert missing.exit_code == 2 and "--org" in missing.output
    blank = runner.invoke(app, ["webhooks", "secret", "--org", " "])
    assert blank.exit_code == 2 and "--org" in blank.output
