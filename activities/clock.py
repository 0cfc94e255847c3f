"""The wall clock, as a value an activity is given (so a test can give another).

Workflows never read it (they use ``workflow.now()``); activities that must stamp a real-world
instant (a webhook's signed timestamp) take a :data:`Clock` from the composition root.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: Returns the current instant, timezone-aware.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real current instant in UTC."""
    return datetime.now(UTC)
