"""How the fold's handlers are declared: one table per concern, by event class.

A handler takes the state, the event and its business time, and returns the new state; it
must not change the state it is given (the fold reuses untouched objects).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from uprflow.domain import events as ev
from uprflow.domain.state import CycleState

E = TypeVar("E", bound=ev.DomainEvent)
#: ``(state, event, occurred_at) -> new state``.
Handler = Callable[[CycleState, Any, datetime], CycleState]


class Handlers:
    """The handlers of one concern, by event class; :mod:`~.reducer` merges every table."""

    def __init__(self) -> None:
        self.by_event: dict[type[ev.DomainEvent], Handler] = {}

    def on(
        self, cls: type[E]
    ) -> Callable[[Callable[[CycleState, E, datetime], CycleState]], Handler]:
        """Decorator: the function handles events of class ``cls``."""

        def deco(fn: Callable[[CycleState, E, datetime], CycleState]) -> Handler:
            self.by_event[cls] = fn
            return fn

        return deco
