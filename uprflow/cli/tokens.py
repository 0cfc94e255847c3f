"""``uprflow tokens``: issue, list and revoke API bearer tokens.

The token is printed once, when issued; the database keeps only its keyed hash
(`uprflow/store/access.py`), so a lost token cannot be shown again — revoke it and issue another.
Every command applies the migrations first, so it works on a fresh ledger database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from uprflow.cli.options import DatabaseUrl, ledger_url
from uprflow.config import get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

tokens_app = typer.Typer(help="API bearer tokens (issue, list, revoke).", no_args_is_help=True)

ROLES = ("secretariat", "ministry", "nhri", "cso", "parliament", "auditor")
#: Roles that act for the NMRF itself get a default organisation; the others must name theirs.
DEFAULT_ORG = {"secretariat": "NMRF", "auditor": "AUDIT"}


def _engine(database_url: str | None) -> Engine:
    from uprflow.store.db import make_engine
    from uprflow.store.migrate import migrate

    url = ledger_url(database_url)
    try:
        migrate(url)
    except Exception as exc:
        typer.echo(f"error: cannot open the database: {exc}", err=True)
        raise typer.Exit(1) from None
    return make_engine(url)


@tokens_app.command("issue")
def issue_cmd(
    role: Annotated[str, typer.Option("--role", help=f"one of: {', '.join(ROLES)}")],
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="organisation id (e.g. MOH, NHRI-KE); required for ministry, nhri, cso and "
            "parliament; default NMRF for secretariat, AUDIT for auditor",
        ),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="who holds the token")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a token and print it once (only its hash is stored)."""
    from uprflow.store.access import issue_token

    if role not in ROLES:
        raise typer.BadParameter(
            f"must be one of {', '.join(ROLES)}, not {role!r}", param_hint="'--role'"
        )
    organisation = (org or "").strip() or DEFAULT_ORG.get(role)
    if not organisation:
        raise typer.BadParameter(f"is required for role {role}", param_hint="'--org'")
    engine = _engine(database_url)
    try:
        secret = get_settings().secret_key.get_secret_value()
        record, token = issue_token(engine, secret, role=role, organisation=organisation, name=name)
    finally:
        engine.dispose()
    typer.echo(f"token id:     {record.token_id}")
    typer.echo(f"role:         {record.role}")
    typer.echo(f"organisation: {record.organisation}")
    typer.echo(f"name:         {record.name}")
    typer.echo("")
    typer.echo("Bearer token (shown once; only its hash is stored):")
    typer.echo(token)


@tokens_app.command("list")
def list_cmd(database_url: DatabaseUrl = None) -> None:
    """List every token (newest first); never the token itself."""
    from uprflow.store.access import list_tokens

    engine = _engine(database_url)
    try:
        records = list_tokens(engine)
    finally:
        engine.dispose()
    header = ("id", "role", "org", "name", "created", "revoked")
    rows = [
        (r.token_id, r.role, r.organisation, r.name, r.created_at, r.revoked_at or "-")
        for r in records
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        typer.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    if not rows:
        typer.echo("(no tokens)")


@tokens_app.command("revoke")
def revoke_cmd(
    token_id: Annotated[str, typer.Argument(help="the token id (from `tokens list`)")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token: it stops working at once. Unknown id: exit 1."""
    from uprflow.store.access import revoke_token

    engine = _engine(database_url)
    try:
        record = revoke_token(engine, token_id)
    except KeyError:
        typer.echo(f"error: no token {token_id!r}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(
        f"revoked {record.token_id} ({record.role} {record.organisation}) at {record.revoked_at}"
    )
