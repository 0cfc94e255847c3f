"""Recording a cycle's workflow facts straight into a test ledger (no Temporal): a started
cycle, its decisions stage closed, as the cycle and stage workflows record them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from uprflow.domain.envelope import Actor, NewEvent
from uprflow.domain.events import CycleStarted, DomainEvent, StageClosed, StageOpened
from uprflow.domain.values import Stage
from uprflow.importing.fields import parse_cycle_id
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate

_ACTOR = Actor(role="system", organisation="uprflow", subject="test")


def record(url: str, cycle_id: str, *facts: DomainEvent) -> None:
    """Append ``facts`` to the cycle's stream."""
    migrate(url)
    engine = make_engine(url)
    ledger = Ledger(engine)
    try:
        now = datetime.now(UTC)
        ledger.append(
            cycle_id,
            [
                NewEvent(event=f, event_id=uuid.uuid4(), occurred_at=now, actor=_ACTOR)
                for f in facts
            ],
        )
    finally:
        ledger.close()
        engine.dispose()


def start_cycle(url: str, cycle_id: str) -> None:
    """``CycleStarted`` for ``cycle_id`` (as ``uprflow cycle start`` records it), under the
    country's shipped profile (whose secretariat alone may steer it)."""
    country, number = parse_cycle_id(cycle_id)
    record(
        url,
        cycle_id,
        CycleStarted(
            cycle_id=cycle_id,
            country=country,
            cycle_number=number,
            review_date=date(2024, 1, 22),
            profile_id=country.lower(),
        ),
    )


def close_decisions(url: str, cycle_id: str) -> None:
    """The decisions stage opened and closed (the cycle is past its decisions)."""
    record(
        url,
        cycle_id,
        StageOpened(cycle_id=cycle_id, stage=Stage.DECISIONS),
        StageClosed(cycle_id=cycle_id, stage=Stage.DECISIONS),
    )
