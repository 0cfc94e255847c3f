"""``uprflow --version`` prints the installed distribution's version."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from uprflow import __version__
from uprflow.cli import app


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"uprflow {__version__}"
    # The metadata a plain `pip install .` records is the same version (pyproject reads it).
    assert version("uprflow") == __version__
