"""The README stays true: every setting documented, the two commands shown."""

from pathlib import Path

from uprflow.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [
        f"UPRFLOW_{name.upper()}"
        for name in Settings.model_fields
        if f"`UPRFLOW_{name.upper()}`" not in README
    ]
    assert missing == []


def test_the_two_commands_are_shown() -> None:
    assert "make run" in README
    assert "make test" in README


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parents[2] / ".ci" / "run").read_text()
    assert "make test" in ci
