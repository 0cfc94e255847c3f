"""The API's long-lived resources: the ledger engine and a lazily connected Temporal client.

Why lazy: the API must start (and report itself in ``/health``) even while Temporal is still
coming up or is down; it connects on first use and retries on later requests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import sqlalchemy as sa
from temporalio.client import Client

from uprflow.config import Settings
from uprflow.store.ledger import Ledger
from uprflow.temporal import connect


@dataclass
class TemporalHandle:
    """Connects to Temporal on demand and remembers the client once connected."""

    settings: Settings
    client: Client | None = None
    last_error: str = ""
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self, timeout_s: float = 3.0) -> Client | None:
        """The connected client, or ``None`` (with :attr:`last_error`) when unreachable."""
        if self.client is not None:
            return self.client
        async with self._lock:
            if self.client is None:
                try:
                    self.client = await asyncio.wait_for(connect(self.settings), timeout_s)
                    self.last_error = ""
                except Exception as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"[:300]
        return self.client


@dataclass
class Runtime:
    """Everything a request handler may need, built once per API process."""

    settings: Settings
    engine: sa.Engine
    temporal: TemporalHandle
    ledger: Ledger
