"""API routes: taking part in open windows — comments on the circulating draft, stakeholder
submissions, progress reports and independent assessments.

Comments and submissions are updates on the stage workflow whose window they belong to; the
validator refuses them once the window is closed (409) or from a role the profile does not
admit (403). Progress reports and assessments complete the caller organisation's open task of
that kind in the cycle.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from uprflow.api.commands.stages import stage_update
from uprflow.api.commands.tasks import complete_own_task
from uprflow.api.deps import (
    Commenter,
    IdempotencyKey,
    Ministry,
    NhriOrCso,
    RequestId,
    RuntimeDep,
)
from uprflow.api.idempotency import idempotent, update_id
from uprflow.api.params import CycleId, normalise_cycle_id
from uprflow.api.problems import problem_responses
from uprflow.api.schemas.participation import (
    AssessmentRoundIn,
    CommentCreate,
    CommentOut,
    ProgressReportIn,
    SubmissionCreate,
    SubmissionOut,
    comment_out,
    submission_out,
)
from uprflow.api.schemas.tasks import TaskOut
from uprflow.domain.tasks import TaskKind
from uprflow.domain.values import Stage
from uprflow.workflows.consultation import ConsultationStage, SubmissionIn, SubmissionReceipt
from uprflow.workflows.draft_circulation import CommentIn, CommentReceipt, DraftCirculationStage

router = APIRouter()


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
    request: Request,
    cycle_id: CycleId,
    body: CommentCreate,
    rt: RuntimeDep,
    p: Commenter,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    arg = CommentIn(actor=p.actor(), text=body.text, themes=tuple(body.themes), request_id=rid)

    async def run() -> CommentOut:
        receipt: CommentReceipt = await stage_update(
            rt,
            cycle_id,
            Stage.DRAFT_CIRCULATION,
            DraftCirculationStage.submit_comment,
            arg,
            update_key=update_id(p, key),
            not_yet=f"the draft of {cycle_id} is not circulating for comment",
        )
        return comment_out(receipt)

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
    request: Request,
    cycle_id: CycleId,
    body: SubmissionCreate,
    rt: RuntimeDep,
    p: NhriOrCso,
    key: IdempotencyKey,
    rid: RequestId,
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
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
            rt,
            cycle_id,
            Stage.CONSULTATION,
            ConsultationStage.receive_submission,
            arg,
            update_key=update_id(p, key),
            not_yet=f"the consultation of {cycle_id} is not open for submissions",
            fields={"body.payload": "body"},
        )
        return submission_out(receipt, cycle_id=cycle_id)

    return await idempotent(request, rt, p, body, run, status_code=201)


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
    return await complete_own_task(request, rt, p, cycle_id, TaskKind.REPORT_PROGRESS, body)


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
    request: Request, cycle_id: CycleId, body: AssessmentRoundIn, rt: RuntimeDep, p: NhriOrCso
) -> JSONResponse:
    cycle_id = normalise_cycle_id(cycle_id)
    return await complete_own_task(request, rt, p, cycle_id, TaskKind.ASSESS_IMPLEMENTATION, body)
