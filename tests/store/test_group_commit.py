"""Group commit hand-off: blocking waiters, the gather wait, and errors reaching callers."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.store.scenario import new, notice
from uprflow.store.ledger import Ledger
from uprflow.store.reading import read_all


@pytest.mark.parametrize("gather_wait", [0.0, 0.001, 0.05])
def test_concurrent_callers_are_all_acknowledged_in_order(
    engine: sa.Engine, gather_wait: float
) -> None:
    n_threads, per_thread = 12, 8
    acked: dict[int, list[int]] = {}
    with Ledger(engine, gather_wait=gather_wait) as ledger:

        def worker(k: int) -> None:
            acked[k] = [
                ledger.append(f"g{k}-{i}", [new(notice("C1", k * 100 + i))], 0)[0].position
                for i in range(per_thread)
            ]

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    total = n_threads * per_thread
    assert sorted(p for ps in acked.values() for p in ps) == list(range(1, total + 1))
    assert all(ps == sorted(ps) for ps in acked.values())  # each caller saw its commits in order
    with engine.connect() as conn:
        assert [e.position for e in read_all(conn, limit=10_000)] == list(range(1, total + 1))


def test_a_failing_write_reaches_the_blocked_caller(engine: sa.Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with Ledger(engine) as ledger:
        ledger.append("ok", [new(notice("C1", 1))], 0)

        def boom(self: Ledger, requests: object) -> object:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(Ledger, "_write", boom)
        with pytest.raises(RuntimeError, match="disk on fire"):
            ledger.append("bad", [new(notice("C1", 2))], 0)
        with pytest.raises(RuntimeError, match="disk on fire"):
            ledger.append_many([])
        monkeypatch.undo()
        assert ledger.append("ok2", [new(notice("C1", 3))], 0)[0].position == 2
