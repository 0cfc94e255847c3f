"""The cycle commands' arguments: a cycle id and a stage name as the secretariat types them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from uprflow.cli.connect import CliError

if TYPE_CHECKING:
    from uprflow.domain.values import Stage


def normalise_cycle_id(value: str) -> str:
    """``cycle-KE-4``; ``KE-4`` and ``ke-4`` are accepted too."""
    from uprflow.workflows.cycle import cycle_workflow_id as make_cycle_id

    value = value.strip()
    if value.lower().startswith("cycle-"):
        value = value[len("cycle-") :]
    country, sep, number = value.rpartition("-")
    if not sep or not number.isdigit() or not country:
        raise CliError(f"not a cycle id: {value!r} (expected e.g. cycle-KE-4)", 2)
    return make_cycle_id(country, int(number))


def parse_stage(value: str) -> Stage:
    """A stage the cycle runs as a workflow (``draft-circulation`` = ``draft_circulation``)."""
    from uprflow.domain.values import Stage
    from uprflow.workflows.cycle import STAGE_WORKFLOWS

    try:
        stage = Stage(value.strip().lower().replace("-", "_"))
    except ValueError:
        stage = None
    if stage is None or stage not in STAGE_WORKFLOWS:
        names = " ".join(s.value for s in STAGE_WORKFLOWS)
        raise CliError(f"STAGE: unknown stage {value!r}; one of: {names}", 2)
    return stage
