"""``uprflow webhooks``: the webhook secret of one receiving organisation.

Each organisation that receives webhooks verifies them with its own secret, derived from
``UPRFLOW_SECRET_KEY`` (:mod:`uprflow.domain.keys`); the operator prints it here and hands it
to that organisation only. It cannot be used to mint API tokens nor to verify or forge the
notices of any other organisation. Rotating ``UPRFLOW_SECRET_KEY`` changes every secret.
"""

from __future__ import annotations

from typing import Annotated

import typer

from uprflow.config import get_settings

webhooks_app = typer.Typer(help="Webhook receivers' secrets.", no_args_is_help=True)


@webhooks_app.command("secret")
def secret_cmd(
    org: Annotated[
        str,
        typer.Option("--org", help="the receiving organisation's id (e.g. MOJ, NHRI-KE)"),
    ],
) -> None:
    """Print the webhook secret of ORG (verifies `X-Uprflow-Signature` of its deliveries)."""
    from uprflow.domain.keys import org_webhook_secret_from_master

    organisation = org.strip()
    if not organisation:
        raise typer.BadParameter("must not be empty", param_hint="'--org'")
    master = get_settings().secret_key.get_secret_value()
    typer.echo(org_webhook_secret_from_master(master, organisation))
