"""``POST /cycles`` takes no contact addresses from the request: an inline profile with an
e-mail address or a webhook URL is refused (422 naming the fields) before anything starts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.api.conftest import serve
from uprflow.profiles import load_profile


def _body(profile: dict[str, Any]) -> dict[str, Any]:
    review = (date.today() - timedelta(days=400)).isoformat()
    return {"country": "ZZ", "cycle": 7, "review_date": review, "profile": profile}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("webhook_url", "http://127.0.0.1:8233/namespaces/default/workflows"),  # Temporal UI
        ("webhook_url", "https://receiver.example.org/hook"),
        ("email", "attacker@example.org"),
    ],
)
async def test_an_inline_profile_with_contacts_is_refused(
    sqlite_url: str, name: str, value: str
) -> None:
    profile = load_profile("default").model_dump(mode="json")
    profile["organisations"][1][name] = value
    async with serve(sqlite_url) as api:
        resp = await api.client.post(
            "/cycles", json=_body(profile), headers=api.auth("secretariat")
        )
    assert resp.status_code == 422, resp.text
    fields = {e["field"] for e in resp.json()["errors"]}
    assert fields == {f"body.profile.organisations.1.{name}"}
    assert "contact addresses" in resp.json()["detail"]


async def test_an_inline_profile_without_contacts_passes_that_check(sqlite_url: str) -> None:
    profile = load_profile("default").model_dump(mode="json")
    async with serve(sqlite_url) as api:
        resp = await api.client.post(
            "/cycles", json=_body(profile), headers=api.auth("secretariat")
        )
    # No Temporal behind this app: whatever it answers, it is not the contacts refusal.
    assert "contact addresses" not in resp.text
