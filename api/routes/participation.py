"""API routes: taking part in open windows — comments on the circulating draft, stakeholder
submissions, progress reports and independent assessments.

Comments and submissions are updates on the stage workflow whose window they belong to; the
validator refuses them once the window is closed (409) or from a role the profile does not
admit (403). Progress reports and assessments complete the caller organisation's open task of
that kind in the cycle.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from uprflow.api import observability
from uprflow.api.idempotency import idempotency_key, idempotent, update_id
from uprflow.api.problems import ProblemError, problem_responses
from uprflow.api.routes.cycles import CycleId, cycle_known, normalise_cycle_id, stage_update
from uprflow.api.routes.tasks import complete_task, open_tasks
from uprflow.api.runtime import Runtime
from uprflow.api.schemas import (
    AssessmentRoundIn,
    CommentCreate,
    CommentOut,
    ProgressReportIn,
    SubmissionCreate,
    SubmissionOut,
    TaskOut,
)
from uprflow.api.security import Principal, RuntimeDep, require
from uprflow.domain.tasks import TaskKind
from uprflow.domain.values import Stage
from uprflow.workflows.consultation import ConsultationStage, SubmissionIn, SubmissionReceipt
from uprflow.workflows.drafting import CommentIn, CommentReceipt, DraftCirculationStage

router = APIRouter()

Commenter = Annotated[Principal, Depends(require("nhri", "cso", "parliament", "secretariat"))]
Submitter = Annotated[Principal, Depends(require("nhri", "cso"))]
Ministry = Annotated[Principal, Depends(require("ministry"))]
Assessor = Annotated[Principal, Depends(require("nhri", "cso"))]


@router.post(
    "/cycles/{cycle_id}/comments",
    status_code=201,
    response_model=CommentOut,
    summary="Comment on the circulating draft national report",
    description="The draft circulation stage's `submit_comment` update: accepted while the "
    "comment window is open and from the roles the national profile admits (403 otherwise); "
    "409 once the window has closed or before it opens. The comment is routed to the lead "
    "ministry of its themes as an `answer_comment` task.",
    tags=["participation"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def comment(
    request: Request, cycle_id: CycleId, body: CommentCreate, rt: RuntimeDep, p: Commenter
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id
    arg = CommentIn(actor=p.actor(), text=body.text, themes=tuple(body.themes), request_id=rid)

    async def run() -> CommentReceipt:
        receipt: CommentReceipt = await stage_update(
            rt, cycle_id, Stage.DRAFT_CIRCULATION, DraftCirculationStage.submit_comment, arg,
            update_key=update_id(p, key),
            not_yet=f"the draft of {cycle_id} is not circulating for comment",
        )  # fmt: skip
        return receipt

    return await idempotent(request, rt, p, body, run, status_code=201)


@router.post(
    "/cycles/{cycle_id}/submissions",
    status_code=201,
    response_model=SubmissionOut,
    summary="Make a stakeholder submission for the national report",
    description="The consultation stage's `receive_submission` update, recorded as "
    "`SubmissionReceived`: accepted while the consultation window is open (409 otherwise), "
    "from NHRIs and CSOs; a joint submission needs at least two signatories (422 naming "
    "`body.signatories`).",
    tags=["participation"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def submit(
    request: Request, cycle_id: CycleId, body: SubmissionCreate, rt: RuntimeDep, p: Submitter
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    key = idempotency_key(request)
    rid = observability.request_id(request)  # the trace's request id
    arg = SubmissionIn(
        actor=p.actor(),
        title=body.title,
        joint=body.joint,
        signatories=tuple(body.signatories),
        document_ref=body.document_ref,
        request_id=rid,
    )

    async def run() -> SubmissionOut:
        receipt: SubmissionReceipt = await stage_update(
            rt, cycle_id, Stage.CONSULTATION, ConsultationStage.receive_submission, arg,
            update_key=update_id(p, key),
            not_yet=f"the consultation of {cycle_id} is not open for submissions",
            fields={"body.payload": "body"},
        )  # fmt: skip
        return SubmissionOut(cycle_id=cycle_id, **receipt.model_dump())

    return await idempotent(request, rt, p, body, run, status_code=201)


async def _complete_own(
    request: Request,
    rt: Runtime,
    p: Principal,
    cycle_id: str,
    kind: TaskKind,
    body: Any,
) -> JSONResponse:
    async def find() -> str:
        tasks = await asyncio.to_thread(open_tasks, rt.engine, cycle_id, kind, p.organisation)
        if not tasks:
            if not await cycle_known(rt, cycle_id):
                raise ProblemError(404, f"no cycle {cycle_id}", kind="not-found")
            raise ProblemError(
                409,
                f"{p.organisation} has no open {kind.value} task in {cycle_id}",
                kind="no-open-task",
            )
        return tasks[0].task_id

    return await complete_task(
        request, rt, p, find, body.model_dump(mode="json"), expected_version=None, body=body,
        fields={"body.payload": "body"},
    )  # fmt: skip


@router.post(
    "/cycles/{cycle_id}/progress",
    response_model=TaskOut,
    summary="Report progress (completes your open report_progress task)",
    description="Completes the caller ministry's open `report_progress` task of the cycle "
    "(the soonest due) with this report; it must cover exactly the task's recommendations "
    "(422 naming the field otherwise). 409 when the ministry has no open progress task.",
    tags=["participation"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def report_progress(
    request: Request, cycle_id: CycleId, body: ProgressReportIn, rt: RuntimeDep, p: Ministry
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    return await _complete_own(request, rt, p, cycle_id, TaskKind.REPORT_PROGRESS, body)


@router.post(
    "/cycles/{cycle_id}/assessments",
    response_model=TaskOut,
    summary="File an independent assessment (completes your open assess_implementation task)",
    description="Completes the caller NHRI's or CSO's open `assess_implementation` task of the "
    "cycle (the soonest due) with this assessment round; it must cover exactly the task's "
    "recommendations. 409 when the organisation has no open assessment task.",
    tags=["participation"],
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def file_assessment(
    request: Request, cycle_id: CycleId, body: AssessmentRoundIn, rt: RuntimeDep, p: Assessor
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    return await _complete_own(request, rt, p, cycle_id, TaskKind.ASSESS_IMPLEMENTATION, body)
