"""`GET /health`, `/livez` and `/readyz` against the real dev server: each component reported,
503 when one is down (readiness naming it), liveness 200 whatever is down."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from uprflow.api.app import create_app
from uprflow.config import Settings
from uprflow.store.db import make_engine
from uprflow.store.migrate import migrate
from uprflow.worker import build_worker

pytestmark = pytest.mark.devserver


@asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _settings(tmp_path: Path, temporal: str, **kw: object) -> Settings:
    return Settings(
        data_dir=tmp_path,
        temporal_address=temporal,
        temporal_task_queue=f"health-{tmp_path.name}",
        **kw,  # type: ignore[arg-type]
    )


async def test_all_up_with_a_worker_and_worker_down_without(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = _settings(tmp_path, dev_env.client.service_client.config.target_host)
    async with api_client(settings) as http:
        r = await http.get("/health")
        assert r.status_code == 503
        body = r.json()
        assert body["status"] == "down"
        assert body["components"]["api"]["status"] == "up"
        assert body["components"]["database"]["status"] == "up"
        assert body["components"]["temporal"]["status"] == "up"
        assert body["components"]["worker"]["status"] == "down"
        ready = await http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["down"] == ["worker"]
        assert (await http.get("/livez")).json() == {"status": "up"}

        migrate(settings.ledger_url)
        engine = make_engine(settings.ledger_url)
        try:
            async with build_worker(dev_env.client, settings, engine):
                for _ in range(50):
                    r = await http.get("/health")
                    if r.status_code == 200:
                        break
                assert r.status_code == 200, r.json()
                assert {c["status"] for c in r.json()["components"].values()} == {"up"}
                assert "pollers" in r.json()["components"]["worker"]["detail"]
                ready = await http.get("/readyz")
                assert ready.status_code == 200, ready.json()
                assert ready.json()["status"] == "up" and ready.json()["down"] == []
                assert set(ready.json()["components"]) == {"database", "temporal", "worker"}
        finally:
            engine.dispose()


async def test_temporal_down_is_reported(tmp_path: Path) -> None:
    settings = _settings(tmp_path, f"127.0.0.1:{_closed_port()}")
    async with api_client(settings) as http:
        r = await http.get("/health")
        ready = await http.get("/readyz")
        live = await http.get("/livez")
    assert ready.status_code == 503
    assert ready.json()["down"] == ["temporal", "worker"]
    assert live.status_code == 200 and live.json() == {"status": "up"}
    assert r.status_code == 503
    comps = r.json()["components"]
    assert comps["temporal"]["status"] == "down"
    assert comps["worker"]["status"] == "down"
    assert comps["database"]["status"] == "up"


async def test_database_down_is_reported(dev_env: WorkflowEnvironment, tmp_path: Path) -> None:
    settings = _settings(
        tmp_path,
        dev_env.client.service_client.config.target_host,
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/nothing",
    )
    async with api_client(settings) as http:
        r = await http.get("/health")
        ready = await http.get("/readyz")
        live = await http.get("/livez")
    assert ready.status_code == 503 and "database" in ready.json()["down"]
    assert "OperationalError" in ready.json()["components"]["database"]["detail"]
    assert live.status_code == 200
    assert r.status_code == 503
    comps = r.json()["components"]
    assert comps["database"]["status"] == "down"
    assert "OperationalError" in comps["database"]["detail"]


def test_probes_are_documented_operations_without_a_token(tmp_path: Path) -> None:
    doc = create_app(_settings(tmp_path, "127.0.0.1:1")).openapi()
    for path in ("/health", "/livez", "/readyz"):
        op = doc["paths"][path]["get"]
        assert op["tags"] == ["operations"], path
        assert "security" not in op, path
    assert "503" in doc["paths"]["/readyz"]["get"]["responses"]
    assert "/metrics" not in doc["paths"]
