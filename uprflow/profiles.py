"""Loading national profiles from YAML or JSON files (the I/O side of :mod:`domain.profile`).

``load_profile("KE")`` loads the shipped ``profiles/ke.yaml``; ``load_profile("my.yaml")`` a
file. Any problem (missing file, bad YAML, a misspelt key, an unknown organisation code, a
deadline out of order) raises :class:`ProfileError`, whose message names the file and every
bad field by its dotted path, one per line::

    profiles/x.yaml: stages.draft_circulation.duration_days: Input should be greater than 0
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from uprflow.domain.profile import Profile, is_country_code

#: Environment variable naming a directory of profiles that replaces the shipped one.
PROFILES_DIR_ENV = "UPRFLOW_PROFILES_DIR"
#: The name of the template profile among the shipped ones.
DEFAULT_PROFILE = "default"


class ProfileError(ValueError):
    """A profile could not be loaded; ``errors`` holds ``(field path, message)`` pairs."""

    def __init__(self, source: str | Path, errors: list[tuple[str, str]]) -> None:
        self.source = str(source)
        self.errors = errors
        lines = [
            f"{self.source}: {path}: {msg}" if path else f"{self.source}: {msg}"
            for path, msg in errors
        ]
        super().__init__("\n".join(lines))


def profiles_dir() -> Path:
    """The directory of shipped profiles.

    ``$UPRFLOW_PROFILES_DIR`` if set; else ``profiles/`` at the repository root (the source
    tree and an editable install); else ``<prefix>/share/uprflow/profiles`` (a wheel install).
    """
    override = os.environ.get(PROFILES_DIR_ENV)
    candidates = (
        [Path(override)]
        if override
        else [
            Path(__file__).resolve().parents[1] / "profiles",
            Path(sys.prefix) / "share" / "uprflow" / "profiles",
        ]
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    tried = ", ".join(str(c) for c in candidates)
    raise ProfileError("profiles", [("", f"no directory of shipped profiles (looked in: {tried})")])


def shipped_profiles() -> dict[str, Path]:
    """Shipped profiles by key: ``"default"`` and upper-case country codes (``"KE"``, ...)."""
    found: dict[str, Path] = {}
    for path in sorted(profiles_dir().glob("*.yaml")):
        key = path.stem if path.stem == DEFAULT_PROFILE else path.stem.upper()
        found[key] = path
    return found


def _resolve(source: str | Path) -> Path:
    if isinstance(source, Path):
        return source
    path = Path(source)
    if path.exists() or path.suffix or os.sep in source or "/" in source:
        return path
    # A bare word: a country code ("KE", "ke") or "default" means a shipped profile.
    key = source if source == DEFAULT_PROFILE else source.upper()
    shipped = shipped_profiles()
    if key in shipped:
        return shipped[key]
    if is_country_code(key) or key == DEFAULT_PROFILE:
        known = ", ".join(shipped)
        raise ProfileError(source, [("", f"no shipped profile for {key} (shipped: {known})")])
    return path


def _read(path: Path, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(shown, [("", "no such file")]) from None
    except OSError as exc:
        raise ProfileError(shown, [("", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(shown, [("", f"invalid JSON at line {exc.lineno}: {exc.msg}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(shown, [("", f"invalid YAML{where}: {problem}")]) from None


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in loc)


def parse_profile(data: Any, source: str | Path = "<profile>") -> Profile:
    """Validate an already-parsed mapping as a profile; errors become :class:`ProfileError`."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        raise ProfileError(source, [("", f"a profile must be a mapping, not {kind}")])
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(source, [(_dotted(e["loc"]), e["msg"]) for e in exc.errors()]) from None


def load_profile(source: str | Path) -> Profile:
    """Load and validate a profile from a YAML/JSON file, or a shipped one by country code.

    ``source`` is a path (``.yaml``, ``.yml`` or ``.json``), a country code such as ``"KE"``
    (case-insensitive) or ``"default"``. Raises :class:`ProfileError` naming the file and each
    bad field.
    """
    path = _resolve(source)
    shown = str(source) if isinstance(source, Path) or path == Path(source) else _display(path)
    return parse_profile(_read(path, shown), shown)


def _display(path: Path) -> str:
    # Shipped files are shown as "profiles/ke.yaml" rather than an absolute path.
    try:
        return str(path.relative_to(path.parents[1]))
    except (ValueError, IndexError):
        return str(path)
