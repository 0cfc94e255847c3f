"""``uprflow tokens``: issue prints the token once and stores only its hash; list never shows
it; revoke stops it at once; bad input exits 2 naming the option. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa
from typer.testing import CliRunner

from tests.api.conftest import serve
from uprflow.cli import app
from uprflow.config import get_settings
from uprflow.store.access import api_tokens, authenticate
from uprflow.store.db import make_engine

runner = CliRunner()
TOKEN = re.compile(r"^upr_[0-9a-f]{16}_\S+$", re.MULTILINE)


def _issue(db_url: str, *args: str) -> tuple[str, str]:
    result = runner.invoke(app, ["tokens", "issue", *args, "--database-url", db_url])
    assert result.exit_code == 0, result.output
    token = TOKEN.search(result.output)
    token_id = re.search(r"token id:\s+([0-9a-f]{16})", result.output)
    assert token and token_id, result.output
    return token_id.group(1), token.group(0)


def test_issue_list_revoke(db_url: str) -> None:
    token_id, token = _issue(db_url, "--role", "ministry", "--org", "MOH", "--name", "Desk A")
    auditor_id, _ = _issue(db_url, "--role", "auditor")
    secretariat_id, _ = _issue(db_url, "--role", "secretariat")
    assert token.startswith(f"upr_{token_id}_")

    secret = get_settings().secret_key.get_secret_value()
    engine = make_engine(db_url)
    try:
        record = authenticate(engine, secret, token)
        assert record is not None
        assert (record.role, record.organisation, record.name) == ("ministry", "MOH", "Desk A")
        with engine.connect() as conn:
            rows = conn.execute(sa.select(api_tokens)).all()
        # Only the keyed hash is stored: the token (or its secret part) is in no column.
        # upr_<hex id>_<url-safe secret>: the secret itself may contain "_".
        secret_part = token.split("_", 2)[2]
        for row in rows:
            for value in row:
                assert token not in str(value) and secret_part not in str(value)
        orgs = {r.token_id: r.organisation for r in rows}
        assert orgs[auditor_id] == "AUDIT" and orgs[secretariat_id] == "NMRF"

        listed = runner.invoke(app, ["tokens", "list", "--database-url", db_url])
        assert listed.exit_code == 0, listed.output
        header = listed.output.splitlines()[0].split()
        assert header == ["id", "role", "org", "name", "created", "revoked"]
        assert token_id in listed.output and "Desk A" in listed.output
        assert token not in listed.output and secret_part not in listed.output

        revoked = runner.invoke(app, ["tokens", "revoke", token_id, "--database-url", db_url])
        assert revoked.exit_code == 0, revoked.output
        assert f"revoked {token_id}" in revoked.output
        assert authenticate(engine, secret, token) is None
        line = next(
            x
            for x in runner.invoke(
                app, ["tokens", "list", "--database-url", db_url]
            ).output.splitlines()
            if x.startswith(token_id)
        )
        assert not line.rstrip().endswith("-")  # the revoked column holds a time

        unknown = runner.invoke(app, ["tokens", "revoke", "nope", "--database-url", db_url])
        assert unknown.exit_code == 1 and "nope" in unknown.output
    finally:
        engine.dispose()


def test_bad_input_names_the_option(sqlite_url: str) -> None:
    bad_role = runner.invoke(
        app, ["tokens", "issue", "--role", "minister", "--database-url", sqlite_url]
    )
    assert bad_role.exit_code == 2 and "--role" in bad_role.output
    assert "ministry" in bad_role.output  # the allowed roles are listed
    for role in ("ministry", "nhri", "cso", "parliament"):
        no_org = runner.invoke(
            app, ["tokens", "issue", "--role", role, "--database-url", sqlite_url]
        )
        assert no_org.exit_code == 2 and "--org" in no_org.output, no_org.output
    missing = runner.invoke(app, ["tokens", "issue", "--database-url", sqlite_url])
    assert missing.exit_code == 2 and "--role" in missing.output


async def test_an_issued_token_works_on_the_api_until_revoked(sqlite_url: str) -> None:
    token_id, token = _issue(sqlite_url, "--role", "auditor")
    async with serve(sqlite_url) as api:
        h = {"Authorization": f"Bearer {token}"}
        assert (await api.client.get("/audit/verify", headers=h)).status_code == 200
        result = runner.invoke(app, ["tokens", "revoke", token_id, "--database-url", sqlite_url])
        assert result.exit_code == 0
        assert (await api.client.get("/audit/verify", headers=h)).status_code == 401
