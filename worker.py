"""The Temporal worker process: runs uprflow's workflows and activities.

Run it with ``uprflow worker`` (or ``python worker.py``). It connects to the configured
Temporal server (retrying while it comes up), registers the search attributes the workflows
use, applies database migrations, starts the checkpoint workflow if it is not running, and
polls the task queue until SIGINT/SIGTERM. Then it stops polling and gives the activities
already running ``UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS`` to finish and report their result
before cancelling them, and exits 0. With ``UPRFLOW_WORKER_METRICS_ADDRESS`` set it serves the
Temporal SDK's metrics for Prometheus at ``http://<address>/metrics``.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.runtime import Runtime
from temporalio.worker import Worker

from uprflow.activities.checkpoints import CheckpointActivities
from uprflow.activities.clock import Clock, system_clock
from uprflow.activities.ledger import LedgerActivities
from uprflow.activities.notify import NotificationActivities, Notifier, NotifierConfig
from uprflow.activities.summary import SummaryActivities
from uprflow.config import Settings, get_settings
from uprflow.domain.keys import webhook_signing_key
from uprflow.logging import configure_logging, get_logger
from uprflow.store.adapters import SqlCheckpoints, SqlCycleEvents, SqlNoticeStore
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.temporal import (
    TemporalConfigError,
    connect,
    ensure_search_attributes,
    metrics_runtime,
)
from uprflow.workflows.checkpoints import (
    CHECKPOINT_WORKFLOW_ID,
    CheckpointLoopInput,
    LedgerCheckpointWorkflow,
)
from uprflow.workflows.cycle import STAGE_WORKFLOWS, CycleWorkflow
from uprflow.workflows.task import TaskWorkflow

log = get_logger("uprflow.worker")

#: Every workflow class the worker runs.
WORKFLOWS: Sequence[type] = (
    LedgerCheckpointWorkflow,
    CycleWorkflow,
    TaskWorkflow,
    *STAGE_WORKFLOWS.values(),
)


def notifier_config(settings: Settings) -> NotifierConfig:
    """What the notifier needs from the settings (SMTP, webhook timeout, the webhook signing
    key derived from the master secret; never the master itself)."""
    return NotifierConfig(
        webhook_signing_key=webhook_signing_key(settings.secret_key.get_secret_value()),
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_starttls=settings.smtp_starttls,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        mail_from=settings.mail_from,
        webhook_timeout_seconds=settings.webhook_timeout_seconds,
        webhook_allow_private=settings.webhook_allow_private,
    )


def build_notifier(
    engine: sa.Engine, ledger: Ledger, settings: Settings, *, clock: Clock = system_clock
) -> NotificationActivities:
    """The production notifier: outbox, e-mail, signed webhook, inbox, ledger record."""
    return NotificationActivities(
        SqlNoticeStore(engine), ledger, notifier_config(settings), clock=clock
    )


def build_activities(
    engine: sa.Engine,
    ledger: Ledger,
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    clock: Clock = system_clock,
) -> list[Any]:
    """The activity callables, bound to their dependencies (the composition root).

    Each adapter may be overridden: ``notifier`` implements the ``deliver_notice`` activity
    (default: :func:`build_notifier` with ``clock``); ``uprflow demo`` passes its simulated
    people wrapped around the production notifier.
    """
    deliver = (
        notifier if notifier is not None else build_notifier(engine, ledger, settings, clock=clock)
    )
    return [
        CheckpointActivities(SqlCheckpoints(engine)).record_checkpoint,
        LedgerActivities(ledger).record_events,
        SummaryActivities(SqlCycleEvents(engine)).summarise_cycle,
        deliver.deliver_notice,
    ]


def build_worker(
    client: Client,
    settings: Settings,
    engine: sa.Engine,
    *,
    ledger: Ledger | None = None,
    notifier: Notifier | None = None,
    clock: Clock = system_clock,
    task_queue: str | None = None,
) -> Worker:
    """A worker for ``settings.temporal_task_queue`` (or ``task_queue``) with every workflow
    and activity; ``notifier`` and ``clock`` as in :func:`build_activities`."""
    activities = build_activities(
        engine, ledger or Ledger(engine), settings, notifier=notifier, clock=clock
    )
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=list(WORKFLOWS),
        activities=activities,
        # Why: ledger activities are synchronous SQLAlchemy calls; they run on threads so
        # they never block the event loop that drives workflow tasks.
        activity_executor=ThreadPoolExecutor(max_workers=16),
        # Why: a deploy or scale-down sends SIGTERM while activities run; finishing them
        # (their events recorded, their results reported) beats a retry on another worker.
        graceful_shutdown_timeout=timedelta(seconds=settings.worker_shutdown_grace_seconds),
    )


async def connect_with_retry(
    settings: Settings, timeout_s: float = 60.0, *, runtime: Runtime | None = None
) -> Client:
    """Connect to Temporal, retrying while the server starts (up to ``timeout_s``).

    A configuration error (an unreadable TLS file) is raised at once: retrying cannot fix it.
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            return await connect(settings, runtime=runtime)
        except TemporalConfigError:
            raise
        except Exception as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(
                    f"cannot reach Temporal at {settings.effective_temporal_address}: {exc}"
                ) from exc
            log.info("waiting for Temporal", address=settings.effective_temporal_address)
            await asyncio.sleep(1.0)


async def ensure_checkpoint_workflow(client: Client, settings: Settings) -> None:
    """Start the checkpoint loop unless it already runs (idempotent across restarts)."""
    await client.start_workflow(
        LedgerCheckpointWorkflow.run,
        CheckpointLoopInput(interval_seconds=settings.checkpoint_interval_seconds),
        id=CHECKPOINT_WORKFLOW_ID,
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        execution_timeout=None,
        run_timeout=None,
        task_timeout=timedelta(seconds=10),
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Run the worker until ``stop`` is set, then shut it down gracefully."""
    runtime = None
    if settings.worker_metrics_address:
        runtime = metrics_runtime(settings.worker_metrics_address)
        log.info("serving Temporal metrics", address=settings.worker_metrics_address)
    client = await connect_with_retry(settings, runtime=runtime)
    added = await ensure_search_attributes(client, settings.temporal_namespace)
    if added:
        log.info("registered search attributes", added=added)
    migrate(settings.ledger_url)
    engine = make_engine(settings.ledger_url)
    ledger = Ledger(engine)
    try:
        worker = build_worker(client, settings, engine, ledger=ledger)
        async with worker:
            await ensure_checkpoint_workflow(client, settings)
            log.info(
                "worker started",
                task_queue=settings.temporal_task_queue,
                temporal=settings.effective_temporal_address,
                namespace=settings.temporal_namespace,
            )
            await stop.wait()
            log.info(
                "worker stopping; running activities may finish",
                grace_seconds=settings.worker_shutdown_grace_seconds,
            )
        log.info("worker stopped")
    finally:
        ledger.close()
        engine.dispose()


def main() -> None:
    """Entry point of ``uprflow worker``."""
    settings = get_settings()
    configure_logging(settings)

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop)

    asyncio.run(_main())


if __name__ == "__main__":
    main()
