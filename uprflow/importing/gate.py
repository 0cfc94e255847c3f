"""Which cycles an import may write into, and where it may record positions.

Why: an import writes straight to the ledger, beside the workflows. It must not decide what a
running cycle's workflows decide, nor bring a cycle into being. The rule:

- ``--cycle C`` (the CLI) and ``/cycles/C/...`` (the API) name a RUNNING cycle: C must have been
  started (a ``CycleStarted`` in the ledger, i.e. ``uprflow cycle start`` or ``POST /cycles``),
  else the import is refused (:class:`CycleNotStarted`) and nothing is written.
- Positions a file states are recorded for a started cycle only once it is past its decisions
  (its ``decisions`` stage closed, its outcome adopted, or the cycle completed); before that the
  recommendations are recorded and the positions held back (its workflow decides them).
- Without ``--cycle`` (the CLI only) the file's own cycles are HISTORY (past UPR sessions, e.g.
  the UPR Info export of sessions 1-20): a cycle never started is recorded as the source states
  it, positions included; a derived cycle that is running follows the rule above.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from uprflow.domain.values import Stage
from uprflow.store.schema import proj_cycles, proj_stages

_CHUNK = 500


class CycleNotStarted(LookupError):
    """The import names a cycle that was never started; nothing was written."""

    def __init__(self, cycle_id: str) -> None:
        self.cycle_id = cycle_id
        super().__init__(
            f"{cycle_id} was never started: start it first with `uprflow cycle start` (or POST "
            "/cycles); to record a past session's recommendations as history, import the file "
            "without --cycle"
        )


@dataclass(frozen=True)
class CycleGate:
    """The started cycles among those of a file, and which of them are past their decisions."""

    started: frozenset[str]
    decided: frozenset[str]

    def positions_allowed(self, cycle_id: str) -> bool:
        """A position stated by the file may be recorded for ``cycle_id``."""
        return cycle_id not in self.started or cycle_id in self.decided


def cycle_gate(engine: sa.Engine, cycle_ids: Iterable[str]) -> CycleGate:
    """Read the cycles' recorded state (the read model the ledger maintains)."""
    ids = sorted(set(cycle_ids))
    started: set[str] = set()
    decided: set[str] = set()
    c, s = proj_cycles, proj_stages
    with engine.connect() as conn:
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            for cycle_id, status, data in conn.execute(
                sa.select(c.c.cycle_id, c.c.status, c.c.data).where(c.c.cycle_id.in_(chunk))
            ):
                if status == "not_started":
                    continue
                started.add(cycle_id)
                if status == "completed" or json.loads(data).get("outcome_adopted_on"):
                    decided.add(cycle_id)
            decided.update(
                conn.execute(
                    sa.select(s.c.cycle_id).where(
                        s.c.cycle_id.in_(chunk),
                        s.c.stage == Stage.DECISIONS.value,
                        s.c.status == "closed",
                    )
                ).scalars()
            )
    return CycleGate(frozenset(started), frozenset(decided & started))


def require_started(gate: CycleGate, cycle_id: str) -> None:
    """Refuse an import into ``cycle_id`` unless it was started."""
    if cycle_id not in gate.started:
        raise CycleNotStarted(cycle_id)
