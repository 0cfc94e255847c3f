"""RFC 8785 (JSON Canonicalization Scheme) bytes, fast.

The reference is the ``rfc8785`` package. It is pure Python (~35 us for a typical envelope),
so for the values uprflow actually stores — strings, safe integers, booleans, null, lists and
objects whose keys sort the same in UTF-16 and in code points — we use ``json.dumps`` with
sorted keys, which yields the identical bytes (tests compare both on tricky inputs). Anything
else (floats, huge integers, keys with characters >= U+E000) goes to ``rfc8785``.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

_MAX_SAFE = 2**53 - 1
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _simple(value: Any) -> bool:
    # Why: only these shapes canonicalise identically under json.dumps(sort_keys=True).
    t = type(value)
    if t is str or value is None or t is bool:
        return True
    if t is int:
        return -_MAX_SAFE <= value <= _MAX_SAFE
    if t is dict:
        for k, v in value.items():
            if type(k) is not str or (k and max(k) >= "\ue000") or not _simple(v):
                return False
        return True
    if t is list or t is tuple:
        return all(_simple(v) for v in value)
    return False


def canonical_str(value: str) -> str:
    """RFC 8785 form of a single string (JSON string escaping is identical)."""
    return str(_dumps(value))


def canonical_flat(value: dict[str, str | None]) -> str:
    """RFC 8785 form of a flat object with ASCII keys and string or null values."""
    return str(_dumps(value))


def canonical_json(value: Any) -> str:
    """The RFC 8785 canonical form of ``value`` as text."""
    if _simple(value):
        return str(_dumps(value))
    return rfc8785.dumps(value).decode("utf-8")


def canonical_bytes(value: Any) -> bytes:
    """The RFC 8785 canonical form of ``value`` as UTF-8 bytes (what gets hashed)."""
    return canonical_json(value).encode("utf-8")
