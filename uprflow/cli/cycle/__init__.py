"""``uprflow cycle``: the secretariat starts and steers a cycle from the command line.

Every command talks to the configured Temporal server through
:func:`uprflow.cli.connect.temporal_client`; a worker must poll the task queue for the cycle
to run, for ``status`` to be answered and for updates to be applied.
"""

from __future__ import annotations

import typer

from uprflow.cli.cycle.start import start
from uprflow.cli.cycle.status import status
from uprflow.cli.cycle.steer import close_window, extend

cycle_app = typer.Typer(help="Start and steer a UPR cycle.", no_args_is_help=True)
cycle_app.command("start")(start)
cycle_app.command("status")(status)
cycle_app.command("close-window")(close_window)
cycle_app.command("extend")(extend)

__all__ = ["cycle_app"]
