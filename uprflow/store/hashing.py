"""The hash chain over the global log.

``hash(n) = sha256(hash(n-1) || body(n))`` where ``body`` is the RFC 8785 canonical JSON of
the whole envelope (position and predecessor position included, so moving or dropping a row
breaks the chain) and ``hash(0)`` is 32 zero bytes.
"""

from __future__ import annotations

import hashlib

#: The predecessor hash of the first event.
GENESIS = bytes(32)


def chain_hash(prev_hash: bytes, body: bytes) -> bytes:
    """The 32-byte digest linking ``body`` to its predecessor."""
    return hashlib.sha256(prev_hash + body).digest()
