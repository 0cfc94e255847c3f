"""Run one whole cycle of a profile under time skipping with simulated people (shared helper)."""

from __future__ import annotations

import gzip
import json
import os
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from uprflow.config import Settings
from uprflow.demo.people import simulated_worker
from uprflow.demo.scenario import Scenario
from uprflow.domain.envelope import EventEnvelope
from uprflow.domain.profile import Profile
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all
from uprflow.workflows.cycle import CycleInput, CycleResult, CycleWorkflow, cycle_workflow_id

HISTORIES = Path(__file__).resolve().parents[1] / "fixtures" / "histories"
RECORD_ENV = "UPRFLOW_RECORD_HISTORIES"
#: Task histories are kept for one profile only (one per kind of task): they all run the
#: same TaskWorkflow code, and the fixtures stay small.
TASK_HISTORIES_FOR = {"ke"}


def _write(path: Path, history_json: str) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(json.loads(history_json), f, separators=(",", ":"))


@dataclass
class CycleRun:
    """A finished cycle: its result and every event the ledger holds."""

    result: CycleResult
    events: list[EventEnvelope]
    db_url: str


async def run_cycle(
    env: WorkflowEnvironment,
    db_url: str,
    profile: Profile,
    scenario: Scenario,
    *,
    cycle_number: int = 3,
    silent: frozenset[tuple[str, str]] = frozenset(),
) -> CycleRun:
    """Run a cycle to the end (no hand-over to the next one)."""
    migrate(db_url)
    engine = make_engine(db_url)
    ledger = Ledger(engine)
    settings = Settings(database_url=db_url)
    now = await env.get_current_time()
    queue = f"cycle-{uuid.uuid4().hex[:8]}"
    try:
        async with simulated_worker(
            env.client,
            settings,
            engine,
            scenario,
            ledger=ledger,
            silent=silent,
            task_queue=queue,
        ):
            result = await env.client.execute_workflow(
                CycleWorkflow.run,
                CycleInput(
                    country=profile.country,
                    cycle_number=cycle_number,
                    review_date=(now + timedelta(days=370)).date(),
                    profile=profile,
                    chain_next=False,
                ),
                id=cycle_workflow_id(profile.country, cycle_number),
                task_queue=queue,
            )
            if os.environ.get(RECORD_ENV):
                await record_histories(env.client, result, profile.country.lower())
        return CycleRun(result=result, events=list(iter_all(engine)), db_url=db_url)
    finally:
        ledger.close()
        engine.dispose()


async def record_histories(client: Client, result: CycleResult, name: str) -> None:
    """Store the cycle's histories as replay fixtures: the cycle, every stage run (the
    follow-up's first run included, which ends in continue-as-new) and one task per kind."""
    out = HISTORIES / name
    out.mkdir(parents=True, exist_ok=True)
    cycle = await client.get_workflow_handle(result.cycle_id).fetch_history()
    _write(out / "cycle.json.gz", cycle.to_json())
    for event in cycle.events:
        if event.event_type != EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
            continue
        ex = event.child_workflow_execution_started_event_attributes.workflow_execution
        history = await client.get_workflow_handle(ex.workflow_id, run_id=ex.run_id).fetch_history()
        _write(out / f"{ex.workflow_id}.json.gz", history.to_json())
        if name not in TASK_HISTORIES_FOR:
            continue
        kinds: set[str] = set()
        for sub in history.events:
            if sub.event_type != EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
                continue
            task = sub.child_workflow_execution_started_event_attributes.workflow_execution
            kind = task.workflow_id.rsplit("-", 1)[-1]
            if kind in kinds:
                continue
            kinds.add(kind)
            th = await client.get_workflow_handle(
                task.workflow_id, run_id=task.run_id
            ).fetch_history()
            _write(out / f"{task.workflow_id}.json.gz", th.to_json())
    (out / "README.md").write_text(
        json.dumps({"cycle_id": result.cycle_id, "recorded_by": "tests/workflows/cycle_run.py"})
        + "\n"
    )
