"""Starting a cycle: the national profile it runs with, and the ``Cycle`` workflow's start."""

from __future__ import annotations

import asyncio
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from uprflow.api.problems import FieldError, ProblemError
from uprflow.api.schemas.cycles import CycleStartIn, CycleStartOut
from uprflow.domain.profile import Profile
from uprflow.profiles import ProfileError, load_profile, parse_profile
from uprflow.workflows.cycle import CycleInput, CycleWorkflow


def _profile_errors(exc: ProfileError) -> list[FieldError]:
    return [
        FieldError(field=".".join(p for p in ("body.profile", path) if p), message=msg)
        for path, msg in exc.errors
    ] or [FieldError(field="body.profile", message=str(exc))]


def refuse_inline_contacts(profile: Profile) -> None:
    """422 when an inline profile carries an e-mail address or a webhook URL.

    Why: notices carry the cycle's facts to those addresses, and the worker POSTs to the URLs
    from inside the deployment's network; so they come only from the profiles the
    secretariat manages on the server (``profiles/*.yaml``, ``uprflow cycle start --profile``),
    never from a request body.
    """
    errors = [
        FieldError(
            field=f"body.profile.organisations.{i}.{name}",
            message="contact addresses come only from the server's profiles, not a request",
        )
        for i, org in enumerate(profile.organisations)
        for name in ("email", "webhook_url")
        if getattr(org, name)
    ]
    if errors:
        fields = ", ".join(e.field for e in errors[:5])
        raise ProblemError(
            422,
            f"an inline profile may not carry contact addresses: {fields}",
            kind="validation",
            errors=errors,
        )


async def profile_for(body: CycleStartIn, country: str) -> tuple[Profile, str]:
    """The profile the cycle runs with (inline, or the country's shipped one) and its id;
    422 naming ``body.profile...`` when it is missing or not valid."""
    if body.profile is None:
        try:
            profile = await asyncio.to_thread(load_profile, country)
        except ProfileError as exc:
            raise ProblemError(
                422,
                f"no shipped profile for {country}: send one inline in profile",
                kind="validation",
                errors=[FieldError(field="body.profile", message=str(exc))],
            ) from None
        return profile, f"{country.lower()}:{profile.digest()[:12]}"
    try:
        profile = parse_profile(body.profile, "profile")
    except ProfileError as exc:
        errors = _profile_errors(exc)
        fields = ", ".join(e.field for e in errors[:5])
        raise ProblemError(
            422, f"the profile is not valid: {fields}", kind="validation", errors=errors
        ) from None
    refuse_inline_contacts(profile)
    if profile.country.upper() != country:
        raise ProblemError(
            422,
            f"the profile is for {profile.country}, not {country}",
            kind="validation",
            errors=[
                FieldError(
                    field="body.profile.country",
                    message=f"the profile is for {profile.country}, not {country}",
                )
            ],
        )
    return profile, f"inline:{profile.digest()[:12]}"


async def is_running(client: Client, workflow_id: str) -> bool:
    """Whether the workflow has a running execution; 503 when Temporal cannot say."""
    try:
        desc = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise ProblemError(503, f"Temporal: {exc.message}", kind="temporal-down") from None
        return False
    return desc.status == WorkflowExecutionStatus.RUNNING


async def start_cycle_workflow(
    client: Client, inp: CycleInput, workflow_id: str, task_queue: str
) -> tuple[CycleStartOut, bool]:
    """Start the cycle workflow, or find it running; the answer and whether it started now.

    409 when that cycle already ran to completion.
    """
    try:
        handle = await client.start_workflow(
            CycleWorkflow.run,
            inp,
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # Why: a completed cycle is history; starting it again would record a second
            # cycle under the same id. A failed or terminated one may be started afresh.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
    except WorkflowAlreadyStartedError as exc:
        raise ProblemError(
            409,
            f"{workflow_id} already ran (run {exc.run_id}); a completed cycle is not started again",
            kind="cycle-completed",
        ) from None
    # The SDK keeps whether this call started the run on the start response.
    resp: Any = getattr(handle, "_start_workflow_response", None)
    started = bool(getattr(resp, "started", True))
    out = CycleStartOut(
        cycle_id=workflow_id,
        run_id=handle.result_run_id or "",
        status="started" if started else "already_running",
    )
    return out, started
