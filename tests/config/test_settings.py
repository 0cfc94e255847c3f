from pathlib import Path

import pytest
from pydantic import ValidationError

from uprflow.config import DEV_SECRET, Settings


def test_defaults_are_the_embedded_development_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [k for k in __import__("os").environ if k.startswith("UPRFLOW_")]:
        monkeypatch.delenv(key)
    s = Settings()
    assert s.env == "development"
    assert s.embedded
    assert s.effective_temporal_address == "127.0.0.1:7233"
    assert s.ledger_url == f"sqlite:///{(Path('.uprflow') / 'ledger.db').resolve()}"
    assert s.secret_key.get_secret_value() == DEV_SECRET


def test_variables_use_the_uprflow_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPRFLOW_API_PORT", "9100")
    monkeypatch.setenv("UPRFLOW_TEMPORAL_ADDRESS", "temporal:7233")
    s = Settings()
    assert s.api_port == 9100
    assert not s.embedded
    assert s.effective_temporal_address == "temporal:7233"


def test_bad_value_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPRFLOW_API_PORT", "eighty")
    with pytest.raises(ValidationError, match="api_port"):
        Settings()


def test_production_refuses_every_insecure_default() -> None:
    with pytest.raises(ValidationError) as err:
        Settings(env="production")
    text = str(err.value)
    assert "UPRFLOW_SECRET_KEY" in text
    assert "UPRFLOW_DATABASE_URL" in text
    assert "UPRFLOW_TEMPORAL_ADDRESS" in text


def test_production_refuses_sqlite_and_short_secret() -> None:
    with pytest.raises(ValidationError, match="PostgreSQL"):
        Settings(
            env="production",
            secret_key="x" * 40,
            database_url="sqlite:///ledger.db",
            temporal_address="t:7233",
        )
    with pytest.raises(ValidationError, match="32"):
        Settings(
            env="production",
            secret_key="short",
            database_url="postgresql+psycopg://u@db/uprflow",
            temporal_address="t:7233",
        )


def test_production_accepts_a_real_configuration() -> None:
    s = Settings(
        env="production",
        secret_key="k" * 40,
        database_url="postgresql+psycopg://u@db/uprflow",
        temporal_address="temporal:7233",
    )
    assert s.ledger_url.startswith("postgresql")
