"""Tiny workflows used by harness tests (kept apart: the sandbox re-imports this module)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn
async def say(text: str) -> str:
    activity.logger.info("activity says", extra={"text": text})
    return text


@workflow.defn
class LoggingProbe:
    @workflow.run
    async def run(self) -> str:
        workflow.logger.info("workflow says hello")
        return await workflow.execute_activity(
            say, "hi", start_to_close_timeout=timedelta(seconds=10)
        )
