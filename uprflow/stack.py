"""``uprflow up``: the embedded stack — Temporal dev server, worker and API as child processes.

The supervisor owns its children: it starts them in order, waits until ``/health`` answers,
prints where everything is, and on Ctrl-C / SIGTERM (or when any child dies) stops them in
reverse order — SIGTERM first, SIGKILL only after the child's shutdown grace (see
:meth:`Stack.stop_grace`) — so no process is left behind and none is cut off mid-work. A
lock file in the data directory makes a second ``uprflow up`` on the same data say so instead
of fighting the first.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from rich.console import Console
from rich.panel import Panel

from uprflow.config import Settings
from uprflow.temporal import dev_server_path, search_attribute_cli_args

_PR_SET_PDEATHSIG = 1
#: How long the Temporal dev server gets between SIGTERM and SIGKILL.
STOP_GRACE_S = 15.0
#: Added to a child's own shutdown grace before SIGKILL: closing connections and the
#: interpreter's exit take a moment after the last activity or request has finished.
STOP_MARGIN_S = 10.0


class AlreadyRunning(RuntimeError):
    """Another ``uprflow up`` holds the data directory."""


class StartupFailed(RuntimeError):
    """A component did not come up."""


def _die_with_parent() -> None:
    # Why: if the supervisor is killed with SIGKILL it cannot stop its children; the kernel
    # then sends them SIGTERM so nothing outlives it. Runs in the child between fork and exec.
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class DataDirLock:
    """An exclusive ``flock`` on ``<data_dir>/uprflow.lock`` holding the supervisor's pid."""

    path: Path
    _fh: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`AlreadyRunning` naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise AlreadyRunning(
                    f"uprflow is already running (pid {holder}) with data directory "
                    f"{self.path.parent.resolve()}; stop it first (Ctrl-C in its terminal "
                    f"or `kill -TERM {holder}`)"
                ) from None
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        """Drop the lock (the file stays; an unlocked file means nobody runs)."""
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@dataclass
class Child:
    """A supervised child process."""

    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    #: Seconds between SIGTERM and SIGKILL (the child's own drain time plus a margin).
    stop_grace_s: float = STOP_GRACE_S

    def start(self) -> None:
        """Spawn it in its own session so a terminal Ctrl-C reaches only the supervisor."""
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace_s: float | None = None) -> None:
        """SIGTERM, wait up to ``grace_s`` (default :attr:`stop_grace_s`), then SIGKILL the
        whole process group."""
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=self.stop_grace_s if grace_s is None else grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


@dataclass
class Stack:
    """The embedded stack for one data directory."""

    settings: Settings
    console: Console = field(default_factory=lambda: Console(stderr=True))
    children: list[Child] = field(default_factory=list)
    _stop_requested: int = 0

    # ------------------------------------------------------------------ commands

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        # Children never embed a server of their own: point them at the one we run.
        env["UPRFLOW_TEMPORAL_ADDRESS"] = self.settings.effective_temporal_address
        env["UPRFLOW_DATA_DIR"] = str(self.settings.data_dir.resolve())
        env["UPRFLOW_DATABASE_URL"] = self.settings.ledger_url
        return env

    def temporal_argv(self) -> list[str]:
        """The ``temporal server start-dev`` command, state kept in ``<data_dir>/temporal.db``."""
        s = self.settings
        argv = [
            dev_server_path(),
            "server",
            "start-dev",
            "--db-filename",
            str((s.data_dir / "temporal.db").resolve()),
            "--ip",
            "127.0.0.1",
            "--port",
            str(s.temporal_port),
            "--ui-port",
            str(s.temporal_ui_port),
            # Why: the server otherwise asks version-info.temporal.io for updates; uprflow
            # reaches nothing beyond this machine at run time.
            "--dynamic-config-value",
            "frontend.enableServerVersionCheck=false",
            "--ui-disable-news-fetch",
            "--log-level",
            "error",
            *search_attribute_cli_args(),
        ]
        if s.temporal_namespace != "default":
            argv += ["--namespace", s.temporal_namespace]
        return argv

    def _uprflow_argv(self, command: str) -> list[str]:
        return [sys.executable, "-m", "uprflow", command]

    def stop_grace(self, name: str) -> float:
        """Seconds the supervisor waits after SIGTERM before it SIGKILLs child ``name``.

        Why: SIGKILL inside the worker's grace period would abandon running activities (they
        would be retried after their timeout) and inside the API's would cut requests off.
        """
        own = {
            "worker": self.settings.worker_shutdown_grace_seconds,
            "api": self.settings.api_shutdown_grace_seconds,
        }
        if name in own:
            return own[name] + STOP_MARGIN_S
        return STOP_GRACE_S

    # ------------------------------------------------------------------ lifecycle

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stop_requested = signum

    def _wait_until(self, what: str, check: Callable[[], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._stop_requested:
                raise KeyboardInterrupt
            for child in self.children:
                if not child.alive():
                    raise StartupFailed(f"{child.name} exited while waiting for {what}")
            if check():
                return
            time.sleep(0.25)
        raise StartupFailed(f"{what} did not come up within {timeout_s:.0f} s")

    def _health_ok(self) -> bool:
        try:
            r = httpx.get(self.health_url, timeout=2.0)
        except httpx.HTTPError:
            return False
        return r.status_code == 200

    @property
    def api_url(self) -> str:
        """Base URL of the API."""
        return f"http://{self.settings.api_host}:{self.settings.api_port}"

    @property
    def health_url(self) -> str:
        """URL of ``GET /health``."""
        return f"{self.api_url}/health"

    def _check_ports(self) -> None:
        s = self.settings
        wanted = [("API", s.api_host, s.api_port)]
        if s.embedded:
            wanted += [
                ("Temporal", "127.0.0.1", s.temporal_port),
                ("Temporal Web UI", "127.0.0.1", s.temporal_ui_port),
            ]
        busy = [f"{name} port {port}" for name, host, port in wanted if port_in_use(host, port)]
        if busy:
            raise StartupFailed(
                "already in use: "
                + ", ".join(busy)
                + " (another program, or set the UPRFLOW_*_PORT"
                " variables)"
            )

    def run(self, health_timeout_s: float = 60.0) -> int:
        """Start everything, wait for a stop signal, stop everything. Returns an exit code."""
        s = self.settings
        s.data_dir.mkdir(parents=True, exist_ok=True)
        lock = DataDirLock(s.data_dir / "uprflow.lock")
        lock.acquire()
        previous = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        code = 0
        try:
            self._check_ports()
            env = self._child_env()
            if s.embedded:
                temporal = Child("temporal", self.temporal_argv(), env, stop_grace_s=STOP_GRACE_S)
                self.children.append(temporal)
                temporal.start()
                self._wait_until(
                    "the Temporal dev server",
                    lambda: port_in_use("127.0.0.1", s.temporal_port),
                    30,
                )
            for name in ("worker", "api"):
                child = Child(
                    name, self._uprflow_argv(name), env, stop_grace_s=self.stop_grace(name)
                )
                self.children.append(child)
                child.start()
            self._wait_until("GET /health", self._health_ok, health_timeout_s)
            self._print_ready()
            while not self._stop_requested:
                dead = [c for c in self.children if not c.alive()]
                if dead:
                    rc = dead[0].proc.returncode if dead[0].proc else "?"
                    self.console.print(f"[red]{dead[0].name} exited (code {rc}); stopping[/red]")
                    code = 1
                    break
                time.sleep(0.25)
        except KeyboardInterrupt:
            pass
        except StartupFailed as exc:
            self.console.print(f"[red]uprflow up failed:[/red] {exc}")
            code = 1
        finally:
            self.console.print("stopping uprflow …")
            for child in reversed(self.children):
                child.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            lock.release()
            self.console.print("stopped.")
        return code

    def _print_ready(self) -> None:
        s = self.settings
        lines = [
            f"Dashboard      {self.api_url}/",
            f"API            {self.api_url}",
            f"API docs       {self.api_url}/docs",
            f"Health         {self.health_url}",
        ]
        if s.embedded:
            lines.append(f"Temporal UI    http://127.0.0.1:{s.temporal_ui_port}")
        lines += [
            f"Temporal       {s.effective_temporal_address} (namespace {s.temporal_namespace})",
            f"Ledger         {s.ledger_url}",
            f"Data directory {s.data_dir.resolve()}",
        ]
        self.console.print(
            Panel("\n".join(lines), title="uprflow is up", subtitle="Ctrl-C to stop")
        )
