"""Who is calling: bearer tokens, roles and organisations.

Tokens are issued with ``uprflow tokens issue``; the database keeps only their keyed hash
(`uprflow/store/access.py`). Public routes take no token. A route declares the roles it admits with
:func:`require`; organisation scoping (a ministry acts on its own tasks only) is checked by
the route against the resource.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime
from uprflow.domain.envelope import Actor
from uprflow.store.access import authenticate

Role = Literal["secretariat", "ministry", "nhri", "cso", "parliament", "auditor"]
ALL_ROLES: tuple[Role, ...] = ("secretariat", "ministry", "nhri", "cso", "parliament", "auditor")

_bearer = HTTPBearer(auto_error=False, description="a token from `uprflow tokens issue`")


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


def runtime(request: Request) -> Runtime:
    """The API's runtime (engine, Temporal handle, settings)."""
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]


async def principal(
    request: Request,
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 when there is none or it is not valid."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401, "a bearer token is required", kind="unauthenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )  # fmt: skip
    secret = rt.settings.secret_key.get_secret_value()
    record = await asyncio.to_thread(authenticate, rt.engine, secret, credentials.credentials)
    if record is None:
        raise ProblemError(
            401, "the bearer token is not valid or was revoked", kind="unauthenticated",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )  # fmt: skip
    p = Principal(record.token_id, record.role, record.organisation, record.name)  # type: ignore[arg-type]
    request.state.principal = p
    return p


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting only callers with one of ``roles`` (403 otherwise)."""

    async def check(p: Annotated[Principal, Depends(principal)]) -> Principal:
        if p.role not in roles:
            raise ProblemError(
                403,
                f"role {p.role} may not do this (allowed: {', '.join(roles)})",
                kind="forbidden",
            )
        return p

    return check
