"""A non-loopback API bind with the published development key is refused at start, whatever
``UPRFLOW_ENV`` says (issue 12, item 13), through the command an operator runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from uprflow.config import DEV_SECRET, Settings

UPRFLOW = Path(sys.executable).with_name("uprflow")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPRFLOW_")}
    env.update(UPRFLOW_DATA_DIR=str(tmp_path), UPRFLOW_API_PORT="1", **extra)
    return env


@pytest.mark.parametrize("command", ["api", "up"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "api.example.org"])
def test_public_bind_with_the_development_key_is_refused(
    tmp_path: Path, command: str, host: str
) -> None:
    done = subprocess.run(
        [str(UPRFLOW), command],
        env=_env(tmp_path, UPRFLOW_API_HOST=host, UPRFLOW_ENV="development"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "UPRFLOW_SECRET_KEY" in done.stderr and "refusing to start" in done.stderr
    assert "Traceback" not in done.stderr


def test_loopback_binds_and_real_keys_are_accepted() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert Settings(api_host=host).public_bind_problem() is None, host
    assert Settings(api_host="0.0.0.0", secret_key="k" * 40).public_bind_problem() is None
    problem = Settings(api_host="0.0.0.0", secret_key=DEV_SECRET).public_bind_problem()
    assert problem is not None and "UPRFLOW_SECRET_KEY" in problem
