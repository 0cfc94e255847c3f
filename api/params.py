"""Path parameters shared by the routes, each defined once.

Two shapes of cycle id: the cycle and write routes accept ``cycle-KE-4``, ``KE-4`` or
``ke-4`` and normalise it (:func:`normalise_cycle_id`); the audit, public, document and
dashboard routes take the ledger's id as written (they read events, whose ``cycle_id`` is
whatever the ledger holds, imported cycles included).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path

from uprflow.workflows.cycle import cycle_workflow_id

#: A ledger cycle id as stored (letters, digits and ``_.:-``).
LEDGER_CYCLE_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"

CycleId = Annotated[
    str,
    Path(
        description="cycle id, e.g. cycle-KE-4 (KE-4 is accepted too)",
        pattern=r"^(?:cycle-)?[A-Za-z]{2,3}-[0-9]{1,7}$",
        examples=["cycle-KE-4"],
    ),
]
LedgerCycleId = Annotated[
    str,
    Path(
        pattern=LEDGER_CYCLE_ID,
        description="a cycle id, e.g. `cycle-KE-4`",
        examples=["cycle-KE-4"],
    ),
]
#: The stages a cycle runs as workflows (path parameter of the stage commands).
StageName = Literal[
    "consultation",
    "draft_circulation",
    "validation",
    "review",
    "decisions",
    "follow_up",
    "midterm",
    "parliamentary_review",
]
StagePath = Annotated[StageName, Path(description="the stage, e.g. consultation")]
TaskId = Annotated[
    str,
    Path(
        description="task id, e.g. task-KE-4-decisions-003-moj-propose",
        pattern=r"^task-[A-Za-z0-9_-]{1,200}$",
        examples=["task-KE-4-decisions-003-moj-propose"],
    ),
]


def normalise_cycle_id(value: str) -> str:
    """``cycle-KE-4`` for ``cycle-KE-4``, ``KE-4`` or ``ke-4`` (a :data:`CycleId`)."""
    country, _, number = value.removeprefix("cycle-").rpartition("-")
    return cycle_workflow_id(country, int(number))
