"""Typed settings for every uprflow process, read from ``UPRFLOW_*`` environment variables.

One object, one place: the CLI, the worker, the API and the tests all build their
configuration from :class:`Settings`. Outside development mode the object refuses the
insecure defaults that make a laptop setup convenient (see :meth:`Settings._refuse_insecure`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The secret shipped for development only; production must set its own.
DEV_SECRET = "uprflow-development-secret-do-not-use-in-production"


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
    temporal_port: int = Field(7233, description="gRPC port of the embedded dev server")
    temporal_ui_port: int = Field(8233, description="Web UI port of the embedded dev server")
    checkpoint_interval_seconds: int = Field(
        3600, ge=1, description="how often the worker records a ledger checkpoint"
    )
    api_host: str = Field("127.0.0.1", description="interface the HTTP API binds")
    api_port: int = Field(8000, description="port of the HTTP API")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING, ERROR")
    log_format: Literal["auto", "console", "json"] = Field(
        "auto", description="auto: readable on a terminal, JSON otherwise"
    )
    secret_key: SecretStr = Field(
        SecretStr(DEV_SECRET), description="key for token hashing and webhook signatures"
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

    @property
    def ledger_url(self) -> str:
        """The effective ledger URL (the SQLite file under ``data_dir`` unless set)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"

    @property
    def embedded(self) -> bool:
        """True when `uprflow up` must start its own Temporal dev server."""
        return self.temporal_address is None

    @property
    def effective_temporal_address(self) -> str:
        """Where clients connect: the configured cluster or the embedded dev server."""
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once from the environment)."""
    return Settings()
