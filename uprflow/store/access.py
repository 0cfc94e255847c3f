"""API access records: bearer tokens (stored as keyed hashes) and idempotency keys.

A token is ``upr_<token_id>_<secret>``; the database keeps only HMAC-SHA256(token key, token),
so neither a database dump nor a log line with a token id can be used to act. The token key is
derived from ``UPRFLOW_SECRET_KEY`` for this purpose alone (:mod:`uprflow.domain.keys`), so the
webhook secrets held by receivers say nothing about it. Tokens issued before the derivation were
hashed with the master secret itself; they still authenticate once and are re-hashed then.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from uprflow.domain.keys import token_hashing_key
from uprflow.store.timefmt import format_ts, utc_now

metadata = sa.MetaData()

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("organisation", sa.String(50), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("token_id", sa.String(32), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(500), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("response", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("token_id", "key"),
)

ROLES = ("secretariat", "ministry", "nhri", "cso", "parliament", "auditor")


@dataclass(frozen=True)
class TokenRecord:
    """A stored token (never the token itself)."""

    token_id: str
    role: str
    organisation: str
    name: str
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        """False once revoked."""
        return self.revoked_at is None


def _digest(key: bytes, token: str) -> str:
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def token_hash(secret_key: str, token: str) -> str:
    """The stored hash of a token: keyed with the token-hashing key derived from the master."""
    return _digest(token_hashing_key(secret_key), token)


def legacy_token_hash(secret_key: str, token: str) -> str:
    """The hash tokens issued before the key derivation were stored under (master as key)."""
    return _digest(secret_key.encode(), token)


def issue_token(
    engine: Engine, secret_key: str, *, role: str, organisation: str, name: str
) -> tuple[TokenRecord, str]:
    """Create a token; return its record and the plaintext (shown once, never stored)."""
    if role not in ROLES:
        raise ValueError(f"role: must be one of {', '.join(ROLES)}, not {role!r}")
    if not organisation.strip():
        raise ValueError("organisation: must not be empty")
    token_id = secrets.token_hex(8)
    token = f"upr_{token_id}_{secrets.token_urlsafe(32)}"
    record = TokenRecord(
        token_id, role, organisation.strip(), name.strip() or role, format_ts(utc_now()), None
    )
    with engine.begin() as conn:
        conn.execute(
            api_tokens.insert().values(
                token_id=record.token_id,
                token_hash=token_hash(secret_key, token),
                role=record.role,
                organisation=record.organisation,
                name=record.name,
                created_at=record.created_at,
            )
        )
    return record, token


def _record(row: Any) -> TokenRecord:
    return TokenRecord(
        row.token_id, row.role, row.organisation, row.name, row.created_at, row.revoked_at
    )


def authenticate(engine: Engine, secret_key: str, token: str) -> TokenRecord | None:
    """The active token record for a presented bearer token, or None.

    A token stored under its legacy hash (the master secret as key, before the per-purpose
    keys) is accepted and re-hashed under the derived key in the same transaction.
    """
    if not token.startswith("upr_"):
        return None
    current = token_hash(secret_key, token)
    with engine.connect() as conn:
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == current)).first()
    if row is None:
        row = _migrate_legacy(engine, secret_key, token, current)
    if row is None:
        return None
    record = _record(row)
    return record if record.active else None


def _migrate_legacy(engine: Engine, secret_key: str, token: str, current: str) -> Any:
    """The row of a token stored under its legacy hash, now re-hashed; None if there is none.

    Why re-hash: once every live token has been used, no stored hash is keyed with the master
    secret any more, and a leak of the master's webhook-era copies proves nothing about tokens.
    """
    legacy = legacy_token_hash(secret_key, token)
    with engine.begin() as conn:
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == legacy)).first()
        if row is None:
            return None
        conn.execute(
            api_tokens.update()
            .where(api_tokens.c.token_id == row.token_id, api_tokens.c.token_hash == legacy)
            .values(token_hash=current)
        )
        return conn.execute(
            sa.select(api_tokens).where(api_tokens.c.token_id == row.token_id)
        ).one()


def list_tokens(engine: Engine) -> list[TokenRecord]:
    """Every token, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(api_tokens).order_by(api_tokens.c.created_at.desc()))
        return [_record(r) for r in rows]


def revoke_token(engine: Engine, token_id: str) -> TokenRecord:
    """Revoke a token by id; raise KeyError if unknown. Revoking twice keeps the first time."""
    with engine.begin() as conn:
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_id == token_id)).first()
        if row is None:
            raise KeyError(f"token_id: no token {token_id!r}")
        if row.revoked_at is None:
            conn.execute(
                api_tokens.update()
                .where(api_tokens.c.token_id == token_id)
                .values(revoked_at=format_ts(utc_now()))
            )
        row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_id == token_id)).one()
    return _record(row)


@dataclass(frozen=True)
class StoredResponse:
    """A response recorded under an Idempotency-Key."""

    request_hash: str
    status_code: int
    response: str


def find_idempotent(engine: Engine, token_id: str, key: str) -> StoredResponse | None:
    """The response stored for (token, key), if any."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(idempotency_keys).where(
                idempotency_keys.c.token_id == token_id, idempotency_keys.c.key == key
            )
        ).first()
    return StoredResponse(row.request_hash, row.status_code, row.response) if row else None


def store_idempotent(
    engine: Engine,
    token_id: str,
    key: str,
    *,
    method: str,
    path: str,
    request_hash: str,
    status_code: int,
    response: str,
) -> StoredResponse:
    """Record the first response for (token, key); a concurrent twin keeps the first one."""
    try:
        with engine.begin() as conn:
            conn.execute(
                idempotency_keys.insert().values(
                    token_id=token_id,
                    key=key,
                    method=method,
                    path=path,
                    request_hash=request_hash,
                    status_code=status_code,
                    response=response,
                    created_at=format_ts(utc_now()),
                )
            )
    except sa.exc.IntegrityError:
        pass
    stored = find_idempotent(engine, token_id, key)
    assert stored is not None
    return stored
