"""Structured logging for every uprflow process (structlog over the standard library).

Readable key=value lines on a terminal, one JSON object per line otherwise (or as
``UPRFLOW_LOG_FORMAT`` says). Records that come from Temporal workflows and activities carry
``workflow_id``, ``run_id`` and ``cycle_id`` as fields. Workflow log lines are written through
``temporalio.workflow.logger``, which stays silent while a workflow replays its history.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from temporalio import activity, workflow
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from uprflow.config import Settings

#: Workflow ids start with the cycle key: ``cycle-KE-4``, ``stage-KE-4-consultation``,
#: ``task-KE-4-...``. Why: it lets every log line name its cycle without a lookup.
_CYCLE_IN_ID = re.compile(r"^[a-z]+-(?P<country>[A-Z]{2,3})-(?P<cycle>\d+)\b")


def cycle_id_from_workflow_id(workflow_id: str) -> str | None:
    """The cycle id (``cycle-KE-4``) that a workflow id belongs to, if it follows the scheme."""
    m = _CYCLE_IN_ID.match(workflow_id)
    return f"cycle-{m['country']}-{m['cycle']}" if m else None


def _temporal_context(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Flatten Temporal's ``temporal_workflow`` / ``temporal_activity`` extras into fields."""
    record = event.get("_record")
    wf = getattr(record, "temporal_workflow", None) if record is not None else None
    act = getattr(record, "temporal_activity", None) if record is not None else None
    if isinstance(wf, dict):
        event.setdefault("workflow_id", wf.get("workflow_id"))
        event.setdefault("run_id", wf.get("run_id"))
        event.setdefault("workflow_type", wf.get("workflow_type"))
    if isinstance(act, dict):
        event.setdefault("workflow_id", act.get("workflow_id"))
        event.setdefault("run_id", act.get("workflow_run_id"))
        event.setdefault("activity_type", act.get("activity_type"))
        event.setdefault("attempt", act.get("attempt"))
    if record is not None and getattr(record, "cycle_id", None):
        event.setdefault("cycle_id", record.cycle_id)
    if event.get("workflow_id") and not event.get("cycle_id"):
        cycle = cycle_id_from_workflow_id(str(event["workflow_id"]))
        if cycle:
            event["cycle_id"] = cycle
    return event


def configure_logging(settings: Settings, *, stream: Any = None) -> None:
    """Route structlog and standard-library logging through one renderer."""
    stream = stream or sys.stderr
    use_console = settings.log_format == "console" or (
        settings.log_format == "auto" and hasattr(stream, "isatty") and stream.isatty()
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=True)
        if use_console
        else structlog.processors.JSONRenderer()
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            _temporal_context,
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if not use_console else _identity,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    # Why: the workflow info is carried as fields by _temporal_context, so the SDK need not
    # append it to the message text as well.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def _identity(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    return event


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A structlog logger bound to ``name``."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger


_QUIET: Runtime | None = None


def quiet_runtime() -> Runtime:
    """A Temporal runtime whose SDK core logs errors only (one per process)."""
    # Why: the core warns on stderr that the test server is older than 1.16, and logs each
    # replay failure; the demo's and ``audit workflows``' output is their report.
    global _QUIET
    if _QUIET is None:
        _QUIET = Runtime(
            telemetry=TelemetryConfig(
                logging=LoggingConfig(
                    filter=TelemetryFilter(core_level="ERROR", other_level="ERROR")
                ),
                metrics=None,
            )
        )
    return _QUIET
