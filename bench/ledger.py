"""Ledger benchmark: uprflow next to named peers, one run, the same SQLite settings for all.

Run: ``.venv/bin/python bench/ledger.py`` (about a minute). Every database is a file in one
temporary directory on the same disk, in WAL mode with ``synchronous=FULL`` (eventsourcing's
SQLite recorder uses WAL and SQLite's default FULL; the script prints the pragmas it finds).

Measured, events per second:
- uprflow: single appends (one caller, one event per commit); 32 concurrent appenders
  (threads, and asyncio tasks), each append acknowledged after its group commit; batch appends
  (``append_many`` of 1,000 one-event requests per call); full ``audit verify``.
- eventsourcing 9.x: one event per ``save``; batched saves (1,000 new aggregates per save);
  reading the whole notification log.
- raw SQLAlchemy Core: ``executemany`` of 1,000 rows per transaction with a sha256 chain.
- bare sqlite3: scan uprflow's events table and recompute the sha256 chain.

Projections are on for uprflow (each append also updates the read model, as in production).
No test asserts on these numbers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from uprflow.domain import events as ev  # noqa: E402
from uprflow.domain.envelope import Actor, NewEvent, Trace  # noqa: E402
from uprflow.store.db import make_engine  # noqa: E402
from uprflow.store.ledger import AppendRequest, Ledger  # noqa: E402
from uprflow.store.migrate import migrate  # noqa: E402
from uprflow.store.verify import verify  # noqa: E402

N_SINGLE = 1_000
N_WRITERS, PER_WRITER = 32, 250
N_BATCH, BATCH = 50_000, 1_000
ES_SINGLE = 1_000
ES_BATCH = 50_000
T0 = datetime(2026, 3, 1, tzinfo=UTC)
ACTOR = Actor(role="ministry", organisation="MOJ", subject="token-1")


def event(i: int) -> NewEvent:
    return NewEvent(
        event=ev.NotificationDelivered(
            cycle_id="BENCH-1",
            notification_id=f"n-{i}",
            recipient=f"user{i}@example.org",
            channel="email",
            template="task_reminder",
            task_id=f"t-{i % 997}",
        ),
        event_id=uuid.uuid4(),
        occurred_at=T0,
        actor=ACTOR,
        trace=Trace(workflow_id="task-wf", run_id="run-1", request_id=f"req-{i}"),
    )


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], int]) -> float:
    start = time.perf_counter()
    n = fn()
    return rate(n, time.perf_counter() - start)


def best_of(fn: Callable[[], int], runs: int = 3) -> float:
    """Best rate of a few runs (for reads, so every reader gets a warm page cache)."""
    return max(timed(fn) for _ in range(runs))


def pragmas(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        return f"journal_mode={mode}"
    finally:
        con.close()


# ----------------------------------------------------------------------------- uprflow


def bench_uprflow(tmp: Path) -> dict[str, float]:
    url = f"sqlite:///{tmp / 'uprflow.db'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as conn:
        sync = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    print(f"  uprflow sqlite: journal_mode={mode} synchronous={sync} (2 = FULL)")
    out: dict[str, float] = {}
    ledger = Ledger(engine)
    counter = iter(range(10**9))

    singles = [event(next(counter)) for _ in range(N_SINGLE)]

    def single() -> int:
        for i, e in enumerate(singles):
            ledger.append(f"single-{i}", [e], expected_version=0)
        return len(singles)

    out["uprflow single append"] = timed(single)

    per_writer = [[event(next(counter)) for _ in range(PER_WRITER)] for _ in range(N_WRITERS)]

    def concurrent_threads() -> int:
        def writer(k: int) -> None:
            for i, e in enumerate(per_writer[k]):
                ledger.append(f"thr-{k}-{i}", [e], expected_version=0)

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(N_WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return N_WRITERS * PER_WRITER

    out["uprflow 32 concurrent appenders (threads)"] = timed(concurrent_threads)

    per_task = [[event(next(counter)) for _ in range(PER_WRITER)] for _ in range(N_WRITERS)]

    def concurrent_tasks() -> int:
        async def writer(k: int) -> None:
            for i, e in enumerate(per_task[k]):
                await ledger.append_async(f"task-{k}-{i}", [e], expected_version=0)

        async def main() -> None:
            await asyncio.gather(*(writer(k) for k in range(N_WRITERS)))

        asyncio.run(main())
        return N_WRITERS * PER_WRITER

    out["uprflow 32 concurrent appenders (asyncio)"] = timed(concurrent_tasks)

    batches = [
        [AppendRequest(f"batch-{b}-{i}", [event(next(counter))], 0) for i in range(BATCH)]
        for b in range(N_BATCH // BATCH)
    ]

    def batch() -> int:
        for requests in batches:
            results = ledger.append_many(requests)
            assert not any(isinstance(r, Exception) for r in results)
        return N_BATCH

    out["uprflow batch append"] = timed(batch)
    ledger.close()

    total = N_SINGLE + 2 * N_WRITERS * PER_WRITER + N_BATCH

    def full_verify() -> int:
        report = verify(engine)
        assert report.ok and report.checked == total, report
        return report.checked

    out["uprflow full verify"] = best_of(full_verify)
    engine.dispose()

    def bare() -> int:
        con = sqlite3.connect(tmp / "uprflow.db")
        last, n = bytes(32), 0
        sha = hashlib.sha256
        for prev, body, h in con.execute(
            "SELECT prev_hash, body, hash FROM events ORDER BY position"
        ):
            if prev != last or sha(prev + body).digest() != h:
                raise AssertionError("chain broken")
            last = h
            n += 1
        con.close()
        return n

    out["bare sqlite3 scan + sha256"] = best_of(bare)
    return out


# ----------------------------------------------------------------------------- raw Core


def bench_raw_core(tmp: Path) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{tmp / 'core.db'}")
    meta = sa.MetaData()
    table = sa.Table(
        "events",
        meta,
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.UniqueConstraint("stream_id", "stream_version"),
    )
    meta.create_all(engine)
    payloads = [
        {
            "recipient": f"user{i}@example.org",
            "channel": "email",
            "template": "task_reminder",
            "notification_id": f"n-{i}",
            "cycle_id": "BENCH-1",
            "task_id": f"t-{i % 997}",
        }
        for i in range(N_BATCH)
    ]

    def write() -> int:
        prev = bytes(32)
        position = 0
        for start in range(0, N_BATCH, BATCH):
            rows = []
            for p in payloads[start : start + BATCH]:
                position += 1
                body = json.dumps(p, sort_keys=True, separators=(",", ":")).encode()
                digest = hashlib.sha256(prev + body).digest()
                rows.append(
                    {
                        "position": position,
                        "event_id": str(uuid.uuid4()),
                        "stream_id": f"s-{position}",
                        "stream_version": 1,
                        "event_type": "NotificationDelivered",
                        "body": body,
                        "prev_hash": prev,
                        "hash": digest,
                    }
                )
                prev = digest
            with engine.begin() as conn:
                conn.execute(table.insert(), rows)
        return N_BATCH

    out = {"raw Core executemany + sha256 chain": timed(write)}
    engine.dispose()
    return out


# ----------------------------------------------------------------------------- eventsourcing


def bench_eventsourcing(tmp: Path) -> dict[str, float]:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate
    from eventsourcing.domain import event as es_event

    class Notice(Aggregate):
        @es_event("Delivered")
        def __init__(
            self,
            notification_id: str,
            recipient: str,
            channel: str,
            template: str,
            cycle_id: str,
            task_id: str,
        ) -> None:
            self.notification_id = notification_id
            self.recipient = recipient
            self.channel = channel
            self.template = template
            self.cycle_id = cycle_id
            self.task_id = task_id

    db = tmp / "es.db"
    os.environ.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=str(db))
    app: Application = Application()

    def make(i: int) -> Notice:
        return Notice(
            f"n-{i}", f"user{i}@example.org", "email", "task_reminder", "BENCH-1", f"t-{i % 997}"
        )

    def one_per_save() -> int:
        for i in range(ES_SINGLE):
            app.save(make(i))
        return ES_SINGLE

    out = {"eventsourcing one event per save": timed(one_per_save)}

    def batched() -> int:
        for start in range(0, ES_BATCH, BATCH):
            app.save(*[make(i) for i in range(start, start + BATCH)])
        return ES_BATCH

    out["eventsourcing batched saves (1,000/save)"] = timed(batched)

    def read_back() -> int:
        n, start = 0, 1
        while True:
            page = app.recorder.select_notifications(start=start, limit=1000)
            if not page:
                return n
            n += len(page)
            start = page[-1].id + 1

    out["eventsourcing notification-log read"] = best_of(read_back)
    print(f"  eventsourcing sqlite: {pragmas(db)}, synchronous = SQLite default (FULL)")
    app.close()
    return out


def main() -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as d:
        tmp = Path(d)
        print(
            f"sqlite {sqlite3.sqlite_version}, python {sys.version.split()[0]}, "
            f"{os.cpu_count()} cpus; files in {tmp}"
        )
        results: dict[str, float] = {}
        results.update(bench_eventsourcing(tmp))
        results.update(bench_raw_core(tmp))
        results.update(bench_uprflow(tmp))
    width = max(len(k) for k in results)
    print()
    for name, value in results.items():
        print(f"{name:<{width}}  {value:>10,.0f} events/s")

    def ratio(a: str, b: str, target: float) -> None:
        r = results[a] / results[b]
        verdict = "meets" if r >= target else "MISSES"
        print(f"  {a} / {b} = {r:.2f}x  (target >= {target}x: {verdict})")

    print("\nratios")
    es1 = "eventsourcing one event per save"
    ratio("uprflow 32 concurrent appenders (threads)", es1, 5.0)
    ratio("uprflow 32 concurrent appenders (asyncio)", es1, 5.0)
    ratio("uprflow batch append", "raw Core executemany + sha256 chain", 1.0)
    ratio("uprflow full verify", "eventsourcing notification-log read", 3.0)
    ratio("uprflow full verify", "bare sqlite3 scan + sha256", 0.7)
    ratio("uprflow single append", es1, 1.0)
    print(f"\ntotal run {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
