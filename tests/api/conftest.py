"""Fixtures for the API tests: a real ledger from a real (small) cycle, and the app over ASGI.

- ``demo_ledger`` (session): ``uprflow demo`` for Kenya with 15 recommendations, run once
  under the time-skipping server: ~770 events of a whole cycle, hash chain intact.
- ``demo_url``: a private copy of that ledger per test (tests write tokens and rejections).
- ``replay_into(url, envelopes)``: append recorded envelopes into another database (the
  projections are built as they go), e.g. a PostgreSQL ledger, or the cycle as it stood
  before the outcome was adopted.
- ``serve(url)``: the API for that ledger over ``httpx.ASGITransport`` inside its lifespan,
  with a Temporal address nobody listens on, and ``api.token(role, org)``.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.api.stack import e2e  # noqa: F401  (the live-stack fixture, for the HTTP tests)
from uprflow.api.app import create_app
from uprflow.config import Settings
from uprflow.demo import run_demo
from uprflow.domain.envelope import EventEnvelope, NewEvent
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.ledger import AppendRequest, Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all


@dataclass(frozen=True)
class DemoLedger:
    """The demo cycle's ledger file and the facts the tests need about it."""

    path: Path
    cycle_id: str
    review_date: date
    adopted_at: datetime  # the second after OutcomeAdopted occurred (business time)
    envelopes: tuple[EventEnvelope, ...]

    def of_type(self, *types: str) -> list[EventEnvelope]:
        return [e for e in self.envelopes if e.event_type in types]


@pytest.fixture(scope="session")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> DemoLedger:
    directory = tmp_path_factory.mktemp("demo")
    # Why a thread: run_demo calls asyncio.run, and the session's event loop may be running.
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(run_demo, "KE", directory, 15).result()
    assert report.verify.ok, report.verify.problem
    assert report.replay_as_of is not None
    engine = make_engine(report.database_url)
    try:
        envelopes = tuple(iter_all(engine))
    finally:
        engine.dispose()
    return DemoLedger(
        report.ledger_path, report.cycle_id, report.review_date, report.replay_as_of, envelopes
    )


def copy_sqlite(src: Path, dst: Path) -> str:
    """A consistent copy of a SQLite ledger (the backup API, WAL included); its URL."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)
    return f"sqlite:///{dst}"


@pytest.fixture
def demo_url(demo_ledger: DemoLedger, tmp_path: Path) -> str:
    return copy_sqlite(demo_ledger.path, tmp_path / "ledger.db")


def replay_into(url: str, envelopes: Iterable[EventEnvelope]) -> None:
    """Append recorded events (same ids, times, actors) into the ledger at ``url``."""
    migrate(url)
    engine = make_engine(url)
    ledger = Ledger(engine)
    try:
        batch: list[AppendRequest] = []
        for env in envelopes:
            new = NewEvent(
                event=env.event(),
                event_id=env.event_id,
                occurred_at=env.occurred_at,
                actor=env.actor,
                trace=env.trace,
            )
            batch.append(AppendRequest(env.stream_id, [new]))
            if len(batch) == 200:
                _append(ledger, batch)
                batch = []
        _append(ledger, batch)
    finally:
        ledger.close()
        engine.dispose()


def _append(ledger: Ledger, batch: list[AppendRequest]) -> None:
    for result in ledger.append_many(batch):
        assert not isinstance(result, Exception), result


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Api:
    """The app under test, its client and a way to get tokens."""

    app: FastAPI
    client: httpx.AsyncClient
    settings: Settings
    url: str
    _tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def token(self, role: str, organisation: str = "") -> str:
        org = organisation or {"secretariat": "NMRF", "auditor": "AUDIT"}.get(role, "MOH")
        key = (role, org)
        if key not in self._tokens:
            engine = make_engine(self.url)
            try:
                _, plaintext = issue_token(
                    engine,
                    self.settings.secret_key.get_secret_value(),
                    role=role,
                    organisation=org,
                    name=f"test {role}",
                )
            finally:
                engine.dispose()
            self._tokens[key] = plaintext
        return self._tokens[key]

    def auth(self, role: str, organisation: str = "") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, organisation)}"}


def api_settings(url: str) -> Settings:
    return Settings(database_url=url, temporal_address=f"127.0.0.1:{closed_port()}")


@asynccontextmanager
async def serve(url: str) -> AsyncIterator[Api]:
    settings = api_settings(url)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield Api(app, client, settings, url)
