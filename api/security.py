"""Who is calling: the authenticated principal, its role and organisation.

Tokens are issued with ``uprflow tokens issue``; the database keeps only their keyed hash
(`uprflow/store/access.py`). Public routes take no token. The dependencies that authenticate
a request and admit roles are in :mod:`uprflow.api.deps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from uprflow.domain.envelope import Actor

Role = Literal["secretariat", "ministry", "nhri", "cso", "parliament", "auditor"]
ALL_ROLES: tuple[Role, ...] = ("secretariat", "ministry", "nhri", "cso", "parliament", "auditor")


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    token_id: str
    role: Role
    organisation: str
    name: str

    def actor(self) -> Actor:
        """The ledger's actor for this caller."""
        return Actor(
            role=self.role, organisation=self.organisation, subject=f"token:{self.token_id}"
        )

    @property
    def reads_everything(self) -> bool:
        """Secretariat and auditors see every organisation's data."""
        return self.role in ("secretariat", "auditor")
