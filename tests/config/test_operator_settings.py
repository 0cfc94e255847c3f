"""Operator settings: Temporal TLS / mTLS / API key, shutdown grace periods, metrics address."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from temporalio.service import TLSConfig

from uprflow.config import Settings
from uprflow.stack import STOP_GRACE_S, STOP_MARGIN_S, Child, Stack
from uprflow.temporal import TemporalConfigError, connect, tls_config


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("UPRFLOW_")]:
        monkeypatch.delenv(key)


def _pem(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(f"-----BEGIN {name}-----\n".encode())
    return path


def test_defaults() -> None:
    s = Settings()
    assert s.worker_shutdown_grace_seconds == 30
    assert s.api_shutdown_grace_seconds == 15
    assert s.worker_metrics_address == ""
    assert s.temporal_api_key is None
    assert not s.temporal_tls_enabled
    assert tls_config(s) is False


def test_plain_tls_uses_the_system_trust_store() -> None:
    assert tls_config(Settings(temporal_tls=True)) is True


def test_ca_client_pair_and_server_name_build_a_tls_config(tmp_path: Path) -> None:
    ca, cert, key = _pem(tmp_path, "CA"), _pem(tmp_path, "CERT"), _pem(tmp_path, "KEY")
    s = Settings(
        temporal_tls_ca_file=ca,
        temporal_tls_cert_file=cert,
        temporal_tls_key_file=key,
        temporal_tls_server_name="temporal.internal",
    )
    assert s.temporal_tls_enabled  # the files imply TLS without UPRFLOW_TEMPORAL_TLS
    cfg = tls_config(s)
    assert isinstance(cfg, TLSConfig)
    assert cfg.server_root_ca_cert == ca.read_bytes()
    assert cfg.client_cert == cert.read_bytes()
    assert cfg.client_private_key == key.read_bytes()
    assert cfg.domain == "temporal.internal"


def test_settings_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = _pem(tmp_path, "CA")
    monkeypatch.setenv("UPRFLOW_TEMPORAL_TLS_CA_FILE", str(ca))
    monkeypatch.setenv("UPRFLOW_TEMPORAL_API_KEY", "key-123")
    monkeypatch.setenv("UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS", "45")
    monkeypatch.setenv("UPRFLOW_API_SHUTDOWN_GRACE_SECONDS", "5")
    monkeypatch.setenv("UPRFLOW_WORKER_METRICS_ADDRESS", "0.0.0.0:9464")
    s = Settings()
    assert s.temporal_tls_ca_file == ca
    assert s.temporal_api_key is not None
    assert s.temporal_api_key.get_secret_value() == "key-123"
    assert "key-123" not in repr(s)  # a secret never shows in logs or tracebacks
    assert (s.worker_shutdown_grace_seconds, s.api_shutdown_grace_seconds) == (45, 5)
    assert s.worker_metrics_address == "0.0.0.0:9464"


def test_an_api_key_implies_tls() -> None:
    s = Settings(temporal_api_key="secret")  # type: ignore[arg-type]
    assert s.temporal_tls_enabled
    assert tls_config(s) is True


def test_a_certificate_without_its_key_is_refused_naming_both(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(temporal_tls_cert_file=_pem(tmp_path, "CERT"))
    assert "UPRFLOW_TEMPORAL_TLS_CERT_FILE" in str(err.value)
    assert "UPRFLOW_TEMPORAL_TLS_KEY_FILE" in str(err.value)
    with pytest.raises(ValidationError, match="UPRFLOW_TEMPORAL_TLS_CERT_FILE"):
        Settings(temporal_tls_key_file=_pem(tmp_path, "KEY"))


def test_a_missing_file_names_the_setting(tmp_path: Path) -> None:
    s = Settings(temporal_tls_ca_file=tmp_path / "absent.pem")
    with pytest.raises(TemporalConfigError, match=r"UPRFLOW_TEMPORAL_TLS_CA_FILE=.*absent\.pem"):
        tls_config(s)
    key = _pem(tmp_path, "KEY")
    s = Settings(temporal_tls_cert_file=tmp_path / "nocert.pem", temporal_tls_key_file=key)
    with pytest.raises(TemporalConfigError, match="UPRFLOW_TEMPORAL_TLS_CERT_FILE"):
        tls_config(s)


def test_connect_fails_on_the_configuration_before_dialling(tmp_path: Path) -> None:
    s = Settings(temporal_address="127.0.0.1:1", temporal_tls_ca_file=tmp_path / "none.pem")
    with pytest.raises(TemporalConfigError, match="UPRFLOW_TEMPORAL_TLS_CA_FILE"):
        asyncio.run(connect(s))


@pytest.mark.parametrize("bad", ["9464", "host", "host:port", ":9464", "a b:1"])
def test_metrics_address_must_be_host_port(bad: str) -> None:
    with pytest.raises(ValidationError, match="UPRFLOW_WORKER_METRICS_ADDRESS"):
        Settings(worker_metrics_address=bad)


@pytest.mark.parametrize("good", ["0.0.0.0:9464", "127.0.0.1:1", "worker:9000", "[::]:9464"])
def test_metrics_address_accepts_host_port(good: str) -> None:
    assert Settings(worker_metrics_address=good).worker_metrics_address == good


def test_grace_periods_are_not_negative() -> None:
    with pytest.raises(ValidationError, match="worker_shutdown_grace_seconds"):
        Settings(worker_shutdown_grace_seconds=-1)
    with pytest.raises(ValidationError, match="api_shutdown_grace_seconds"):
        Settings(api_shutdown_grace_seconds=-1)


def test_up_waits_for_each_childs_grace_before_killing() -> None:
    stack = Stack(Settings(worker_shutdown_grace_seconds=40, api_shutdown_grace_seconds=7))
    assert stack.stop_grace("worker") == 40 + STOP_MARGIN_S
    assert stack.stop_grace("api") == 7 + STOP_MARGIN_S
    assert stack.stop_grace("temporal") == STOP_GRACE_S


_SLOW_TO_STOP = """
import signal, sys, time
def stop(*_):
    time.sleep(1.5)  # finishing in-flight work
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
open(sys.argv[1], "w").close()  # the handler is installed
time.sleep(60)
"""


@pytest.mark.parametrize(("grace_s", "expected"), [(10.0, 0), (0.3, -9)])
def test_a_child_gets_its_grace_before_sigkill(
    grace_s: float, expected: int, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    argv = [sys.executable, "-c", _SLOW_TO_STOP, str(ready)]
    child = Child("slow", argv, {}, stop_grace_s=grace_s)
    child.start()
    assert child.proc is not None
    deadline = time.monotonic() + 30
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    child.stop()
    assert child.proc.returncode == expected
