"""Internal deliberation over HTTP (issue 12, item 2), on the ledger of a real Kenyan cycle.

What this proves: ``GET /cycles/{id}/recommendations`` shows the proposed positions, their
justifications and the foreign ministry's assessment to the cycle's own secretariat (Kenya's
``OAG-DOJ``), to auditors and to the lead ministry on the recommendations it leads; every
other caller (a CSO outside the profile, a ministry that leads none of them, the NHRI,
parliament, a secretariat of another country's NMRF) gets them as null, row by row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.api.conftest import DemoLedger, serve
from uprflow.profiles import load_profile

DELIBERATION = (
    "proposed_position",
    "proposed_justification",
    "assessment_concurs",
    "assessment_note",
)


async def _items(api: Any, cycle_id: str, role: str, org: str) -> list[dict[str, Any]]:
    r = await api.client.get(
        f"/cycles/{cycle_id}/recommendations",
        params={"limit": 1000},
        headers=api.auth(role, org),
    )
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    assert items
    return items


def _shown(item: dict[str, Any]) -> bool:
    return any(item.get(f) is not None for f in DELIBERATION)


async def test_deliberation_only_for_secretariat_auditors_and_lead(
    demo_ledger: DemoLedger, demo_url: str
) -> None:
    cycle_id = demo_ledger.cycle_id
    secretariat = load_profile("KE").nmrf.secretariat
    async with serve(demo_url) as api:
        # Auditors and the cycle's secretariat see every recommendation's deliberation.
        full = await _items(api, cycle_id, "auditor", "AUDIT")
        assert sum(_shown(i) for i in full) >= 5, full
        assert any(i["proposed_position"] for i in full)
        assert any(i["assessment_concurs"] is not None for i in full)
        assert await _items(api, cycle_id, "secretariat", secretariat) == full

        # The lead ministry sees it on the recommendations it leads, and only there.
        leads = Counter(i["lead_ministry"] for i in full if _shown(i))
        lead, _ = leads.most_common(1)[0]
        as_lead = await _items(api, cycle_id, "ministry", lead)
        for mine, ref in zip(as_lead, full, strict=True):
            if ref["lead_ministry"] == lead:
                assert mine == ref
            else:
                assert not _shown(mine), mine
        assert any(_shown(i) for i in as_lead)

        # Everyone else: the same list, the deliberation null in every row.
        leading = {i["lead_ministry"] for i in full}
        outsider_ministry = next(
            o.code
            for o in load_profile("KE").organisations
            if o.kind == "ministry" and o.code not in leading
        )
        for role, org in [
            ("cso", "CSO-OUTSIDE"),
            ("ministry", outsider_ministry),
            ("nhri", "KNCHR"),
            ("parliament", "PARL"),
            ("secretariat", "MFA-XX"),
        ]:
            seen = await _items(api, cycle_id, role, org)
            assert not any(_shown(i) for i in seen), (role, org)
            assert [i["recommendation_id"] for i in seen] == [i["recommendation_id"] for i in full]
            assert [i["position"] for i in seen] == [i["position"] for i in full]
