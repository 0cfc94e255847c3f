"""``uprflow cycle`` against the real Temporal dev server and a real worker.

The CLI runs in a thread (it calls ``asyncio.run`` itself) while the worker runs on the test's
event loop; settings come from the environment exactly as in production.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from uprflow.cli import app
from uprflow.config import Settings, get_settings
from uprflow.profiles import profiles_dir
from uprflow.store.db import make_engine
from uprflow.store.ledger import Ledger
from uprflow.store.migrate import migrate
from uprflow.store.reading import read_stream
from uprflow.worker import build_worker
from uprflow.workflows.cycle import CycleView

pytestmark = pytest.mark.devserver


@pytest.fixture
def cli_env(
    dev_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """UPRFLOW_* pointing at the dev server, a unique task queue and a fresh SQLite ledger."""
    monkeypatch.setenv("UPRFLOW_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("UPRFLOW_TEMPORAL_TASK_QUEUE", f"cli-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("UPRFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("UPRFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'ledger.db'}")
    get_settings.cache_clear()
    try:
        yield get_settings()
    finally:
        get_settings.cache_clear()


async def uprflow(*args: str) -> Result:
    """Run the CLI like a shell would (in a thread: the command runs its own event loop)."""
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args)))


def cycle_number() -> int:
    # The dev server lives for the whole session: each test uses cycles of its own.
    return random.randint(100, 10**6)


async def test_start_twice_gives_the_same_cycle(cli_env: Settings) -> None:
    n = cycle_number()
    review = (date.today() + timedelta(days=730)).isoformat()
    args = ["cycle", "start", "--country", "KE", "--cycle", str(n), "--review-date", review]
    first = await uprflow(*args)
    assert first.exit_code == 0, first.output
    assert f"started cycle-KE-{n}" in first.output
    second = await uprflow(*args, "--no-chain")
    assert second.exit_code == 0, second.output
    assert "already running" in second.output

    def ids(out: str) -> tuple[str, str]:
        lines = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        return lines["workflow id"].strip(), lines["run id"].strip()

    assert ids(first.output) == ids(second.output)
    assert ids(first.output)[0] == f"cycle-KE-{n}"


async def test_status_extend_and_close_through_a_worker(
    dev_env: WorkflowEnvironment, cli_env: Settings
) -> None:
    migrate(cli_env.ledger_url)
    engine = make_engine(cli_env.ledger_url)
    ledger = Ledger(engine)
    far, near = cycle_number(), cycle_number()
    try:
        async with build_worker(dev_env.client, cli_env, engine, ledger=ledger):
            # Two years ahead: the cycle starts and waits for its consultation to open.
            far_review = date.today() + timedelta(days=730)
            started = await uprflow(
                "cycle",
                "start",
                "--country",
                "KE",
                "--cycle",
                str(far),
                "--review-date",
                far_review.isoformat(),
                "--no-chain",
            )
            assert started.exit_code == 0, started.output
            for _ in range(100):
                shown = await uprflow("cycle", "status", f"cycle-KE-{far}", "--json")
                if shown.exit_code == 0 and '"status": "running"' in shown.output:
                    break
                await asyncio.sleep(0.1)
            assert shown.exit_code == 0, shown.output
            view = CycleView.model_validate(json.loads(shown.output))
            assert (view.cycle_id, view.country, view.cycle_number) == (
                f"cycle-KE-{far}",
                "KE",
                far,
            )
            assert view.review_date == far_review
            assert view.stages[0].stage == "consultation"
            assert view.stages[0].opens_on == far_review - timedelta(days=365)

            table = await uprflow("cycle", "status", f"KE-{far}")
            assert table.exit_code == 0, table.output
            assert f"cycle-KE-{far}" in table.output
            for stage in ("consultation", "draft_circulation", "decisions", "follow_up"):
                assert stage in table.output
            assert (far_review - timedelta(days=365)).isoformat() in table.output

            # The consultation of a review 300 days ahead is open now (it opened late).
            started = await uprflow(
                "cycle",
                "start",
                "--country",
                "KE",
                "--cycle",
                str(near),
                "--review-date",
                (date.today() + timedelta(days=300)).isoformat(),
                "--no-chain",
            )
            assert started.exit_code == 0, started.output
            stage_id = f"stage-KE-{near}-consultation"
            stage_handle = dev_env.client.get_workflow_handle(stage_id)
            for _ in range(100):
                try:
                    if (await stage_handle.query("view")).get("status") == "open":
                        break
                except Exception:
                    pass
                await asyncio.sleep(0.1)

            earlier = await uprflow(
                "cycle",
                "extend",
                f"cycle-KE-{near}",
                "consultation",
                "--until",
                date.today().isoformat(),
                "--reason",
                "more hearings",
            )
            assert earlier.exit_code == 1, earlier.output
            assert "rejected" in earlier.output
            assert "new_deadline" in earlier.output

            until = date.today() + timedelta(days=400)
            later = await uprflow(
                "cycle",
                "extend",
                f"cycle-KE-{near}",
                "consultation",
                "--until",
                until.isoformat(),
                "--reason",
                "more hearings",
            )
            assert later.exit_code == 0, later.output
            assert f"deadline now {until.isoformat()}" in later.output

            unknown_stage = await uprflow(
                "cycle",
                "close-window",
                f"cycle-KE-{near}",
                "draft-circulation",
                "--reason",
                "enough",
            )
            assert unknown_stage.exit_code == 1, unknown_stage.output
            assert "not reached the draft_circulation stage" in unknown_stage.output

            closed = await uprflow(
                "cycle", "close-window", f"cycle-KE-{near}", "consultation", "--reason", "enough"
            )
            assert closed.exit_code == 0, closed.output
            again = await uprflow(
                "cycle", "close-window", f"cycle-KE-{near}", "consultation", "--reason", "again"
            )
            assert again.exit_code == 1, again.output
            assert "rejected" in again.output

            with engine.connect() as conn:
                events = read_stream(conn, stage_id)
            extended = [e for e in events if e.event_type == "DeadlineExtended"]
            assert len(extended) == 1  # the rejected extension wrote nothing
            assert extended[0].payload["reason"] == "more hearings"
            actor = extended[0].actor
            # Kenya's NMRF secretariat is the Office of the Attorney General (profiles/ke.yaml).
            assert (actor.role, actor.organisation) == ("secretariat", "OAG-DOJ")
            assert actor.subject.startswith("cli:")
            for _ in range(100):
                with engine.connect() as conn:
                    events = read_stream(conn, stage_id)
                if any(e.event_type == "StageClosed" for e in events):
                    break
                await asyncio.sleep(0.1)
            closing = next(e for e in events if e.event_type == "StageClosed")
            assert closing.payload["early"] is True
            for n in (far, near):
                await dev_env.client.get_workflow_handle(f"cycle-KE-{n}").terminate("test over")
    finally:
        ledger.close()
        engine.dispose()


async def test_unknown_ids_and_an_unreachable_server_are_named(
    cli_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = await uprflow("cycle", "status", "cycle-KE-999999999")
    assert missing.exit_code == 1
    assert "unknown workflow id 'cycle-KE-999999999'" in missing.output
    missing = await uprflow(
        "cycle",
        "extend",
        "cycle-KE-999999999",
        "decisions",
        "--until",
        "2040-01-01",
        "--reason",
        "x",
    )
    assert missing.exit_code == 1
    assert "unknown workflow id 'cycle-KE-999999999'" in missing.output
    bad_stage = await uprflow("cycle", "close-window", "cycle-KE-1", "lunch", "--reason", "x")
    assert bad_stage.exit_code == 2
    assert "unknown stage 'lunch'" in bad_stage.output

    monkeypatch.setenv("UPRFLOW_TEMPORAL_ADDRESS", "127.0.0.1:1")
    get_settings.cache_clear()
    down = await uprflow("cycle", "status", "cycle-KE-4")
    assert down.exit_code == 1
    assert "cannot reach Temporal at 127.0.0.1:1" in down.output
    assert "UPRFLOW_TEMPORAL_ADDRESS" in down.output


async def test_a_bad_profile_is_refused_naming_the_field(cli_env: Settings, tmp_path: Path) -> None:
    profile = yaml.safe_load((profiles_dir() / "ke.yaml").read_text(encoding="utf-8"))
    profile["stages"]["draft_circulation"]["duration_days"] = 0
    path = tmp_path / "ke-bad.yaml"
    path.write_text(yaml.safe_dump(profile), encoding="utf-8")
    result = await uprflow(
        "cycle",
        "start",
        "--country",
        "KE",
        "--cycle",
        "4",
        "--review-date",
        "2030-01-15",
        "--profile",
        str(path),
    )
    assert result.exit_code == 2, result.output
    assert "stages.draft_circulation.duration_days" in result.output
    assert str(path) in result.output
