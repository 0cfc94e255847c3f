"""``Idempotency-Key`` on POST: a retried request returns the first result and changes nothing.

The first successful response is stored per (token, key) with a hash of the request; the same
key with the same request replays it, with a different request is refused (422). The key is
also passed to Temporal as the update id, so two copies racing each other are deduplicated by
the workflow itself before either response is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from uprflow.api.problems import ProblemError
from uprflow.api.runtime import Runtime
from uprflow.api.security import Principal
from uprflow.store.access import find_idempotent, store_idempotent

HEADER = "Idempotency-Key"


def idempotency_key(request: Request) -> str | None:
    """The request's key, validated (1-200 printable characters)."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not (0 < len(key) <= 200) or not key.isprintable():
        raise ProblemError(422, f"{HEADER}: 1 to 200 printable characters", kind="validation")
    return key


def update_id(p: Principal, key: str | None) -> str | None:
    """The Temporal update id for a keyed request (unique per caller)."""
    return f"{p.token_id}:{key}" if key else None


async def idempotent(
    request: Request,
    rt: Runtime,
    p: Principal,
    body: Any,
    run: Callable[[], Awaitable[Any]],
    *,
    status_code: int = 200,
) -> JSONResponse:
    """Run ``run`` once per (caller, Idempotency-Key); replay the stored answer on retries."""
    key = idempotency_key(request)
    if key is None:
        result = await run()
        return JSONResponse(jsonable_encoder(result), status_code=status_code)
    digest = hashlib.sha256(
        json.dumps(
            [request.method, request.url.path, jsonable_encoder(body)],
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
    ).hexdigest()
    stored = await asyncio.to_thread(find_idempotent, rt.engine, p.token_id, key)
    replayed = stored is not None
    if stored is None:
        result = await run()
        stored = await asyncio.to_thread(
            store_idempotent,
            rt.engine,
            p.token_id,
            key,
            method=request.method,
            path=request.url.path,
            request_hash=digest,
            status_code=status_code,
            response=json.dumps(jsonable_encoder(result)),
        )
    if stored.request_hash != digest:
        raise ProblemError(
            422,
            f"{HEADER} {key!r} was already used for a different request",
            kind="idempotency-key-reused",
        )
    return JSONResponse(
        json.loads(stored.response),
        status_code=stored.status_code,
        headers={"Idempotent-Replayed": "true"} if replayed else None,
    )
