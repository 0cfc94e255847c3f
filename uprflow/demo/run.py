"""``uprflow demo``: one whole UPR cycle of a study country, run by itself in seconds.

:func:`run_demo` starts the time-skipping Temporal test server from its installed wheel (never
downloaded), runs the country's shipped profile as a :class:`~workflows.cycle.CycleWorkflow`
with simulated people (:mod:`uprflow.demo.people`) answering every notice with the country's
real recommendations (:func:`uprflow.demo.scenario.load_scenario`), then verifies the
ledger's hash chain and returns a :class:`DemoReport`. The ledger is left in
``<data_dir>/demo-<CC>.db`` to explore with ``uprflow audit``; that file belongs to the demo
and is replaced by the next run for the same country (the cycle ids repeat, so a new run
cannot append to an old ledger).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from uprflow.config import Settings, get_settings
from uprflow.demo.people import simulated_worker
from uprflow.demo.scenario import DEMO_COUNTRIES, load_scenario
from uprflow.domain.sessions import cycle_of_session
from uprflow.domain.values import Stage
from uprflow.logging import quiet_runtime
from uprflow.profiles import load_profile
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import iter_all
from uprflow.store.verify import verify
from uprflow.temporal import ensure_search_attributes, test_server_path
from uprflow.workflows.cycle import STAGE_WORKFLOWS, CycleInput, CycleResult, CycleWorkflow
from uprflow.workflows.cycle import cycle_workflow_id as _cycle_id
from uprflow.workflows.stage_models import stage_workflow_id


@dataclass(frozen=True)
class StageLine:
    """One stage of the demo cycle as it ran (dates are the ledger's, in virtual time)."""

    stage: str
    status: str
    opened: date | None
    closed: date | None
    tasks_completed: int
    tasks_cancelled: int
    closed_early: bool
    facts: dict[str, int]


@dataclass(frozen=True)
class VerifyLine:
    """The ``uprflow audit verify`` result on the demo ledger."""

    ok: bool
    checked: int
    head_position: int
    head_hash: str
    problem: str | None


@dataclass
class DemoReport:
    """Everything ``uprflow demo`` prints."""

    country: str
    cycle_id: str
    review_date: date
    ledger_path: Path
    database_url: str
    recommendations: int
    stages: list[StageLine]
    events_by_type: Counter[str]
    by_position: dict[str, int]
    by_status: dict[str, int]
    expected_positions: dict[str, int]
    verify: VerifyLine
    wall_seconds: float
    replay_as_of: datetime | None = None
    next_cycle_id: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def events(self) -> int:
        return sum(self.events_by_type.values())

    @property
    def all_stages_done(self) -> bool:
        return all(s.status in ("done", "skipped") for s in self.stages)


def demo_ledger_path(data_dir: Path, country: str) -> Path:
    """``<data_dir>/demo-KE.db``: the demo's own ledger file, never the stack's ``ledger.db``."""
    return Path(data_dir) / f"demo-{country.upper()}.db"


def _fresh_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _stage_dates(
    envelopes_by_stream: dict[str, list[tuple[str, datetime]]], stream: str
) -> tuple[date | None, date | None]:
    opened = closed = None
    for event_type, occurred in envelopes_by_stream.get(stream, []):
        if event_type == "StageOpened" and opened is None:
            opened = occurred.date()
        elif event_type == "StageClosed":
            closed = occurred.date()
    return opened, closed


async def _run_cycle(
    settings: Settings, url: str, inp_country: str, limit: int | None
) -> tuple[CycleResult, date]:
    scenario = load_scenario(inp_country, limit=limit)
    profile = load_profile(inp_country)
    cycle_number = cycle_of_session(scenario.session)
    engine = make_engine(url)
    ledger = Ledger(engine)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=test_server_path(),
        runtime=quiet_runtime(),
    )
    try:
        await ensure_search_attributes(env.client, env.client.namespace)
        now = await env.get_current_time()
        # The review falls the day after the earliest stage could open: every window is
        # in the future when the cycle starts, so the cycle runs on its planned dates.
        earliest = min(
            profile.stage_window(stage, now.date())[0] - now.date() for stage in STAGE_WORKFLOWS
        )
        review_date = now.date() + max(-earliest, timedelta(0)) + timedelta(days=1)
        queue = f"demo-{uuid.uuid4().hex[:8]}"
        async with simulated_worker(
            env.client, settings, engine, scenario, ledger=ledger, task_queue=queue
        ):
            result = await env.client.execute_workflow(
                CycleWorkflow.run,
                CycleInput(
                    country=inp_country,
                    cycle_number=cycle_number,
                    review_date=review_date,
                    profile=profile,
                    chain_next=False,
                ),
                id=_cycle_id(inp_country, cycle_number),
                task_queue=queue,
            )
        return result, review_date
    finally:
        await env.shutdown()
        ledger.close()
        engine.dispose()


def run_demo(
    country: str = "KE",
    data_dir: Path | str | None = None,
    limit: int | None = None,
    *,
    settings: Settings | None = None,
) -> DemoReport:
    """Run one whole cycle of ``country`` under the time-skipping server; see the module doc.

    ``limit`` takes the first N of the country's recommendations (all when ``None``).
    """
    code = country.upper()
    if code not in DEMO_COUNTRIES:
        raise ValueError(
            f"country: no demo for {country!r}; choose one of {', '.join(DEMO_COUNTRIES)}"
        )
    settings = settings or get_settings()
    directory = Path(data_dir) if data_dir is not None else settings.data_dir
    directory.mkdir(parents=True, exist_ok=True)
    path = demo_ledger_path(directory, code).resolve()
    _fresh_sqlite(path)
    url = f"sqlite:///{path}"
    migrate(url)

    started = time.perf_counter()
    result, review_date = asyncio.run(_run_cycle(settings, url, code, limit))
    report_v = verify(url)
    wall = time.perf_counter() - started

    engine = make_engine(url)
    try:
        by_type: Counter[str] = Counter()
        by_stream: dict[str, list[tuple[str, datetime]]] = {}
        decided: datetime | None = None
        for env in iter_all(engine):
            by_type[env.event_type] += 1
            if env.event_type in ("StageOpened", "StageClosed"):
                by_stream.setdefault(env.stream_id, []).append((env.event_type, env.occurred_at))
            if env.event_type == "OutcomeAdopted":
                decided = env.occurred_at
    finally:
        engine.dispose()

    stages: list[StageLine] = []
    for st in result.stages:
        opened, closed = _stage_dates(by_stream, stage_workflow_id(result.cycle_id, st.stage))
        res = st.result
        stages.append(
            StageLine(
                stage=Stage(st.stage).value,
                status=st.status,
                opened=opened,
                closed=closed,
                tasks_completed=res.tasks_completed if res else 0,
                tasks_cancelled=res.tasks_cancelled if res else 0,
                closed_early=res.closed_early if res else False,
                facts=dict(res.facts) if res else {},
            )
        )
    if decided is not None:
        # The next whole second, so that ``--as-of`` (to the second) includes the adoption.
        decided = decided.replace(microsecond=0) + timedelta(seconds=1)

    scenario = load_scenario(code, limit=limit)
    expected = Counter(p.value for p in scenario.positions.values())
    problem = report_v.problem
    return DemoReport(
        country=code,
        cycle_id=result.cycle_id,
        review_date=review_date,
        ledger_path=path,
        database_url=url,
        recommendations=result.summary.recommendations,
        stages=stages,
        events_by_type=by_type,
        by_position=dict(result.summary.by_position),
        by_status=dict(result.summary.by_status),
        expected_positions=dict(expected),
        verify=VerifyLine(
            ok=report_v.ok,
            checked=report_v.checked,
            head_position=report_v.head_position,
            head_hash=report_v.head_hash,
            problem=None
            if problem is None
            else f"position {problem.position}: {problem.kind}: {problem.detail}",
        ),
        wall_seconds=wall,
        replay_as_of=decided,
        next_cycle_id=result.next_cycle_id,
    )
