"""The fast canonical JSON path is byte-identical to the rfc8785 package."""

from __future__ import annotations

import json
import random

import pytest
import rfc8785

from tests.store.scenario import cycle_script
from uprflow.store.canonical import canonical_bytes, canonical_str, encode_str

CASES = [
    {"a": '\x00\x01\x1f\x7f\u2028\u2029"\\/\b\f\n\r\t', "b": [True, False, None]},
    {"é": 1, "e": 2, "z": {"y": [], "x": {}}},
    {"k": "😀 emoji", "n": 2**53 - 1, "m": -(2**53 - 1)},
    {"\ue000": 1, "😀": 2},  # UTF-16 order differs from code-point order: slow path
    {"f": 1.5, "g": 1e21, "h": 0.1},  # floats: slow path
]


@pytest.mark.parametrize("value", CASES)
def test_matches_rfc8785(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


def test_stored_bodies_are_canonical(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from uprflow.store.ledger import Ledger
    from uprflow.store.migrate import migrate

    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate(url)
    with Ledger(url) as ledger:
        for stream, event in cycle_script():
            ledger.append(stream, [event])
        with ledger.engine.connect() as conn:
            bodies = [bytes(b) for (b,) in conn.exec_driver_sql("SELECT body FROM events")]
    assert bodies and all(rfc8785.dumps(json.loads(b)) == b for b in bodies)


# ------------------------------------------------------------------ generated corpus

_ALPHABET = (
    "abcXYZ09 _-.:/\\\"'\x00\x01\x08\x09\x0a\x0c\x0d\x1f\x7f\x80\xa0\xff"
    "é€\u2028\u2029\ud7ff\ue000\uffef\uffff😀𝄞"
)


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 8)))


def _value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(10 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice(
            [0, 1, -1, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), rng.randint(-9999, 9999)]
        )
    if kind == 3:
        return rng.choice([0.0, -0.0, 1.5, 1e21, 1e-7, 0.1, 123.0, rng.uniform(-1e6, 1e6)])
    if kind in (4, 5):
        return _text(rng)
    if kind in (6, 7):
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_text(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def test_generated_corpus_matches_rfc8785() -> None:
    rng = random.Random(8785)
    checked = 0
    for _ in range(5000):
        value = _value(rng)
        try:
            expected = rfc8785.dumps(value)
        except Exception:
            with pytest.raises(Exception):  # noqa: B017
                canonical_bytes(value)
            continue
        assert canonical_bytes(value) == expected, value
        checked += 1
    assert checked > 4000


def test_string_escaper_matches_rfc8785() -> None:
    rng = random.Random(1)
    for s in [*_ALPHABET, "".join(chr(c) for c in range(0x20)), *(_text(rng) for _ in range(2000))]:
        try:
            expected = rfc8785.dumps(s)
        except Exception:
            continue
        assert encode_str(s).encode() == expected
        assert canonical_str(s).encode() == expected


def test_envelope_fragments_match_rfc8785() -> None:
    """The ledger's hand-built actor and trace objects equal rfc8785 on the same dicts."""
    from uprflow.domain.envelope import Actor, Trace
    from uprflow.store.prepared import actor_json, trace_json

    rng = random.Random(2)
    for _ in range(500):

        def opt() -> str | None:
            return None if rng.random() < 0.3 else _text(rng) or "x"

        trace = Trace(
            correlation_id=opt(),
            causation_id=opt(),
            workflow_id=opt(),
            run_id=opt(),
            request_id=opt(),
        )
        actor = Actor(
            role=_text(rng) or "r", organisation=_text(rng) or "o", subject=_text(rng) or "s"
        )
        try:
            want_trace = rfc8785.dumps(trace.model_dump())
            want_actor = rfc8785.dumps(actor.model_dump())
        except Exception:
            continue
        assert trace_json(trace).encode() == want_trace
        assert actor_json(actor).encode() == want_actor
        assert actor_json(actor).encode() == want_actor  # cached


def test_fold_copy_equals_pydantic_model_copy() -> None:
    """The fold's cheap copy gives what ``model_copy(update=...)`` gives."""
    from datetime import UTC, datetime

    from uprflow.domain.fold.updates import copy_model as _copy
    from uprflow.domain.state import CycleState, TaskState

    task = TaskState(
        task_id="t",
        kind="k",
        title="x",
        assignee_org="MOJ",
        assignee_role="r",
        subject_ref="s",
        due_at=datetime(2026, 1, 1, tzinfo=UTC),
        assigned_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    state = CycleState(cycle_id="C", tasks={"t": task}, comments=2)
    for model, update in ((state, {"comments": 3, "status": "active"}), (task, {"reminders": 4})):
        fast, slow = _copy(model, update), model.model_copy(update=update)  # type: ignore[arg-type]
        assert fast == slow
        assert fast.__pydantic_fields_set__ == slow.__pydantic_fields_set__
        assert fast.model_dump_json() == slow.model_dump_json()
        assert model.model_dump() != fast.model_dump()  # the original is untouched
