"""Malformed XML and JSON over HTTP (issue 12, item 9): a workbook whose XML declares entities
and a JSON file or body nested 100,000 deep are refused with a 4xx problem, never a 500, and
nothing is imported."""

from __future__ import annotations

import pytest

from tests.api.conftest import DemoLedger, serve
from tests.api.stack import problem
from tests.importing.test_hostile_files import DEEP_JSON, hostile_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "data", "media", "says"),
    [
        ("laughs.xlsx", hostile_xlsx("laughs"), XLSX, "entities"),
        ("xxe.xlsx", hostile_xlsx("external"), XLSX, "entities"),
        ("deep.json", DEEP_JSON, "application/json", "nested too deeply"),
    ],
    ids=["billion-laughs", "external-entity", "deep-json"],
)
async def test_import_file_refuses_hostile_files(
    demo_url: str, demo_ledger: DemoLedger, name: str, data: bytes, media: str, says: str
) -> None:
    async with serve(demo_url) as api:
        resp = await api.client.post(
            f"/cycles/{demo_ledger.cycle_id}/recommendations/import-file",
            files={"file": (name, data, media)},
            headers=api.auth("secretariat", "OAG-DOJ"),
        )
    body = problem(resp, 422)
    assert says in body["detail"] and "nothing imported" in body["detail"], body


async def test_deeply_nested_json_body_is_a_client_error(
    demo_url: str, demo_ledger: DemoLedger
) -> None:
    async with serve(demo_url) as api:
        resp = await api.client.post(
            f"/cycles/{demo_ledger.cycle_id}/comments",
            content=DEEP_JSON,
            headers={**api.auth("cso", "KHRC"), "Content-Type": "application/json"},
        )
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text[:300])
