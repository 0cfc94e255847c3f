"""A real HTTP server on 127.0.0.1 recording webhook POSTs (for the webhook tests)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from uprflow.domain.notices import Notice


@dataclass
class Hooks:
    """What the receiver got: (lower-cased headers, raw body) per POST, and its URL."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""
    port: int = 0


@contextmanager
def receiving() -> Iterator[Hooks]:
    """Run the receiver for the duration of the block."""
    hooks = Hooks()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                hooks.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.port = int(server.server_address[1])
    hooks.url = f"http://127.0.0.1:{hooks.port}/hooks/uprflow"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def webhook_notice(url: str, org: str = "MOJ") -> Notice:
    """A webhook-only notice to ``org`` at ``url``."""
    return Notice(
        notification_id=f"task-{org}-7/task_cancelled/{uuid.uuid4().hex[:8]}",
        cycle_id="cycle-KE-4",
        task_id=f"task-{org}-7",
        template="task_cancelled",
        recipient_org=org,
        webhook_url=url,
        subject="Task cancelled: Section 4",
        body="The task below has been cancelled.",
        occurred_at=datetime(2027, 3, 5, 9, 0, tzinfo=UTC),
    )
