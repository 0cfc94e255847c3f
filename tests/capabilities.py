"""What some tests need from the machine beyond Python: Chromium, PostgreSQL, strace.

A test that needs one carries its marker (``browser``, ``postgres``, ``strace``). On a machine
without it the test is skipped and the run ends with one line per missing capability saying
how to enable it; in CI (``CI=true``) a missing capability is an error before any test runs and
any skipped test fails the run, so CI always runs them (``.ci/run`` installs and starts them).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PG_ENV = "UPRFLOW_TEST_POSTGRES_URL"
CHROMIUM_ENV = "UPRFLOW_TEST_CHROMIUM"

#: Debian's Chromium unless the variable names another binary; no browser is ever downloaded.
CHROMIUM = Path(os.environ.get(CHROMIUM_ENV) or "/usr/bin/chromium")


@dataclass(frozen=True)
class Capability:
    """A marker, whether the machine has what it names, and how to get it."""

    marker: str
    what: str
    how: str

    def present(self) -> bool:
        """Whether this machine has it (checked without side effects)."""
        if self.marker == "postgres":
            return bool(os.environ.get(PG_ENV))
        if self.marker == "browser":
            return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
        if self.marker == "strace":
            return shutil.which("strace") is not None
        raise ValueError(self.marker)


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "postgres",
        "PostgreSQL",
        f"set {PG_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres "
        "(a server URL; each test creates and drops its own database)",
    ),
    Capability(
        "browser",
        f"Chromium at {CHROMIUM}",
        f"apt-get install chromium (or set {CHROMIUM_ENV} to a Chromium binary)",
    ),
    Capability("strace", "strace", "apt-get install strace"),
)


def missing() -> list[Capability]:
    """The capabilities this machine lacks."""
    return [c for c in CAPABILITIES if not c.present()]
