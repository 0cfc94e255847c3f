"""Token hashing has its own key, derived from ``UPRFLOW_SECRET_KEY``: no webhook secret is it,
and tokens hashed with the master before the derivation still work once and are re-hashed."""

from __future__ import annotations

import sqlalchemy as sa

from tests.api.conftest import serve
from uprflow.domain.keys import (
    org_webhook_secret,
    org_webhook_secret_from_master,
    token_hashing_key,
    webhook_signing_key,
)
from uprflow.store.access import (
    api_tokens,
    authenticate,
    issue_token,
    legacy_token_hash,
    token_hash,
)
from uprflow.store.db import make_engine

MASTER = "a-master-secret-of-more-than-32-characters"


def test_the_token_key_is_no_webhook_secret() -> None:
    token_key = token_hashing_key(MASTER)
    signing_key = webhook_signing_key(MASTER)
    secrets = {org: org_webhook_secret(signing_key, org) for org in ("MOJ", "MOH", "NMRF", "CSO-1")}
    assert token_key != signing_key and token_key != MASTER.encode()
    assert len(set(secrets.values())) == len(secrets)  # one secret per organisation
    for secret in secrets.values():
        assert secret not in (token_key.hex(), signing_key.hex(), MASTER)
    assert secrets["MOJ"] == org_webhook_secret_from_master(MASTER, "MOJ")
    # What a receiver could compute from its secret is not what the store keeps.
    token = "upr_0123456789abcdef_x"
    stored = token_hash(MASTER, token)
    assert stored != legacy_token_hash(MASTER, token)
    assert all(
        stored != legacy_token_hash(s, token) for s in (*secrets.values(), signing_key.hex())
    )


async def test_a_token_issued_before_the_derivation_still_works_and_is_rehashed(
    sqlite_url: str,
) -> None:
    async with serve(sqlite_url) as api:
        master = api.settings.secret_key.get_secret_value()
        engine = make_engine(sqlite_url)
        try:
            record, token = issue_token(
                engine, master, role="auditor", organisation="AUDIT", name="old desk"
            )
            # As the previous release stored it: HMAC keyed with the master secret itself.
            with engine.begin() as conn:
                conn.execute(
                    api_tokens.update()
                    .where(api_tokens.c.token_id == record.token_id)
                    .values(token_hash=legacy_token_hash(master, token))
                )
            h = {"Authorization": f"Bearer {token}"}
            assert (await api.client.get("/audit/verify", headers=h)).status_code == 200
            with engine.connect() as conn:
                stored = conn.execute(
                    sa.select(api_tokens.c.token_hash).where(
                        api_tokens.c.token_id == record.token_id
                    )
                ).scalar_one()
            assert stored == token_hash(master, token)  # re-hashed under the derived key
            assert (await api.client.get("/audit/verify", headers=h)).status_code == 200
            assert authenticate(engine, master, token) is not None
            # A wrong token matches neither hash.
            bad = {"Authorization": f"Bearer {token}x"}
            assert (await api.client.get("/audit/verify", headers=bad)).status_code == 401
        finally:
            engine.dispose()
