"""One master secret, one key per purpose: token hashing and webhook signing never share a key.

``UPRFLOW_SECRET_KEY`` is the master. Each purpose gets its own key,
``HMAC-SHA256(master, "<purpose label>")``, and each organisation receiving webhooks gets its
own secret, ``HMAC-SHA256(webhook signing key, "org:<organisation id>")`` in hex. So a webhook
receiver holds only its own secret: from it it can neither mint API tokens, nor forge or
verify the notices of another organisation (HMAC is one-way; see ``tests/store/test_token_keys.py``
and ``tests/cli/test_webhooks.py``).

Pure: hmac and hashlib only.
"""

from __future__ import annotations

import hashlib
import hmac

#: Purpose labels. Never change them: stored token hashes and the secrets handed to receivers
#: are derived from them (a new scheme gets a new label, e.g. ``... v2``).
TOKEN_HASHING = "uprflow token hashing v1"
WEBHOOK_SIGNING = "uprflow webhook signing v1"


def _bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def derive_key(master: str | bytes, purpose: str) -> bytes:
    """The 32-byte key of one purpose, derived from the master secret."""
    return hmac.new(_bytes(master), purpose.encode(), hashlib.sha256).digest()


def token_hashing_key(master: str | bytes) -> bytes:
    """The key API tokens are hashed with (``uprflow/store/access.py``)."""
    return derive_key(master, TOKEN_HASHING)


def webhook_signing_key(master: str | bytes) -> bytes:
    """The key the per-organisation webhook secrets are derived from (held by the notifier)."""
    return derive_key(master, WEBHOOK_SIGNING)


def org_webhook_secret(signing_key: bytes, organisation: str) -> str:
    """The webhook secret of one receiving organisation, from the webhook signing key (hex,
    64 characters; what ``uprflow webhooks secret --org ORG`` prints for the operator)."""
    if not organisation.strip():
        raise ValueError("organisation: must not be empty")
    message = b"org:" + organisation.encode()
    return hmac.new(signing_key, message, hashlib.sha256).hexdigest()


def org_webhook_secret_from_master(master: str | bytes, organisation: str) -> str:
    """:func:`org_webhook_secret` straight from the master secret (for the CLI)."""
    return org_webhook_secret(webhook_signing_key(master), organisation)
