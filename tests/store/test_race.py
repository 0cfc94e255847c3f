"""Two writers (separate engines, as two processes would be) and a reader following the log.

The eventsourcing library's non-interleaving notification-id test, adapted: each writer
appends batches; the reader keeps reading ``position > last seen`` while they write. Because
appends are serialised until commit, position order equals commit order, so the reader's
sequence must equal the final log (no event skipped), and each batch is contiguous.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.store.scenario import new, notice
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.reading import read_all


def test_two_writers_never_let_a_reader_skip(db_url: str, engine: sa.Engine) -> None:
    writers = [Ledger(make_engine(db_url)) for _ in range(2)]
    batches, batch_size = 40, 5
    results: dict[int, list[list[int]]] = {0: [], 1: []}
    done = threading.Event()
    seen: list[int] = []

    def write(k: int) -> None:
        for b in range(batches):
            events = [new(notice("C1", k * 10_000 + b * 100 + i)) for i in range(batch_size)]
            recorded = writers[k].append(f"w{k}-{b}", events, expected_version=0)
            results[k].append([r.position for r in recorded])

    def follow() -> None:
        reader = make_engine(db_url)
        last = 0
        while True:
            finished = done.is_set()
            with reader.connect() as conn:
                page = read_all(conn, after_position=last, limit=1000)
            for env in page:
                seen.append(env.position)
                last = env.position
            if finished and not page:
                break
        reader.dispose()

    threads = [threading.Thread(target=write, args=(k,)) for k in (0, 1)]
    reader = threading.Thread(target=follow)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join()
    for w in writers:
        w.close()
        w.engine.dispose()

    total = 2 * batches * batch_size
    assert seen == list(range(1, total + 1))  # nothing skipped, nothing out of order
    for k in (0, 1):
        for positions in results[k]:  # a batch is never interleaved with the other writer's
            assert positions == list(range(positions[0], positions[0] + batch_size))
        firsts = [p[0] for p in results[k]]
        assert firsts == sorted(firsts)
    with engine.connect() as conn:
        assert [e.position for e in read_all(conn, limit=10_000)] == seen
