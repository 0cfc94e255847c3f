"""The fast canonical JSON path is byte-identical to the rfc8785 package."""

from __future__ import annotations

import json

import pytest
import rfc8785

from store.canonical import canonical_bytes
from tests.store.scenario import cycle_script

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
    from store.ledger import Ledger
    from store.migrate import migrate

    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate(url)
    with Ledger(url) as ledger:
        for stream, event in cycle_script():
            ledger.append(stream, [event])
        with ledger.engine.connect() as conn:
            bodies = [bytes(b) for (b,) in conn.exec_driver_sql("SELECT body FROM events")]
    assert bodies and all(rfc8785.dumps(json.loads(b)) == b for b in bodies)
