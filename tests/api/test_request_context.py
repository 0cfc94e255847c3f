"""The request-id and metrics layer wraps the error handler too: a crash keeps its request id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import structlog
from structlog.testing import capture_logs

from uprflow.api.app import create_app
from uprflow.config import Settings


def test_an_unhandled_error_keeps_its_request_id(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, temporal_address="127.0.0.1:1"))

    @app.get("/boom/{item}", include_in_schema=False)
    async def boom(item: str) -> None:
        raise RuntimeError(f"broken {item}")

    async def call() -> tuple[httpx.Response, str]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            r = await http.get("/boom/1", headers={"X-Request-ID": "crash-1"})
            return r, (await http.get("/metrics")).text

    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        response, metrics = asyncio.run(call())
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "crash-1"
    assert response.headers["content-type"].startswith("application/problem+json")
    crash = [e for e in logs if e.get("event") == "unhandled error"]
    assert crash and crash[0]["request_id"] == "crash-1"
    sample = 'uprflow_http_requests_total{method="GET",route="/boom/{item}",status="500"} 1.0'
    assert sample in metrics
