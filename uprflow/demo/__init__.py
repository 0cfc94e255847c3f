"""The demo: one whole UPR cycle of a study country, with simulated people answering.

Everything that simulates people lives here, with its data:

- :mod:`~uprflow.demo.scenario`: a study country's real recommendations (``data/``) and
  the positions the State took;
- :mod:`~uprflow.demo.answers`: what each simulated organisation answers to a task (pure);
- :mod:`~uprflow.demo.people`: the simulated people behind the ``deliver_notice`` activity,
  and the production worker built with them as its notifier;
- :mod:`~uprflow.demo.run`: ``uprflow demo`` — the cycle under the time-skipping server and
  its report.

An entry-point package: it may use workflows, activities, the store and the worker; nothing
of the production wiring imports it.
"""

from uprflow.demo.run import DemoReport, demo_ledger_path, run_demo
from uprflow.demo.scenario import DEMO_COUNTRIES

__all__ = ["DEMO_COUNTRIES", "DemoReport", "demo_ledger_path", "run_demo"]
