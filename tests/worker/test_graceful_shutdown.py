"""SIGTERM to a real worker process lets the running activity finish, record its event once
and report its result; the worker exits 0 and the workflow completes without a second run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from tests.worker.graceful_worker import STREAM
from tests.worker.graceful_workflows import SlowDeliveryProbe, SlowDeliveryRequest
from uprflow.store.db import make_engine
from uprflow.store.reading import read_stream
from uprflow.workflows.checkpoints import CHECKPOINT_WORKFLOW_ID

pytestmark = pytest.mark.devserver

REPO = Path(__file__).resolve().parents[2]
#: How long the activity works after it starts: SIGTERM arrives well before it is done.
ACTIVITY_SECONDS = 4.0


def _env(dev_env: WorkflowEnvironment, tmp_path: Path, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPRFLOW_")}
    env.update(
        UPRFLOW_TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host,
        UPRFLOW_TEMPORAL_TASK_QUEUE=queue,
        UPRFLOW_DATA_DIR=str(tmp_path),
        UPRFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'ledger.db'}",
        UPRFLOW_WORKER_SHUTDOWN_GRACE_SECONDS="30",
        UPRFLOW_LOG_FORMAT="json",
    )
    return env


class WorkerProcess:
    """``python -m tests.worker.graceful_worker`` (the production worker.main())."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.worker.graceful_worker"],
            cwd=REPO,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def terminate(self, timeout_s: float = 60) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=timeout_s)
        self._out.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._out.close()

    def output(self) -> str:
        return self.log.read_text()


@pytest.fixture
def queue() -> Iterator[str]:
    yield f"graceful-{uuid.uuid4().hex[:8]}"


async def _wait_for_line(path: Path, line: str, proc: WorkerProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.proc.poll() is None, proc.output()
        if path.exists() and line in path.read_text().splitlines():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {line!r} in {path} within {timeout_s}s:\n{proc.output()}")


async def drop_checkpoint_loop(dev_env: WorkflowEnvironment, queue: str) -> None:
    # The worker starts the checkpoint loop if none runs; on the shared dev server it must
    # not stay behind on this test's task queue, which no worker polls any more.
    handle = dev_env.client.get_workflow_handle(CHECKPOINT_WORKFLOW_ID)
    try:
        desc = await handle.describe()
    except RPCError:
        return
    if desc.task_queue == queue and desc.status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("graceful-shutdown test over")


async def test_sigterm_lets_the_running_activity_finish_and_record_once(
    dev_env: WorkflowEnvironment, tmp_path: Path, queue: str
) -> None:
    env = _env(dev_env, tmp_path, queue)
    runs = tmp_path / "runs.txt"
    request = SlowDeliveryRequest(
        cycle_id="cycle-ZZ-9",
        notification_id=f"graceful-{queue}",
        seconds=ACTIVITY_SECONDS,
        runs_file=str(runs),
    )
    first = WorkerProcess(env, tmp_path / "worker-1.log")
    second: WorkerProcess | None = None
    try:
        handle = await dev_env.client.start_workflow(
            SlowDeliveryProbe.run, request, id=f"probe-{queue}", task_queue=queue
        )
        await _wait_for_line(runs, "started 1", first, timeout_s=90)
        sent = time.monotonic()
        code = first.terminate()
        took = time.monotonic() - sent
        assert code == 0, first.output()
        # It waited for the activity (not killed at once), and the activity finished.
        assert runs.read_text().splitlines() == ["started 1", "finished"], first.output()
        assert took < 30, f"the worker took {took:.1f}s to stop"
        assert "worker stopping" in first.output()

        engine = make_engine(env["UPRFLOW_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                recorded = read_stream(conn, STREAM)
        finally:
            engine.dispose()
        assert [e.event_type for e in recorded] == ["NotificationDelivered"]
        assert recorded[0].trace.workflow_id == handle.id

        # A new worker completes the workflow from the reported result: no second attempt.
        second = WorkerProcess(env, tmp_path / "worker-2.log")
        position = await asyncio.wait_for(handle.result(), timeout=90)
        assert position == recorded[0].position
        assert second.terminate() == 0, second.output()
        assert runs.read_text().splitlines() == ["started 1", "finished"]
        engine = make_engine(env["UPRFLOW_DATABASE_URL"])
        try:
            with engine.connect() as conn:
                assert len(read_stream(conn, STREAM)) == 1
        finally:
            engine.dispose()
    finally:
        first.kill()
        if second is not None:
            second.kill()
        await drop_checkpoint_loop(dev_env, queue)
