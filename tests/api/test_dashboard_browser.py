"""The public dashboard in a real browser: Debian's Chromium driven by Playwright.

A whole KE cycle (30 recommendations, adopted) is run by ``uprflow demo``'s :func:`run_demo`;
the API serves its ledger with uvicorn on a free loopback port (Temporal pointed at a closed
port: the dashboard needs only the ledger). The test loads ``/``, opens the KE cycle, chooses
a theme in the filter form and submits it, then checks the table against the ledger folded
independently (``store.reading.read_cycle`` + ``domain.fold.fold``): the same recommendation
ids, their decided positions and statuses, the count shown, and no proposed position's
justification, decided justification or foreign-ministry note anywhere in the page. A
screenshot goes to ``tests/artifacts/dashboard.png``.

Chromium is never downloaded: ``/usr/bin/chromium`` is Debian's (``.ci/run`` installs it);
without it these tests are skipped (marker ``browser``), except in CI where that fails the run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.api.conftest import replay_into
from tests.capabilities import CHROMIUM
from uprflow.api.app import create_app
from uprflow.api.dashboard.view import POSITION_LABELS, Labels
from uprflow.config import Settings
from uprflow.demo import run_demo
from uprflow.domain.fold import fold
from uprflow.domain.state import CycleState
from uprflow.store.db import make_engine
from uprflow.store.reading import iter_all, read_cycle

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SCREENSHOT = ARTIFACTS / "dashboard.png"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A ledger with one whole, adopted KE cycle: (database URL, cycle id)."""
    directory = tmp_path_factory.mktemp("demo")
    # Why a thread: run_demo calls asyncio.run, and the session's event loop may be running.
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(run_demo, "KE", directory, 30).result()
    assert report.verify.ok, report.verify.problem
    return report.database_url, report.cycle_id


@contextmanager
def _serve(url: str, data_dir: Path) -> Iterator[str]:
    """The API on the ledger at ``url``, under uvicorn in a thread; yields its base URL."""
    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        temporal_address=f"127.0.0.1:{_free_port()}",  # closed: nothing listens there
        log_format="console",
    )
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start in 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(demo_ledger: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API on the demo ledger; yields its base URL."""
    with _serve(demo_ledger[0], tmp_path_factory.mktemp("data")) as base:
        yield base


def _folded(url: str, cycle_id: str) -> CycleState:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return fold(read_cycle(conn, cycle_id), cycle_id)
    finally:
        engine.dispose()


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium "
            "(apt-get install chromium; .ci/run does it). Never `playwright install`."
        )


async def test_dashboard_filters_by_theme_and_matches_the_ledger(
    demo_ledger: tuple[str, str], server: str
) -> None:
    _require_chromium()
    from playwright.async_api import async_playwright

    url, cycle_id = demo_ledger
    state = _folded(url, cycle_id)
    assert state.outcome_adopted_on is not None, "the demo cycle is adopted"
    recs = state.recommendations
    assert len(recs) == 30
    # The theme chosen: the most frequent one, so the filter really narrows the table.
    themes: dict[str, int] = {}
    for r in recs.values():
        for t in r.themes:
            themes[t] = themes.get(t, 0) + 1
    theme = max(sorted(themes), key=lambda t: themes[t])
    expected = {rid for rid, r in recs.items() if theme in r.themes}
    assert 0 < len(expected) < len(recs)
    secrets = {
        s
        for r in recs.values()
        for s in (r.proposed_justification, r.justification, r.assessment_note)
        if s and len(s.strip()) >= 8
    }

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(f"{server}/")
            assert await page.get_attribute("html", "lang") == "en"
            assert await page.locator("main").count() == 1
            assert await page.locator("a.skip[href='#content']").count() == 1
            await page.get_by_role("link", name="Kenya").click()
            await page.wait_for_url(f"**/dashboard/{cycle_id}")
            assert await page.locator("h1").inner_text() == "Kenya: UPR cycle 1"
            all_rows = await page.locator("#results tbody tr").count()
            assert all_rows == len(recs)
            assert await page.locator("#positions-notice").count() == 0

            # Filter by theme through the form (a plain GET form, no script involved).
            await page.select_option("#f-theme", label=theme)
            await page.get_by_role("button", name="Apply filters").click()
            await page.wait_for_url("**theme=*")
            assert await page.locator("#f-theme").input_value() == theme

            rows = page.locator("#results tbody tr")
            shown: dict[str, tuple[str, str]] = {}
            for i in range(await rows.count()):
                row = rows.nth(i)
                rid = await row.get_attribute("data-id")
                assert rid is not None
                cells = await row.locator("td").all_inner_texts()
                assert cells[0] == rid
                shown[rid] = (cells[5].strip(), cells[6].strip())
            assert set(shown) == expected
            for rid, (position, status) in shown.items():
                r = recs[rid]
                assert r.position is not None, "adopted: every position is decided"
                assert position == POSITION_LABELS[r.position]
                assert status == Labels.status(r.implementation_status)
            count = await page.locator("#result-count").inner_text()
            assert count.startswith(f"{len(expected)} of {len(recs)} recommendations shown")

            # The charts: labelled SVG, each with its data table.
            chart = page.locator("svg#chart-theme")
            assert await chart.get_attribute("role") == "img"
            assert theme in (await page.locator("#chart-theme-desc").text_content() or "")

            html = await page.content()
            leaked = [s for s in secrets if s in html]
            assert leaked == [], f"unpublished text in the page: {leaked[:3]}"

            csv_href = await page.get_by_role("link", name="Download the matrix").get_attribute(
                "href"
            )
            assert csv_href == f"/public/cycles/{cycle_id}/recommendations.csv"

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            await browser.close()

    # The public CSV behind the link holds the same rows as the filtered page.
    async with httpx.AsyncClient(base_url=server) as client:
        resp = await client.get(csv_href, params={"theme": theme})
    assert resp.status_code == 200
    lines = resp.text.lstrip("\ufeff").splitlines()
    assert {line.split(",", 1)[0] for line in lines[1:]} == expected
    assert not any(s in resp.text for s in secrets)


async def test_before_adoption_no_position_is_shown(
    demo_ledger: tuple[str, str], tmp_path: Path
) -> None:
    """The same cycle as it stood just before the outcome was adopted: positions were decided
    in the ledger, but the dashboard shows none, says when they will be, offers no position
    filter, and a position in the query string matches nothing."""
    _require_chromium()
    from playwright.async_api import async_playwright

    url, cycle_id = demo_ledger
    engine = make_engine(url)
    try:
        envelopes = list(iter_all(engine))
    finally:
        engine.dispose()
    adoption = next(e.position for e in envelopes if e.event_type == "OutcomeAdopted")
    before = [e for e in envelopes if e.position < adoption]
    assert any(e.event_type == "PositionDecided" for e in before)
    before_url = f"sqlite:///{tmp_path / 'before.db'}"
    replay_into(before_url, before)
    state = _folded(before_url, cycle_id)
    assert state.outcome_adopted_on is None
    assert any(r.position is not None for r in state.recommendations.values())

    with _serve(before_url, tmp_path / "data") as base:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page()
                await page.goto(f"{base}/")
                assert (
                    "published once the outcome is adopted"
                    in await page.locator("main table").inner_text()
                )
                await page.get_by_role("link", name="Kenya").click()
                await page.wait_for_url(f"**/dashboard/{cycle_id}")
                notice = await page.locator("#positions-notice").inner_text()
                assert "published once the outcome is adopted" in notice
                assert await page.locator("#f-position").count() == 0
                cells = await page.locator("#results tbody td.position").all_inner_texts()
                assert len(cells) == len(state.recommendations)
                assert set(cells) == {"not yet published"}
                main = await page.locator("main").inner_text()
                for label in POSITION_LABELS.values():
                    assert label not in main, label
                await page.goto(f"{base}/dashboard/{cycle_id}?position=supported")
                assert await page.locator("#results tbody tr").count() == 0
            finally:
                await browser.close()
        async with httpx.AsyncClient(base_url=base) as client:
            resp = await client.get(f"/public/cycles/{cycle_id}/recommendations.csv")
    assert resp.status_code == 200
    rows = resp.text.lstrip("\ufeff").splitlines()
    assert len(rows) == len(state.recommendations) + 1
    assert all(row.rsplit(",", 2)[1] == "" for row in rows[1:]), "no position before adoption"
