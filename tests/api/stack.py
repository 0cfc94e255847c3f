"""End-to-end fixtures: the real API over HTTP, a real worker, the real Temporal dev server.

``e2e`` runs ``create_app(settings)`` under ``uvicorn.Server`` on a free 127.0.0.1 port in a
background thread (its own event loop, exactly as in production) and an in-process worker on
the test's event loop, on a task queue of their own, sharing one SQLite ledger file. Tests talk
to the API with ``httpx`` only; ``E2E.token(role, org)`` issues a bearer token the way
``uprflow tokens issue`` does.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from temporalio.testing import WorkflowEnvironment

from uprflow.api.app import create_app
from uprflow.config import Settings
from uprflow.domain.envelope import EventEnvelope
from uprflow.profiles import load_profile
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all, read_stream
from uprflow.worker import build_worker

pytestmark = pytest.mark.devserver

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class E2E:
    """The running stack as a test sees it."""

    base_url: str
    settings: Settings
    engine: sa.Engine
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def token(self, role: str, org: str) -> str:
        _, plaintext = issue_token(
            self.engine,
            self.settings.secret_key.get_secret_value(),
            role=role,
            organisation=org,
            name=f"e2e {role} {org}",
        )
        return plaintext

    def client(self, role: str | None = None, org: str = "-") -> httpx.AsyncClient:
        """An HTTP client, authenticated as ``role`` of ``org`` (anonymous without a role)."""
        headers = {"Authorization": f"Bearer {self.token(role, org)}"} if role else {}
        c = httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30.0)
        self.clients.append(c)
        return c

    def stream(self, stream_id: str) -> list[EventEnvelope]:
        with self.engine.connect() as conn:
            return read_stream(conn, stream_id)

    def events(self) -> list[EventEnvelope]:
        return list(iter_all(self.engine))


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, what: str, timeout: float = 20.0
) -> T:
    """Poll ``probe`` until it returns something truthy (bounded: fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.1)


@pytest.fixture
async def e2e(dev_env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[E2E]:
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        temporal_address=dev_env.client.service_client.config.target_host,
        temporal_task_queue=queue,
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'ledger.db'}",
        log_level="WARNING",
    )
    migrate(settings.ledger_url)
    engine = make_engine(settings.ledger_url)
    ledger = Ledger(engine)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name="e2e-api", daemon=True)
    thread.start()
    stack = E2E(f"http://127.0.0.1:{port}", settings, engine)
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the API did not start")
            await asyncio.sleep(0.05)
        async with build_worker(dev_env.client, settings, engine, ledger=ledger, task_queue=queue):
            yield stack
            for c in stack.clients:
                await c.aclose()
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 15)
        ledger.close()
        engine.dispose()


def problem(resp: httpx.Response, status: int) -> dict[str, Any]:
    """Assert ``resp`` is an RFC 9457 problem with ``status``; its body."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    assert resp.headers["content-type"].startswith("application/problem+json"), resp.headers
    body: dict[str, Any] = resp.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    return body


async def start_default_cycle(client: httpx.AsyncClient, number: int) -> httpx.Response:
    """``POST /cycles``: cycle ``number`` of the default profile, reviewed 400 days ago."""
    profile = load_profile("default")
    response = await client.post(
        "/cycles",
        json={
            "country": profile.country,
            "cycle": number,
            "review_date": (date.today() - timedelta(days=400)).isoformat(),
            "profile": profile.model_dump(mode="json"),
            "chain_next": False,
        },
    )
    assert response.status_code == 201, response.text
    return response
