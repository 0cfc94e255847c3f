"""Every FastAPI dependency of the API and its ``Annotated`` alias, each defined once.

Routes import what they depend on from here only: the process's :class:`Runtime` (settings,
ledger engine and writer, lazily connected Temporal client), the authenticated
:class:`~uprflow.api.security.Principal` and the role sets each route admits, the
``Idempotency-Key`` and the request id.

Role sets are named for who they admit. Organisation scoping (a ministry acts on its own
tasks only) is not a dependency: the route checks it against the resource it loads.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from uprflow.api import observability
from uprflow.api.commands.binding import bind_secretariat, task_cycle
from uprflow.api.idempotency import idempotency_key
from uprflow.api.params import normalise_cycle_id
from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime
from uprflow.api.security import ALL_ROLES, Principal, Role
from uprflow.store.access import authenticate

#: The shape of a ``{cycle_id}`` the cycle routes accept (:data:`uprflow.api.params.CycleId`).
_CYCLE_PATH = r"(?:cycle-)?[A-Za-z]{2,3}-[0-9]{1,7}"

_bearer = HTTPBearer(auto_error=False, description="a token from `uprflow tokens issue`")


# ------------------------------------------------------------------ the process's resources


def runtime(request: Request) -> Runtime:
    """The API's runtime (engine, ledger, Temporal handle, settings), built by the lifespan."""
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]


# ------------------------------------------------------------------ who is calling


async def principal(
    request: Request,
    rt: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer token; 401 when there is none or it is not valid."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(
            401,
            "a bearer token is required",
            kind="unauthenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    secret = rt.settings.secret_key.get_secret_value()
    record = await asyncio.to_thread(authenticate, rt.engine, secret, credentials.credentials)
    if record is None:
        raise ProblemError(
            401,
            "the bearer token is not valid or was revoked",
            kind="unauthenticated",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    p = Principal(record.token_id, record.role, record.organisation, record.name)  # type: ignore[arg-type]
    # Why on the request: a refused write is recorded with who tried (api/rejections.py).
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


async def _cycle_of_path(request: Request, rt: Runtime) -> str | None:
    """The cycle a request's path names: ``{cycle_id}``, or the cycle of ``{task_id}``."""
    params = request.path_params
    raw = params.get("cycle_id")
    if isinstance(raw, str):
        if not re.fullmatch(_CYCLE_PATH, raw):
            return None  # the route answers 422 for it
        return normalise_cycle_id(raw)
    task_id = params.get("task_id")
    if isinstance(task_id, str):
        return await asyncio.to_thread(task_cycle, rt.engine, task_id)
    return None


async def _bound_secretariat(
    request: Request, rt: RuntimeDep, p: Annotated[Principal, Depends(require("secretariat"))]
) -> Principal:
    # Why here, once: every route that admits only the secretariat steers one cycle, named by
    # its path; a secretariat token of another country's NMRF must not steer it (403 before
    # anything reaches Temporal or the ledger). Starting a cycle names no cycle in its path:
    # the route checks the profile it is started with.
    cycle_id = await _cycle_of_path(request, rt)
    if cycle_id is not None:
        await bind_secretariat(rt, p, cycle_id)
    return p


#: Any authenticated caller.
AnyRole = Annotated[Principal, Depends(require(*ALL_ROLES))]
#: The NMRF secretariat: steers cycles, imports, extends and reassigns; bound to the cycle
#: its path names (the profile's ``nmrf.secretariat``, :mod:`uprflow.api.commands.binding`).
Secretariat = Annotated[Principal, Depends(_bound_secretariat)]
#: A ministry: reports progress on its recommendations.
Ministry = Annotated[Principal, Depends(require("ministry"))]
#: NHRIs and civil society: stakeholder submissions and independent assessments.
NhriOrCso = Annotated[Principal, Depends(require("nhri", "cso"))]
#: Auditors and the secretariat: the ledger, its verification, the triage queue.
AuditorOrSecretariat = Annotated[Principal, Depends(require("auditor", "secretariat"))]
#: Who may complete tasks (the workflow checks the assignee; the route hides other orgs' tasks).
Completer = Annotated[
    Principal, Depends(require("ministry", "nhri", "cso", "parliament", "secretariat"))
]
#: Who may comment on the circulating draft (the national profile narrows it further).
Commenter = Annotated[Principal, Depends(require("nhri", "cso", "parliament", "secretariat"))]
#: Who may read the mid-term report.
ReportReader = Annotated[Principal, Depends(require("secretariat", "auditor", "parliament"))]


# ------------------------------------------------------------------ request metadata

#: The request's ``Idempotency-Key`` (validated: 1-200 printable characters), or None.
IdempotencyKey = Annotated[str | None, Depends(idempotency_key)]


def request_id(request: Request) -> str | None:
    """The request's id (``X-Request-ID``), recorded in the trace of every event it causes."""
    return observability.request_id(request)


RequestId = Annotated[str | None, Depends(request_id)]
