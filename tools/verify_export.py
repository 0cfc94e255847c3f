#!/usr/bin/env python3
"""Verify an uprflow ledger export with nothing but the Python standard library.

Usage: python3 verify_export.py EXPORT.jsonl   (exit 0: intact; 1: the first problem; 2: usage)

What it checks, line by line: every event's ``body`` (the exact bytes that were hashed)
hashes with its predecessor's hash to the recorded ``hash``, each body names its own position
and its predecessor's, each body parses to the exported ``event`` object, the chain reaches
every checkpoint's head hash, and the file ends with the head it announced.

Why it verifies the stored bytes instead of re-canonicalising the ``event`` object: RFC 8785
needs ECMAScript number formatting and UTF-16 key ordering; a second canonicaliser that
disagrees in a corner case would report false tampering (or miss real tampering). Hashing the
exact stored bytes is exact, and requiring them to parse to the exported object ties what an
auditor reads to what was hashed.

The chain walker between the BEGIN/END markers is a verbatim copy of ``uprflow/store/chainwalk.py``
(uprflow's test suite checks the copy).
"""

from __future__ import annotations

# ---- BEGIN uprflow/store/chainwalk.py ----
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

GENESIS = bytes(32)

Row = tuple[int, bytes, bytes, bytes, bool]


@dataclass(frozen=True)
class Problem:
    """The first defect found: where and what."""

    position: int
    kind: str  # altered | removed | inserted | reordered | truncated
    detail: str


@dataclass(frozen=True)
class WalkResult:
    """Outcome of a walk: rows accepted, the last good position and hash, the first problem."""

    checked: int
    last_position: int
    last_hash: bytes
    problem: Problem | None

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return self.problem is None


def _claims(body: object) -> tuple[int, int] | None:
    try:
        doc = json.loads(body)  # type: ignore[arg-type]
        return int(doc["position"]), int(doc["prev_position"])
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None


def _kind(value: object) -> str:
    return "NULL" if value is None else type(value).__name__


def malformed(row: Row) -> str | None:
    """Why a row's stored values are not of the type and length the writer stores, if so.

    Why this exists: a writer with SQL access can store any type in a column (SQLite's BLOB
    columns take text, integers, reals), and a value of the wrong type must be reported as
    tampering at its position, never crash the walker (``bytes + str``)."""
    pos, prev_hash, hsh, body, _ = row
    if type(pos) is not int:
        return f"the position is stored as {_kind(pos)}, not an integer"
    for name, value in (("prev_hash", prev_hash), ("hash", hsh), ("body", body)):
        if type(value) is not bytes:
            return f"{name} is stored as {_kind(value)}, not bytes"
    for name, value in (("prev_hash", prev_hash), ("hash", hsh)):
        if len(value) != len(GENESIS):
            return f"{name} is {len(value)} bytes long, not {len(GENESIS)}"
    return None


def walk(rows: Iterable[Row], checkpoints: Mapping[int, bytes] | None = None) -> WalkResult:
    """Check every row; stop at the first problem. ``checkpoints``: position -> head hash."""
    cps = dict(checkpoints or {})
    sha256 = hashlib.sha256
    it: Iterator[Row] = iter(rows)
    last_pos, last_hash, last_prev = 0, GENESIS, GENESIS
    checked = 0
    for row in it:
        pos, prev_hash, hsh, body, cols_ok = row
        try:
            good = (
                cols_ok
                and pos == last_pos + 1
                and prev_hash == last_hash
                and sha256(prev_hash + body).digest() == hsh
            )
        except TypeError:  # a value of another type than written: classified below
            good = False
        if good:
            if pos in cps and cps.pop(pos) != hsh:
                problem = Problem(
                    pos,
                    "altered",
                    "the chain up to here was rewritten: head hash differs "
                    "from the checkpoint recorded for this position",
                )
                return WalkResult(checked, last_pos, last_hash, problem)
            last_pos, last_prev, last_hash = pos, prev_hash, hsh
            checked += 1
            continue
        nxt = next(it, None)
        problem = _classify(row, nxt, last_pos, last_hash, last_prev)
        return WalkResult(checked, last_pos, last_hash, problem)
    pending = [p for p in cps if p > last_pos]
    if pending:
        cp = max(pending)
        problem = Problem(
            last_pos + 1,
            "truncated",
            f"the log ends at position {last_pos} but a checkpoint covers position {cp}",
        )
        return WalkResult(checked, last_pos, last_hash, problem)
    return WalkResult(checked, last_pos, last_hash, None)


def _classify(
    row: Row, nxt: Row | None, last_pos: int, last_hash: bytes, last_prev: bytes
) -> Problem:
    why = malformed(row)
    if why is not None:
        at = row[0] if type(row[0]) is int else last_pos + 1
        return Problem(at, "altered", why)
    pos, prev_hash, hsh, body, cols_ok = row
    if not cols_ok:
        return Problem(
            pos, "altered", "a stored field disagrees with the hashed body or its stored type"
        )
    if hashlib.sha256(prev_hash + body).digest() != hsh:
        return Problem(pos, "altered", "the body does not hash to the stored hash")
    claims = _claims(body)
    if claims is None:
        return Problem(pos, "altered", "the hashed body does not name its positions")
    claimed_pos, claimed_prev = claims
    if last_pos > 0 and prev_hash == last_prev:
        return Problem(
            last_pos,
            "inserted",
            f"position {last_pos} is not part of the chain: the next event links past it",
        )
    nxt_claims = _claims(nxt[3]) if nxt is not None else None
    if pos <= last_pos or (nxt_claims is not None and nxt_claims[0] < claimed_pos):
        first = min(claimed_pos, nxt_claims[0]) if nxt_claims else min(claimed_pos, pos)
        return Problem(first, "reordered", "events appear out of their recorded order")
    if claimed_prev > last_pos:
        return Problem(
            last_pos + 1,
            "removed",
            f"event at position {claimed_pos} names predecessor {claimed_prev}, "
            f"but the log jumps from {last_pos}",
        )
    if claimed_pos < pos:
        return Problem(
            claimed_pos, "inserted", f"event recorded at {claimed_pos} was pushed to {pos}"
        )
    if claimed_prev == last_pos and last_pos > 0:
        if nxt is not None and nxt[1] == last_hash:
            return Problem(pos, "inserted", "this event is not linked into the chain")
        return Problem(
            last_pos,
            "altered",
            f"its hash differs from the one position {pos} recorded (rewritten and rehashed)",
        )
    if claimed_pos != pos:
        return Problem(pos, "altered", f"the body claims position {claimed_pos}")
    return Problem(pos, "altered", "the link to the previous event is broken")


# ---- END uprflow/store/chainwalk.py ----

import sys  # noqa: E402

FORMAT = "uprflow-ledger-export"


def verify_lines(lines: list[str]) -> tuple[WalkResult | None, Problem | None, int]:
    """(walk result, problem, events read) for the lines of an export."""
    docs = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            docs.append(json.loads(text))
        except ValueError:
            return None, Problem(0, "altered", f"line {number} is not JSON"), 0
    if not docs or docs[0].get("kind") != "header" or docs[0].get("format") != FORMAT:
        return None, Problem(0, "altered", "not an uprflow ledger export (bad header)"), 0
    rows: list[Row] = []
    cps: dict[int, bytes] = {}
    end = None
    for doc in docs[1:]:
        kind = doc.get("kind")
        if kind == "event":
            try:
                body = doc["body"].encode("utf-8")
                # ``stored``: the exporter found the row not stored as written (tampering).
                try:
                    cols_ok = "stored" not in doc and json.loads(body) == doc["event"]
                except (ValueError, RecursionError):
                    cols_ok = False
                position = int(doc["position"])
                prev_hash = bytes.fromhex(doc["prev_hash"])
                rows.append((position, prev_hash, bytes.fromhex(doc["hash"]), body, cols_ok))
            except (KeyError, ValueError, TypeError, AttributeError):
                pos = doc.get("position", 0) if isinstance(doc.get("position"), int) else 0
                return None, Problem(pos, "altered", "an event line lacks its fields"), len(rows)
        elif kind == "checkpoint":
            cps[int(doc["position"])] = bytes.fromhex(doc["head_hash"])
        elif kind == "end":
            end = doc
    if end is not None:
        cps[int(end["head_position"])] = bytes.fromhex(end["head_hash"])
    result = walk(rows, cps)
    if result.problem is not None:
        return result, result.problem, len(rows)
    if end is None:
        return (
            result,
            Problem(result.last_position + 1, "truncated", "the export has no end record"),
            len(rows),
        )
    if result.last_position > int(end["head_position"]):
        return (
            result,
            Problem(int(end["head_position"]) + 1, "inserted", "events follow the announced head"),
            len(rows),
        )
    return result, None, len(rows)


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    if len(argv) != 2:
        print("usage: verify_export.py EXPORT.jsonl", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    result, problem, count = verify_lines(lines)
    if problem is not None:
        print(f"FAIL position {problem.position}: {problem.kind}: {problem.detail}")
        return 1
    assert result is not None
    print(f"OK {count} events, head {result.last_position} {result.last_hash.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
