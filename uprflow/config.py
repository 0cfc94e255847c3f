"""Typed settings for every uprflow process, read from ``UPRFLOW_*`` environment variables.

One object, one place: the CLI, the worker, the API and the tests all build their
configuration from :class:`Settings`. Outside development mode the object refuses the
insecure defaults that make a laptop setup convenient (see :meth:`Settings._refuse_insecure`).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The secret shipped for development only; production must set its own.
DEV_SECRET = "uprflow-development-secret-do-not-use-in-production"
#: ``host:port`` (IPv6 hosts in brackets), the form the Temporal SDK's metrics server binds.
_HOST_PORT = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}")


class Settings(BaseSettings):
    """All configuration of uprflow. Each field is the variable ``UPRFLOW_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="UPRFLOW_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = Field(
        "development", description="development allows embedded defaults; production refuses them"
    )
    data_dir: Path = Field(
        Path(".uprflow"), description="where the embedded Temporal state and SQLite ledger live"
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the ledger; default sqlite:///<data_dir>/ledger.db",
    )
    temporal_address: str | None = Field(
        None,
        description="host:port of a Temporal frontend; unset: `uprflow up` embeds a dev server",
    )
    temporal_namespace: str = Field("default", description="Temporal namespace")
    temporal_task_queue: str = Field("uprflow", description="task queue of the worker")
    temporal_tls: bool = Field(False, description="connect to Temporal over TLS")
    temporal_tls_ca_file: Path | None = Field(
        None, description="PEM CA bundle that signs the server certificate (implies TLS)"
    )
    temporal_tls_cert_file: Path | None = Field(
        None, description="PEM client certificate for mTLS (needs the key file; implies TLS)"
    )
    temporal_tls_key_file: Path | None = Field(
        None, description="PEM private key of the client certificate (mTLS; implies TLS)"
    )
    temporal_tls_server_name: str | None = Field(
        None, description="name the server certificate is checked against and sent as SNI"
    )
    temporal_api_key: SecretStr | None = Field(
        None, description="API key for Temporal Cloud (sent as a bearer token; implies TLS)"
    )
    temporal_port: int = Field(7233, description="gRPC port of the embedded dev server")
    temporal_ui_port: int = Field(8233, description="Web UI port of the embedded dev server")
    checkpoint_interval_seconds: int = Field(
        3600, ge=1, description="how often the worker records a ledger checkpoint"
    )
    worker_shutdown_grace_seconds: int = Field(
        30,
        ge=0,
        description="on SIGTERM, how long running activities may take to finish before the "
        "worker cancels them",
    )
    worker_metrics_address: str = Field(
        "",
        description="host:port where the worker serves Temporal SDK metrics for Prometheus "
        "(/metrics); empty: off",
    )
    api_host: str = Field("127.0.0.1", description="interface the HTTP API binds")
    api_port: int = Field(8000, description="port of the HTTP API")
    api_shutdown_grace_seconds: int = Field(
        15, ge=0, description="on SIGTERM, how long the API lets in-flight requests finish"
    )
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING, ERROR")
    log_format: Literal["auto", "console", "json"] = Field(
        "auto", description="auto: readable on a terminal, JSON otherwise"
    )
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET),
        description="master secret: the token-hashing key and the per-organisation webhook "
        "secrets are derived from it",
    )
    smtp_host: str | None = Field(
        None, description="SMTP server for e-mail notices; unset: e-mail delivery is refused"
    )
    smtp_port: int = Field(25, description="port of the SMTP server")
    smtp_starttls: bool = Field(False, description="upgrade the SMTP connection with STARTTLS")
    smtp_username: str | None = Field(None, description="SMTP login user (unset: no login)")
    smtp_password: SecretStr | None = Field(None, description="SMTP login password")
    mail_from: str = Field("uprflow@localhost", description="From: address of e-mail notices")
    webhook_timeout_seconds: float = Field(
        10.0, gt=0, description="timeout of one webhook POST (connect, read, write)"
    )
    webhook_allow_private: bool = Field(
        False,
        description="deliver webhooks to loopback, private, link-local and other non-public "
        "addresses (on-premise receivers, tests); off: such targets are refused",
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1, description="largest request body the API reads (413 above)"
    )
    max_import_bytes: int = Field(
        20 * 1024 * 1024, ge=1, description="largest upload of the file import route (413 above)"
    )
    max_import_rows: int = Field(100_000, ge=1, description="most rows an imported file may hold")
    rate_limit_anonymous_per_minute: int = Field(
        600, ge=0, description="requests per minute per client address without a token; 0: off"
    )
    rate_limit_authenticated_per_minute: int = Field(
        3000, ge=0, description="requests per minute per bearer token; 0: off"
    )

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        # Why here and not at connect time: a half-configured mTLS pair or a malformed
        # metrics address is a deployment mistake; the process says so before it starts.
        cert, key = self.temporal_tls_cert_file, self.temporal_tls_key_file
        if (cert is None) != (key is None):
            raise ValueError(
                "UPRFLOW_TEMPORAL_TLS_CERT_FILE and UPRFLOW_TEMPORAL_TLS_KEY_FILE must be set "
                "together (mTLS needs the client certificate and its key)"
            )
        if self.worker_metrics_address and not _HOST_PORT.fullmatch(self.worker_metrics_address):
            raise ValueError(
                "UPRFLOW_WORKER_METRICS_ADDRESS must be host:port (e.g. 0.0.0.0:9464), got "
                f"{self.worker_metrics_address!r}"
            )
        return self

    @model_validator(mode="after")
    def _refuse_insecure(self) -> Settings:
        # Why: a production deployment that silently runs on laptop defaults would sign
        # webhooks with a published key and keep its ledger in a local file.
        if self.env != "production":
            return self
        problems: list[str] = []
        if (
            self.secret_key.get_secret_value() == DEV_SECRET
            or len(self.secret_key.get_secret_value()) < 32
        ):
            problems.append("UPRFLOW_SECRET_KEY must be set to a random value of 32+ characters")
        if self.database_url is None or self.database_url.startswith("sqlite"):
            problems.append("UPRFLOW_DATABASE_URL must point to PostgreSQL")
        if self.temporal_address is None:
            problems.append("UPRFLOW_TEMPORAL_ADDRESS must name the Temporal cluster frontend")
        if problems:
            raise ValueError("insecure settings for production: " + "; ".join(problems))
        return self

    def public_bind_problem(self) -> str | None:
        """Why the API must not bind where it is configured to, or None when it may.

        Why not only in production: the development key is published, so anyone who can
        reach a non-loopback bind can mint tokens' hashes and forge webhook signatures,
        whatever ``UPRFLOW_ENV`` says. ``uprflow api`` and ``uprflow up`` refuse to start.
        """
        if self.secret_key.get_secret_value() != DEV_SECRET or _is_loopback(self.api_host):
            return None
        return (
            f"UPRFLOW_API_HOST={self.api_host!r} is not a loopback address and "
            "UPRFLOW_SECRET_KEY is the published development key: set UPRFLOW_SECRET_KEY to a "
            "random value of 32+ characters, or bind the API to 127.0.0.1"
        )

    @property
    def ledger_url(self) -> str:
        """The effective ledger URL (the SQLite file under ``data_dir`` unless set)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"

    @property
    def temporal_tls_enabled(self) -> bool:
        """True when the Temporal connection uses TLS: asked for, or implied by a TLS file,
        a server name or an API key (Temporal Cloud accepts API keys over TLS only)."""
        return self.temporal_tls or any(
            v is not None
            for v in (
                self.temporal_tls_ca_file,
                self.temporal_tls_cert_file,
                self.temporal_tls_key_file,
                self.temporal_tls_server_name,
                self.temporal_api_key,
            )
        )

    @property
    def embedded(self) -> bool:
        """True when `uprflow up` must start its own Temporal dev server."""
        return self.temporal_address is None

    @property
    def effective_temporal_address(self) -> str:
        """Where clients connect: the configured cluster or the embedded dev server."""
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"


def _is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
