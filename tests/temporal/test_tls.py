"""Temporal over TLS and mTLS with the ``UPRFLOW_TEMPORAL_TLS_*`` settings, end to end.

The dev server speaks plaintext only, so a small TLS terminator in front of it plays the TLS
frontend: it presents ``tls/server.pem`` (issued by ``tls/ca.pem`` to ``temporal.test``,
not to the address dialled), asks for a client certificate issued by the same CA, negotiates
HTTP/2 and relays bytes to the dev server. The certificates were made once (100 years) with::

    openssl ecparam -name prime256v1 -genkey -noout -out ca.key   # not kept
    openssl req -x509 -new -key ca.key -days 36500 -subj "/CN=uprflow test CA" \\
        -addext "basicConstraints=critical,CA:TRUE" \\
        -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
    # server (SAN DNS:temporal.test, serverAuth) and client (clientAuth): a P-256 key each
    # (PKCS#8), a CSR, and `openssl x509 -req -CA ca.pem -CAkey ca.key -days 36500`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from uprflow.config import Settings
from uprflow.temporal import connect

pytestmark = pytest.mark.devserver

TLS = Path(__file__).resolve().parent / "tls"
SERVER_NAME = "temporal.test"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


@asynccontextmanager
async def tls_frontend(upstream: str) -> AsyncIterator[str]:
    """A TLS (mTLS) terminator on a free loopback port in front of ``upstream``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(TLS / "server.pem", TLS / "server.key")
    ctx.load_verify_locations(TLS / "ca.pem")
    ctx.verify_mode = ssl.CERT_REQUIRED  # mTLS: no client certificate, no connection
    ctx.set_alpn_protocols(["h2"])  # gRPC clients insist on HTTP/2 by ALPN
    host, port = upstream.rsplit(":", 1)
    tasks: set[asyncio.Task[None]] = set()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    def on_client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(relay(reader, writer))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(on_client, "127.0.0.1", 0, ssl=ctx)
    try:
        yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _settings(address: str, **tls: object) -> Settings:
    return Settings(temporal_address=address, **tls)  # type: ignore[arg-type]


MTLS = {
    "temporal_tls_ca_file": TLS / "ca.pem",
    "temporal_tls_cert_file": TLS / "client.pem",
    "temporal_tls_key_file": TLS / "client.key",
    "temporal_tls_server_name": SERVER_NAME,
}


async def test_connects_over_mtls_with_the_settings(dev_env: WorkflowEnvironment) -> None:
    upstream = dev_env.client.service_client.config.target_host
    async with tls_frontend(upstream) as address:
        client = await asyncio.wait_for(connect(_settings(address, **MTLS)), 20)
        assert await client.service_client.check_health()
        # A real call through TLS: the namespace the dev server serves.
        assert [w async for w in client.list_workflows("WorkflowId = 'none-such'")] == []


@pytest.mark.parametrize(
    ("missing", "error"),
    [
        ("temporal_tls_server_name", "NotValidForName"),  # issued to temporal.test
        ("temporal_tls_ca_file", "UnknownIssuer"),  # not a public CA
        ("client pair", "transport error"),  # the server ends the handshake: no certificate
    ],
)
async def test_each_setting_is_needed(
    dev_env: WorkflowEnvironment, missing: str, error: str
) -> None:
    upstream = dev_env.client.service_client.config.target_host
    settings = dict(MTLS)
    if missing == "client pair":
        del settings["temporal_tls_cert_file"], settings["temporal_tls_key_file"]
    else:
        del settings[missing]
    async with tls_frontend(upstream) as address:
        with pytest.raises(RuntimeError, match=error):
            await asyncio.wait_for(connect(_settings(address, **settings)), 20)
