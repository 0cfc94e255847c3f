"""The store contract: one suite, run on SQLite and PostgreSQL (fixture ``db_url``)."""

from __future__ import annotations

import asyncio
import threading

import pytest
import sqlalchemy as sa

from tests.store.conftest import drop_triggers
from tests.store.scenario import T0, new, notice
from uprflow.domain import events as ev
from uprflow.store.errors import EventIdConflict, WrongExpectedVersion
from uprflow.store.ledger import AppendRequest, Ledger
from uprflow.store.migrate import current_revision, head_revision, migrate
from uprflow.store.reading import head, read_all, read_cycle, read_stream, stream_version
from uprflow.store.schema import events


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar() or 0)


def test_append_and_read_back(ledger: Ledger) -> None:
    a, b = new(notice("C1", 1)), new(notice("C1", 2))
    recorded = ledger.append("s1", [a, b], expected_version=0)
    assert [(r.position, r.stream_version) for r in recorded] == [(1, 1), (2, 2)]
    with ledger.engine.connect() as conn:
        got = read_stream(conn, "s1")
        assert [e.event_id for e in got] == [a.event_id, b.event_id]
        assert got[0].event() == a.event
        assert got[0].occurred_at == T0 and got[0].actor == a.actor and got[0].trace == a.trace
        assert stream_version(conn, "s1") == 2
        assert head(conn).position == 2
        assert [e.position for e in read_cycle(conn, "C1")] == [1, 2]


def test_expected_version_conflict_writes_nothing(ledger: Ledger) -> None:
    ledger.append("s1", [new(notice("C1", 1))], expected_version=0)
    with pytest.raises(WrongExpectedVersion) as info:
        ledger.append("s1", [new(notice("C1", 2)), new(notice("C1", 3))], expected_version=0)
    assert (info.value.expected, info.value.actual) == (0, 1)
    assert "expected_version" in str(info.value)
    assert count(ledger.engine) == 1
    ledger.append("s1", [new(notice("C1", 4))], expected_version=1)
    assert count(ledger.engine) == 2


def test_same_event_twice_returns_original_position(ledger: Ledger) -> None:
    a = new(notice("C1", 1))
    first = ledger.append("s1", [a], expected_version=0)
    ledger.append("s2", [new(notice("C1", 2))])
    again = ledger.append("s1", [a], expected_version=0)  # a retried activity
    assert again == first
    assert count(ledger.engine) == 2


def test_same_id_different_content_is_an_error(ledger: Ledger) -> None:
    a = new(notice("C1", 1))
    ledger.append("s1", [a])
    forged = a.model_copy(update={"event": notice("C1", 99)})
    with pytest.raises(EventIdConflict, match="different content"):
        ledger.append("s1", [forged])
    with pytest.raises(EventIdConflict):
        ledger.append("other-stream", [a])
    with pytest.raises(EventIdConflict, match="other events"):
        ledger.append("s1", [a, new(notice("C1", 2))])
    assert count(ledger.engine) == 1


def test_duplicate_id_within_one_batch(ledger: Ledger) -> None:
    a = new(notice("C1", 1))
    results = ledger.append_many(
        [AppendRequest("s1", [a]), AppendRequest("s1", [a]), AppendRequest("s2", [a])]
    )
    assert results[0] == results[1]
    assert isinstance(results[2], EventIdConflict)
    assert count(ledger.engine) == 1


def test_append_many_fails_requests_independently(ledger: Ledger) -> None:
    ledger.append("s1", [new(notice("C1", 0))])
    results = ledger.append_many(
        [
            AppendRequest("s1", [new(notice("C1", 1))], expected_version=1),
            AppendRequest("s1", [new(notice("C1", 2))], expected_version=1),  # now stale
            AppendRequest("s2", [new(notice("C1", 3))], expected_version=0),
        ]
    )
    assert not isinstance(results[0], Exception) and results[0][0].stream_version == 2
    assert isinstance(results[1], WrongExpectedVersion)
    assert not isinstance(results[2], Exception) and results[2][0].position == 3
    assert count(ledger.engine) == 3


def test_group_commit_threads_exact_conflicts(ledger: Ledger) -> None:
    """32 threads race on 4 streams with expected versions: every winner is exact."""
    n_threads, per_thread = 32, 10
    wins: list[tuple[str, int]] = []
    conflicts = 0
    lock = threading.Lock()

    def worker(k: int) -> None:
        nonlocal conflicts
        stream = f"s{k % 4}"
        for i in range(per_thread):
            with ledger.engine.connect() as conn:
                version = stream_version(conn, stream)
            try:
                rec = ledger.append(stream, [new(notice("C1", k * 100 + i))], version)
            except WrongExpectedVersion:
                with lock:
                    conflicts += 1
            else:
                with lock:
                    wins.append((stream, rec[0].stream_version))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) + conflicts == n_threads * per_thread
    assert len(set(wins)) == len(wins)  # no version granted twice
    assert count(ledger.engine) == len(wins)
    with ledger.engine.connect() as conn:
        for s in ("s0", "s1", "s2", "s3"):
            versions = [e.stream_version for e in read_stream(conn, s)]
            assert versions == list(range(1, len(versions) + 1))
        positions = [e.position for e in read_all(conn, limit=10_000)]
    assert positions == list(range(1, len(wins) + 1))


async def test_async_appends_are_batched_and_exact(ledger: Ledger) -> None:
    async def one(i: int) -> int:
        rec = await ledger.append_async(f"a{i}", [new(notice("C1", i))], expected_version=0)
        return rec[0].position

    positions = await asyncio.gather(*(one(i) for i in range(64)))
    assert sorted(positions) == list(range(1, 65))
    with pytest.raises(WrongExpectedVersion):
        await ledger.append_async("a0", [new(notice("C1", 999))], expected_version=0)
    dup = new(notice("C1", 1000))
    first, second = await asyncio.gather(
        ledger.append_async("d", [dup]), ledger.append_async("d", [dup])
    )
    assert first == second
    assert count(ledger.engine) == 65


def test_read_all_pages_follow_the_log(ledger: Ledger) -> None:
    for i in range(25):
        ledger.append(f"s{i % 3}", [new(notice("C1", i))])
    seen: list[int] = []
    after = 0
    with ledger.engine.connect() as conn:
        while page := read_all(conn, after_position=after, limit=7):
            seen += [e.position for e in page]
            after = page[-1].position
    assert seen == list(range(1, 26))


def test_failed_transaction_leaves_no_trace(ledger: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A write that fails inside the transaction (here the projector) rolls back entirely."""
    import uprflow.store.append as append_module

    ledger.append("s1", [new(notice("C1", 1))])

    def boom(*_a: object) -> None:
        raise RuntimeError("projection failed")

    monkeypatch.setattr(append_module, "project", boom)
    with pytest.raises(RuntimeError):
        ledger.append("s1", [new(notice("C1", 2))])
    monkeypatch.undo()
    assert count(ledger.engine) == 1
    rec = ledger.append("s1", [new(notice("C1", 3))], expected_version=1)
    assert rec[0].position == 2  # the rolled-back position is reused: no gap, no skip


def test_database_refuses_update_and_delete(ledger: Ledger) -> None:
    ledger.append("s1", [new(notice("C1", 1))])
    for sql in ("UPDATE events SET body = body", "DELETE FROM events"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            ledger.engine.begin() as conn,
        ):
            conn.exec_driver_sql(sql)
    assert count(ledger.engine) == 1
    drop_triggers(ledger.engine)
    # Even without the triggers, index columns cannot be set: they are generated from body.
    with pytest.raises(sa.exc.DatabaseError, match="generated"), ledger.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE events SET stream_id = 'x'")


def test_migrate_is_idempotent_and_concurrent(db_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(db_url)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_revision(db_url) == head_revision() is not None


def test_domain_validation_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match="justification"):
        ev.PositionProposed(cycle_id="C", recommendation_id="r", position="noted", proposed_by="M")
    with pytest.raises(ValueError, match="occurred_at"):
        new(notice("C", 1), at=T0.replace(tzinfo=None))


def test_checkpoints(ledger: Ledger) -> None:
    from uprflow.store.checkpoints import all_checkpoints, record_checkpoint

    empty = record_checkpoint(ledger.engine)
    assert empty.position == 0 and empty.head_hash == "00" * 32
    ledger.append("s1", [new(notice("C1", 1)), new(notice("C1", 2))])
    cp = record_checkpoint(ledger.engine)
    with ledger.engine.connect() as conn:
        assert (cp.position, cp.head_hash) == (2, head(conn).hash)
    assert record_checkpoint(ledger.engine) == cp  # unchanged head: no duplicate
    ledger.append("s1", [new(notice("C1", 3))])
    assert record_checkpoint(ledger.engine).position == 3
    with ledger.engine.connect() as conn:
        assert [c.position for c in all_checkpoints(conn)] == [2, 3]


async def test_cancelled_append_does_not_stop_the_committer(ledger: Ledger) -> None:
    blocker = threading.Event()
    real_write = ledger._write

    def slow_write(requests):  # type: ignore[no-untyped-def]
        blocker.wait(5)
        return real_write(requests)

    ledger._write = slow_write  # type: ignore[method-assign]
    first = asyncio.ensure_future(ledger.append_async("s1", [new(notice("C1", 1))]))
    await asyncio.sleep(0.05)  # the committer now holds the first job
    queued = asyncio.ensure_future(ledger.append_async("s2", [new(notice("C1", 2))]))
    await asyncio.sleep(0.01)
    queued.cancel()  # cancelled while still queued: dropped, never written
    blocker.set()
    assert (await first)[0].position == 1
    ledger._write = real_write  # type: ignore[method-assign]
    rec = await ledger.append_async("s3", [new(notice("C1", 3))])
    assert rec[0].position == 2
    assert count(ledger.engine) == 2
