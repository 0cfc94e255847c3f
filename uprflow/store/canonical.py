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


# Keys already seen to sort the same in UTF-16 and in code points (event field names, mostly).
_SAFE_KEYS: set[str] = set()
_SAFE_KEYS_MAX = 4096


def _safe_key(k: Any) -> bool:
    if type(k) is not str or (k and max(k) >= "\ue000"):
        return False
    if len(_SAFE_KEYS) < _SAFE_KEYS_MAX:
        _SAFE_KEYS.add(k)
    return True


def _simple(value: Any) -> bool:
    # Why: only these shapes canonicalise identically under json.dumps(sort_keys=True).
    t = type(value)
    if t is str or value is None or t is bool:
        return True
    if t is int:
        return -_MAX_SAFE <= value <= _MAX_SAFE
    if t is dict:
        return _simple_dict(value)
    if t is list or t is tuple:
        return all(_simple(v) for v in value)
    return False


def _simple_dict(value: dict[Any, Any]) -> bool:
    # Why a flat loop: payloads are mostly one level of strings, so test those inline.
    for k, v in value.items():
        if type(k) is not str or (k not in _SAFE_KEYS and not _safe_key(k)):
            return False
        t = type(v)
        if t is str or v is None or t is bool:
            continue
        if t is int:
            if not -_MAX_SAFE <= v <= _MAX_SAFE:
                return False
        elif not _simple(v):
            return False
    return True


#: RFC 8785 form of one ``str`` (exact type), as text: JSON's C escaper without ASCII escaping
#: emits exactly the escapes RFC 8785 prescribes (tested against ``rfc8785``).
encode_str: Any = (
    getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring
)


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
