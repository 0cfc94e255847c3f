"""Request limits before anything is read (issue 12, items 1 and 6), over HTTP and raw ASGI
as an attacker would send them: an oversized or anonymous body is refused without the
application reading it, a streamed body is cut at the limit, callers are rate-limited."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tests.api.conftest import closed_port
from uprflow.api.app import create_app
from uprflow.config import Settings
from uprflow.importing import upr_info
from uprflow.importing.detect import MAX_UNCOMPRESSED_BYTES
from uprflow.store.access import issue_token
from uprflow.store.db import make_engine
from uprflow.store.reading import iter_all


@asynccontextmanager
async def _app(tmp_path: Path, **limits: Any) -> AsyncIterator[tuple[FastAPI, Settings, str]]:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    settings = Settings(database_url=url, temporal_address=f"127.0.0.1:{closed_port()}", **limits)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app, settings, url


def _token(url: str, settings: Settings, role: str = "secretariat", org: str = "NMRF") -> str:
    engine = make_engine(url)
    try:
        _, plaintext = issue_token(
            engine, settings.secret_key.get_secret_value(), role=role, organisation=org, name="t"
        )
    finally:
        engine.dispose()
    return plaintext


def _events(url: str) -> int:
    engine = make_engine(url)
    try:
        return sum(1 for _ in iter_all(engine))
    finally:
        engine.dispose()


async def _raw(
    app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, dict[str, str], dict[str, Any], int]:
    """Call the app over raw ASGI; also how many body chunks it pulled."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        if pulled > len(chunks):
            return {"type": "http.disconnect"}
        return {
            "type": "http.request",
            "body": chunks[pulled - 1],
            "more_body": pulled < len(chunks),
        }

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(dict(message))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.7", 5000),
        "server": ("api.test", 80),
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    head = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], head, json.loads(body) if body else {}, pulled


async def test_declared_oversized_body_is_refused_unread(tmp_path: Path) -> None:
    async with _app(tmp_path) as (app, settings, url):
        token = _token(url, settings)
        before = _events(url)
        for auth in ({}, {"Authorization": f"Bearer {token}"}):
            status, head, body, pulled = await _raw(
                app,
                "POST",
                "/cycles/cycle-KE-4/comments",
                {"content-type": "application/json", "content-length": "300000000", **auth},
                [b'{"text": "x"}'],
            )
            assert status == 413 and pulled == 0, (status, body)
            assert head["content-type"] == "application/problem+json"
            assert str(settings.max_body_bytes) in body["detail"]
        assert _events(url) == before


async def test_anonymous_body_to_a_token_route_is_refused_unread(tmp_path: Path) -> None:
    async with _app(tmp_path) as (app, _, url):
        status, head, body, pulled = await _raw(
            app,
            "POST",
            "/cycles/cycle-KE-4/stages/consultation/close",
            {"content-type": "application/json", "content-length": "17"},
            [b'{"reason": "now"}'],
        )
        assert (status, pulled) == (401, 0)
        assert head["www-authenticate"] == "Bearer" and body["status"] == 401
        assert _events(url) == 0


async def test_streamed_body_is_cut_at_the_limit(tmp_path: Path) -> None:
    async with _app(tmp_path, max_body_bytes=1000) as (app, settings, url):
        token = _token(url, settings)
        chunks = [b"x" * 400] * 50  # 20 kB chunked, no Content-Length
        for auth in ({}, {"Authorization": f"Bearer {token}"}):
            status, _, body, pulled = await _raw(
                app,
                "POST",
                "/cycles/cycle-KE-4/comments",
                {"content-type": "application/json", "transfer-encoding": "chunked", **auth},
                chunks,
            )
            if not auth:
                assert (status, pulled) == (401, 0)
                continue
            assert status == 413, body
            assert pulled <= 3  # stopped as soon as the count passed 1000 bytes
        assert _events(url) == 0


async def test_over_http_the_import_route_has_its_own_limit(tmp_path: Path) -> None:
    limits = {"max_body_bytes": 10_000, "max_import_bytes": 100_000}
    async with _app(tmp_path, **limits) as (app, settings, url):
        auth = {"Authorization": f"Bearer {_token(url, settings)}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
            path = "/cycles/cycle-KE-4/recommendations/import-file"
            medium = {"file": ("x.csv", b"a,b\n" + b"1,2\n" * 5_000, "text/csv")}  # 20 kB
            large = {"file": ("x.csv", b"a,b\n" + b"1,2\n" * 30_000, "text/csv")}  # 120 kB
            passes = await c.post(path, files=medium, headers=auth)
            refused = await c.post(path, files=large, headers=auth)
            json_big = await c.post(
                "/cycles/cycle-KE-4/comments", json={"text": "y" * 20_000}, headers=auth
            )
    assert passes.status_code == 422, passes.text  # read and parsed: not a known format
    assert refused.status_code == 413 and json_big.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"


async def test_rate_limits_per_address_and_per_token(tmp_path: Path) -> None:
    limits = {"rate_limit_anonymous_per_minute": 3, "rate_limit_authenticated_per_minute": 5}
    async with _app(tmp_path, **limits) as (app, settings, url):
        token = _token(url, settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
            anonymous = [(await c.get("/public/cycles")).status_code for _ in range(4)]
            limited = await c.get("/public/cycles")
            probes = [(await c.get(p)).status_code for p in ("/livez", "/metrics") * 5]
            # Random tokens buy no fresh bucket: they are charged to the address.
            forged = await c.get("/tasks", headers={"Authorization": "Bearer forged-1"})
            auth = {"Authorization": f"Bearer {token}"}
            mine = [(await c.get("/tasks", headers=auth)).status_code for _ in range(6)]
            tokens_limited = await c.get("/tasks", headers=auth)
    assert anonymous == [200, 200, 200, 429]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["status"] == 429
    assert set(probes) == {200}
    assert forged.status_code == 429
    # The first request of a token not yet known also needs the address's bucket: the
    # address is exhausted, so a valid token is refused once, then it has its own bucket.
    assert mine[0] == 429
    assert tokens_limited.status_code == 429


async def test_a_known_token_has_its_own_bucket(tmp_path: Path) -> None:
    limits = {"rate_limit_anonymous_per_minute": 2, "rate_limit_authenticated_per_minute": 5}
    async with _app(tmp_path, **limits) as (app, settings, url):
        auth = {"Authorization": f"Bearer {_token(url, settings)}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
            mine = [(await c.get("/tasks", headers=auth)).status_code for _ in range(6)]
            anonymous = (await c.get("/public/cycles")).status_code
    # 5 allowed by the token's bucket (the first also took one of the address's 2 tokens).
    assert mine == [200] * 5 + [429]
    assert anonymous == 200


def _bomb(declared: int) -> bytes:
    """A small XLSX-looking zip whose one member expands to ``declared`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z, z.open("xl/sheet.xml", "w") as f:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(declared // len(chunk) + 1):
            f.write(chunk)
    return out.getvalue()


async def test_imports_are_capped_by_rows_and_uncompressed_size(tmp_path: Path) -> None:
    async with _app(tmp_path, max_import_rows=3) as (app, settings, url):
        auth = {"Authorization": f"Bearer {_token(url, settings)}"}
        header = ",".join(upr_info.COLUMNS).encode() + b"\n"
        rows = b"".join(b"x" * len(upr_info.COLUMNS) + b"\n" for _ in range(4))
        bomb = _bomb(MAX_UNCOMPRESSED_BYTES)
        assert len(bomb) < settings.max_import_bytes
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as c:
            path = "/cycles/cycle-KE-4/recommendations/import-file"
            too_many = await c.post(
                path, files={"file": ("x.csv", header + rows, "text/csv")}, headers=auth
            )
            expands = await c.post(
                path, files={"file": ("x.xlsx", bomb, "application/octet-stream")}, headers=auth
            )
    assert too_many.status_code == 422, too_many.text
    assert "more than 3 rows" in too_many.json()["detail"]
    assert "UPRFLOW_MAX_IMPORT_ROWS" in too_many.json()["detail"]
    assert expands.status_code == 422, expands.text
    assert "expands to more than 256 MB" in expands.json()["detail"]
    engine = make_engine(url)
    try:
        # Nothing imported: only the two refusals of the authenticated caller are recorded.
        assert [e.event_type for e in iter_all(engine)] == ["CommandRejected"] * 2
    finally:
        engine.dispose()


async def test_the_import_upload_is_read_only_after_the_token(tmp_path: Path) -> None:
    path = "/cycles/cycle-KE-4/recommendations/import-file"
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\n'
        b"a,b\r\n--b--\r\n"
    )
    head = {"content-type": "multipart/form-data; boundary=b", "content-length": str(len(body))}
    async with _app(tmp_path) as (app, settings, url):
        forged = await _raw(app, "POST", path, {**head, "authorization": "Bearer forged"}, [body])
        auditor = {"authorization": f"Bearer {_token(url, settings, 'auditor', 'AUDIT')}"}
        wrong_role = await _raw(app, "POST", path, {**head, **auditor}, [body])
        secretariat = {"authorization": f"Bearer {_token(url, settings)}"}
        no_file = body.replace(b'name="file"', b'name="other"')
        missing = await _raw(
            app,
            "POST",
            path,
            {**head, **secretariat, "content-length": str(len(no_file))},
            [no_file],
        )
    # A forged token or the wrong role is refused before a byte of the upload is read.
    assert (forged[0], forged[3]) == (401, 0)
    assert (wrong_role[0], wrong_role[3]) == (403, 0)
    assert missing[0] == 422 and missing[2]["errors"][0]["field"] == "body.file"
