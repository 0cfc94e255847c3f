"""Timestamps as fixed-width UTC text.

Why text: the same instant must hash to the same bytes on SQLite and PostgreSQL, and a
fixed-width ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` string sorts chronologically, so ``as of``
filters are plain string comparisons on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_ts(value: datetime) -> str:
    """``2026-01-31T09:00:00.000000Z`` for an aware datetime."""
    if value.tzinfo is None:
        raise ValueError(f"timestamp must be timezone-aware, got {value.isoformat()}")
    text = value.astimezone(UTC).isoformat(timespec="microseconds")
    return text[:-6] + "Z"  # "+00:00" -> "Z" (faster than strftime)


def parse_ts(value: str) -> datetime:
    """Parse a timestamp given by a user (ISO 8601; naive means UTC)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def utc_now() -> datetime:
    """The current time (infrastructure only; the domain never calls this)."""
    return datetime.now(UTC)
