"""A real ledger for the document tests: ``uprflow demo`` for Kenya, 30 recommendations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from uprflow.demo import run_demo
from uprflow.domain.envelope import EventEnvelope
from uprflow.store.db import make_engine
from uprflow.store.reading import iter_all


@dataclass(frozen=True)
class Ledger:
    path: Path
    url: str
    cycle_id: str
    review_date: date
    envelopes: tuple[EventEnvelope, ...]

    def of_type(self, *types: str) -> list[EventEnvelope]:
        return [e for e in self.envelopes if e.event_type in types]

    @property
    def adopted_on(self) -> date:
        (adopted,) = self.of_type("OutcomeAdopted")
        return date.fromisoformat(adopted.payload["adopted_on"])


@pytest.fixture(scope="session")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    directory = tmp_path_factory.mktemp("docs-demo")
    # Why a thread: run_demo calls asyncio.run, and an event loop may be running.
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(run_demo, "KE", directory, 30).result()
    assert report.verify.ok, report.verify.problem
    engine = make_engine(report.database_url)
    try:
        envelopes = tuple(iter_all(engine))
    finally:
        engine.dispose()
    return Ledger(
        report.ledger_path, report.database_url, report.cycle_id, report.review_date, envelopes
    )
