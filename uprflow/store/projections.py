"""Projections (read models) built from the one domain fold.

Live path: :func:`project` runs inside the append transaction, so a committed event and its
read model change become visible together (read-your-writes). For each cycle touched it loads
only the entities the new events name (plus the cycle header), folds the events with
:func:`domain.fold.apply`, and upserts what changed (the fold reuses untouched objects, so
"changed" is ``old is not new``).

Rebuild path: :func:`rebuild` empties the tables and folds the whole log, so a rebuild must
equal the live tables (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from uprflow.domain.events import DomainEvent, OutcomeAdopted
from uprflow.domain.fold import Stamped, apply
from uprflow.domain.state import CycleState, RecommendationState, StageState, TaskState
from uprflow.store.db import as_engine, lock_for_write, write_connection
from uprflow.store.reading import envelope_from_body
from uprflow.store.schema import (
    PROJECTION_TABLES,
    events,
    proj_cycles,
    proj_recommendations,
    proj_stages,
    proj_tasks,
)
from uprflow.store.timefmt import format_ts

_ENTITY_MAPS = ("stages", "recommendations", "tasks")
_CHUNK = 500


# ------------------------------------------------------------------ rows


def _cycle_row(s: CycleState) -> dict[str, Any]:
    return {
        "cycle_id": s.cycle_id,
        "status": s.status,
        "country": s.country,
        "cycle_number": s.cycle_number,
        "last_position": s.last_position,
        "data": s.model_dump_json(exclude=set(_ENTITY_MAPS)),
    }


def _stage_row(cycle_id: str, s: StageState) -> dict[str, Any]:
    return {
        "cycle_id": cycle_id,
        "stage": s.stage,
        "status": s.status,
        "deadline": format_ts(s.deadline) if s.deadline else None,
        "data": s.model_dump_json(),
    }


def _rec_row(cycle_id: str, r: RecommendationState) -> dict[str, Any]:
    return {
        "cycle_id": cycle_id,
        "recommendation_id": r.recommendation_id,
        "status": r.status,
        "position": str(r.position) if r.position else None,
        "lead_ministry": r.lead_ministry,
        "implementation_status": str(r.implementation_status) if r.implementation_status else None,
        "data": r.model_dump_json(),
    }


def _task_row(cycle_id: str, t: TaskState) -> dict[str, Any]:
    return {
        "cycle_id": cycle_id,
        "task_id": t.task_id,
        "status": t.status,
        "assignee_org": t.assignee_org,
        "due_at": format_ts(t.due_at),
        "data": t.model_dump_json(),
    }


_TABLES: dict[str, tuple[sa.Table, sa.Column[Any], Any, type[Any]]] = {
    "stages": (proj_stages, proj_stages.c.stage, _stage_row, StageState),
    "recommendations": (
        proj_recommendations,
        proj_recommendations.c.recommendation_id,
        _rec_row,
        RecommendationState,
    ),
    "tasks": (proj_tasks, proj_tasks.c.task_id, _task_row, TaskState),
}


_UPSERTS: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def _upsert_sql(conn: Connection, table: sa.Table) -> tuple[str, tuple[str, ...] | None]:
    """The dialect's upsert as driver SQL, with its positional parameter order (if any).

    Why driver SQL: every projection column is a plain string or integer (no bind
    processing), and executing the compiled string skips SQLAlchemy's per-execution work,
    which cost more than the upsert itself for the usual one or two rows.
    """
    dialect = conn.dialect
    key = (dialect.name, table.name)
    cached = _UPSERTS.get(key)
    if cached is None:
        base = sqlite.insert(table) if dialect.name == "sqlite" else postgresql.insert(table)
        keys = [c.name for c in table.primary_key.columns]
        stmt = base.on_conflict_do_update(
            index_elements=keys,
            set_={c.name: base.excluded[c.name] for c in table.columns if c.name not in keys},
        )
        compiled = stmt.compile(dialect=dialect)
        order = (
            tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
        )
        cached = _UPSERTS[key] = (str(compiled), order)
    return cached


def _upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    sql, order = _upsert_sql(conn, table)
    if order is None:
        conn.exec_driver_sql(sql, rows if len(rows) > 1 else rows[0])
    else:
        params = [tuple(r[k] for k in order) for r in rows]
        conn.exec_driver_sql(sql, params if len(params) > 1 else params[0])


# ------------------------------------------------------------------ live path

_CYCLE_DATA = sa.select(proj_cycles.c.data).where(
    proj_cycles.c.cycle_id == sa.bindparam("cycle_id")
)
_ENTITY_QUERIES = {
    kind: (
        sa.select(key_col, table.c.data).where(table.c.cycle_id == sa.bindparam("cycle_id")),
        sa.select(key_col, table.c.data).where(
            table.c.cycle_id == sa.bindparam("cycle_id"),
            key_col.in_(sa.bindparam("keys", expanding=True)),
        ),
    )
    for kind, (table, key_col, _, _) in _TABLES.items()
}


_KEY_ATTRS = (("stages", "stage"), ("recommendations", "recommendation_id"), ("tasks", "task_id"))
# Per event class: the (kind, attribute) pairs it has (a pydantic getattr miss is slow).
_CLASS_KEYS: dict[type[DomainEvent], tuple[tuple[str, str], ...]] = {}


def _class_keys(cls: type[DomainEvent]) -> tuple[tuple[str, str], ...]:
    keys = _CLASS_KEYS.get(cls)
    if keys is None:
        fields = cls.model_fields
        keys = _CLASS_KEYS[cls] = tuple((k, a) for k, a in _KEY_ATTRS if a in fields)
    return keys


def _needed(items: Sequence[tuple[Stamped, DomainEvent]]) -> dict[str, set[str] | None]:
    """Entity keys the fold will read for these events (None: all of that kind)."""
    # Why: loading only these keeps an append O(events), not O(cycle size). Keep in step
    # with domain.fold: a handler that reads another entity must be listed here.
    need: dict[str, set[str] | None] = {"stages": set(), "recommendations": set(), "tasks": set()}
    for _, e in items:
        if isinstance(e, OutcomeAdopted):
            need["recommendations"] = None
        for kind, attr in _class_keys(type(e)):
            value = getattr(e, attr)
            keys = need[kind]
            if value is not None and keys is not None:
                keys.add(str(value))
    return need


# Why one statement: header and the few named entities in one round trip (the common case).
# Driver-level SQL with the placeholders written out (expanding parameters re-render the
# statement on every execution, which cost more than the query).
_LOAD_NAMED_SQL = (
    "SELECT 'cycle' AS kind, cycle_id AS k, data FROM proj_cycles WHERE cycle_id = {m} "
    "UNION ALL SELECT 'stages', stage, data FROM proj_stages "
    "WHERE cycle_id = {m} AND stage IN ({stages}) "
    "UNION ALL SELECT 'recommendations', recommendation_id, data FROM proj_recommendations "
    "WHERE cycle_id = {m} AND recommendation_id IN ({recommendations}) "
    "UNION ALL SELECT 'tasks', task_id, data FROM proj_tasks "
    "WHERE cycle_id = {m} AND task_id IN ({tasks})"
)


def _load_named(conn: Connection, cycle_id: str, need: dict[str, set[str]]) -> CycleState:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    keys = {kind: sorted(need.get(kind) or ()) for kind in _ENTITY_MAPS}
    marks = {kind: ",".join([mark] * len(v)) if v else "NULL" for kind, v in keys.items()}
    sql = _LOAD_NAMED_SQL.format(m=mark, **marks)
    params: list[str] = [cycle_id]
    for kind in _ENTITY_MAPS:
        params.append(cycle_id)
        params.extend(keys[kind])
    header: str | None = None
    found: dict[str, dict[str, Any]] = {kind: {} for kind in need if need[kind]}
    for kind, key, blob in conn.exec_driver_sql(sql, tuple(params)):
        if kind == "cycle":
            header = blob
        else:
            found[kind][key] = _TABLES[kind][3].model_validate_json(blob)
    state = (
        CycleState.model_validate_json(header)
        if header is not None
        else CycleState(cycle_id=cycle_id)
    )
    return state.model_copy(update=found) if found else state


def _load(conn: Connection, cycle_id: str, need: dict[str, set[str] | None]) -> CycleState:
    if all(keys is not None and len(keys) <= _CHUNK for keys in need.values()):
        return _load_named(conn, cycle_id, {k: v for k, v in need.items() if v is not None})
    data = conn.execute(_CYCLE_DATA, {"cycle_id": cycle_id}).scalar()
    state = (
        CycleState.model_validate_json(data) if data is not None else CycleState(cycle_id=cycle_id)
    )
    update: dict[str, Any] = {}
    for kind, keys in need.items():
        model = _TABLES[kind][3]
        if keys is not None and not keys:
            continue
        found: dict[str, Any] = {}
        all_q, some_q = _ENTITY_QUERIES[kind]
        if keys is None:
            batches = [conn.execute(all_q, {"cycle_id": cycle_id})]
        else:
            ordered = sorted(keys)
            batches = [
                conn.execute(some_q, {"cycle_id": cycle_id, "keys": ordered[i : i + _CHUNK]})
                for i in range(0, len(ordered), _CHUNK)
            ]
        for rows in batches:
            for key, blob in rows:
                found[key] = model.model_validate_json(blob)
        update[kind] = found
    return state.model_copy(update=update) if update else state


def _save(conn: Connection, old: CycleState, new: CycleState) -> None:
    _upsert(conn, proj_cycles, [_cycle_row(new)])
    for kind in _ENTITY_MAPS:
        table, _, to_row, _ = _TABLES[kind]
        before: dict[str, Any] = getattr(old, kind)
        rows = [
            to_row(new.cycle_id, v) for k, v in getattr(new, kind).items() if before.get(k) is not v
        ]
        _upsert(conn, table, rows)


def project(conn: Connection, items: Sequence[tuple[Stamped, DomainEvent]]) -> None:
    """Apply newly appended events to the projection tables (inside the append transaction)."""
    by_cycle: dict[str, list[tuple[Stamped, DomainEvent]]] = {}
    for item in items:
        by_cycle.setdefault(item[1].cycle_id, []).append(item)
    for cycle_id, its in by_cycle.items():
        old = _load(conn, cycle_id, _needed(its))
        new = old
        for envelope, event in its:
            new = apply(new, envelope, event)
        _save(conn, old, new)


# ------------------------------------------------------------------ rebuild


def fold_log(conn: Connection) -> dict[str, CycleState]:
    """Fold the whole log into one state per cycle."""
    states: dict[str, CycleState] = {}
    result = conn.execute(
        sa.select(events.c.body).order_by(events.c.position).execution_options(yield_per=2000)
    )
    for (body,) in result:
        env = envelope_from_body(body)
        state = states.get(env.cycle_id) or CycleState(cycle_id=env.cycle_id)
        states[env.cycle_id] = apply(state, env)
    return states


def rebuild(bind: Engine | str) -> int:
    """Empty the projection tables and rebuild them from the log; return cycles rebuilt."""
    engine = as_engine(bind)
    with write_connection(engine) as conn, conn.begin():
        lock_for_write(conn)  # no append may slip between the replay and the swap
        states = fold_log(conn)
        for table in PROJECTION_TABLES:
            conn.execute(table.delete())
        if states:
            conn.execute(proj_cycles.insert(), [_cycle_row(s) for s in states.values()])
        for kind in _ENTITY_MAPS:
            table, _, to_row, _ = _TABLES[kind]
            rows = [
                to_row(s.cycle_id, v) for s in states.values() for v in getattr(s, kind).values()
            ]
            if rows:
                conn.execute(table.insert(), rows)
    return len(states)


def snapshot(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection row, sorted (for comparing a rebuild with the live tables)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in PROJECTION_TABLES:
        rows = conn.execute(sa.select(table)).all()
        out[table.name] = sorted(tuple(r) for r in rows)
    return out
