"""`uprflow worker` with UPRFLOW_WORKER_METRICS_ADDRESS serves the Temporal SDK's metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.worker.test_graceful_shutdown import REPO, drop_checkpoint_loop

pytestmark = pytest.mark.devserver


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_worker_serves_temporal_metrics(dev_env: WorkflowEnvironment, tmp_path: Path) -> None:
    queue = f"metrics-{uuid.uuid4().hex[:8]}"
    address = f"127.0.0.1:{_free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPRFLOW_")}
    env.update(
        UPRFLOW_TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host,
        UPRFLOW_TEMPORAL_TASK_QUEUE=queue,
        UPRFLOW_DATA_DIR=str(tmp_path),
        UPRFLOW_WORKER_METRICS_ADDRESS=address,
        UPRFLOW_LOG_FORMAT="json",
    )
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uprflow", "worker"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        text = ""
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            # The worker's pollers report once they run; wait for them.
            while "temporal_num_pollers" not in text:
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, text or log.read_text()
                try:
                    r = await http.get(f"http://{address}/metrics")
                    text = r.text if r.status_code == 200 else ""
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        assert f'task_queue="{queue}"' in text
        assert "temporal_request" in text  # the client's RPCs to the frontend
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(proc.wait, 60) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        await drop_checkpoint_loop(dev_env, queue)
