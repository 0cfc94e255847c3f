"""Dates as the documents read them: "as of a day" means the end of that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` (UTC): "as of a date" includes that whole day."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(microseconds=1)
