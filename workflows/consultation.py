"""National consultation: hearings, stakeholder submissions, ministries' report sections."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain import events as ev
    from uprflow.domain.envelope import Actor
    from uprflow.domain.refusals import Refusal
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.workflows.refusals import refuse
    from uprflow.workflows.stage import StageBase
    from uprflow.workflows.stage_models import StageInput, StageResult, at_start_of

#: Temporal allows 2,000 updates per execution; each direct submission is one. Past this many
#: the window refuses further submissions with a clear message instead of failing the workflow.
MAX_SUBMISSIONS = 1_900


class SubmissionIn(BaseModel):
    """The body of the ``receive_submission`` update: a stakeholder submission (NHRI, CSO)."""

    actor: Actor
    title: str = Field(min_length=1, max_length=500)
    joint: bool = False
    signatories: tuple[str, ...] = ()
    document_ref: str | None = None
    request_id: str | None = None


class SubmissionReceipt(BaseModel):
    """What a submitter gets back."""

    submission_id: str
    submitter_org: str
    submitter_kind: str


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


@workflow.defn(name="ConsultationStage")
class ConsultationStage(StageBase):
    """Hearings in the profile's cities, submissions from the NHRI and CSOs, report sections."""

    def __init__(self) -> None:
        super().__init__()
        self._submissions = 0

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        c = self.profile.stages.consultation
        secretariat = self.profile.nmrf.secretariat
        stage = inp.stage.value

        # Hearings spread over the first two thirds of the window.
        span = (self.deadline - workflow.now()) * 2 / 3
        scheduled = []
        for k, hearing in enumerate(c.hearings):
            when = workflow.now() + span * (k + 1) / (len(c.hearings) + 1)
            scheduled.append((f"hearing-{_slug(hearing.city)}", hearing, when))
        await self.record(
            [
                ev.HearingScheduled(
                    cycle_id=inp.cycle_id,
                    hearing_id=hid,
                    city=h.city,
                    scheduled_for=when,
                    hosts=(secretariat, *h.partners),
                )
                for hid, h, when in scheduled
            ]
        )
        for hid, h, when in scheduled:
            await self.assign(
                TaskKind.HOLD_HEARING,
                secretariat,
                f"Hold the public hearing in {h.city} and record it",
                when + timedelta(days=7),
                context=TaskContext(stage=stage, subjects=(hid,)),
                label=f"hearing-{h.city}",
            )

        submissions_due = at_start_of(inp.review_date + timedelta(days=c.submissions_due_days))
        for org in self.orgs(["nhri", "cso"]):
            kind = self.profile.organisation(org).kind
            await self.assign(
                TaskKind.MAKE_SUBMISSION,
                org,
                "Stakeholder submission for the national report",
                self.soonest(min(submissions_due, self.deadline)),
                context=TaskContext(stage=stage, note="nhri" if kind == "nhri" else "cso"),
                label=f"{org}-submission",
            )
        for ministry in c.section_contributors:
            await self.assign(
                TaskKind.CONTRIBUTE_SECTION,
                ministry,
                "Contribute your section of the national report",
                self.soonest(self.deadline - timedelta(days=7)),
                context=TaskContext(stage=stage),
                label=f"{ministry}-section",
            )
        await self.wait_window()
        await self.close("consultation window ended" if not self.closed_early else "closed early")
        return self.result(facts={"hearings": len(scheduled)})

    # ------------------------------------------------------------------ submissions

    @workflow.update
    async def receive_submission(self, sub: SubmissionIn) -> SubmissionReceipt:
        """A stakeholder submission sent while the window is open (besides the tasks)."""
        self._check_submission(sub)  # re-checked: the window may have closed meanwhile
        i = self.i
        self._submissions += 1
        submission_id = f"submission-{i.cycle_id.removeprefix('cycle-')}-{self._submissions:04d}"
        kind = "coalition" if sub.joint else ("nhri" if sub.actor.role == "nhri" else "cso")
        await self.record(
            [
                ev.SubmissionReceived(
                    cycle_id=i.cycle_id,
                    submission_id=submission_id,
                    submitter_org=sub.actor.organisation,
                    submitter_kind=kind,
                    title=sub.title,
                    joint=sub.joint,
                    signatories=sub.signatories,
                    document_ref=sub.document_ref,
                )
            ],
            actor=sub.actor,
            request_id=sub.request_id,
        )
        return SubmissionReceipt(
            submission_id=submission_id, submitter_org=sub.actor.organisation, submitter_kind=kind
        )

    @receive_submission.validator
    def _validate_submission(self, sub: SubmissionIn) -> None:
        self._check_submission(sub)

    def _check_submission(self, sub: SubmissionIn) -> None:
        if self.inp is None or self.status != "open" or self.closed_early:
            raise refuse(
                Refusal.WINDOW_CLOSED,
                "the consultation window for stakeholder submissions is closed",
            )
        if sub.actor.role not in ("nhri", "cso"):
            raise refuse(
                Refusal.NOT_ALLOWED,
                f"{sub.actor.role} may not make a stakeholder submission (allowed: nhri, cso)",
                field="actor.role",
            )
        if sub.joint and len(sub.signatories) < 2:
            raise refuse(
                Refusal.INVALID_PAYLOAD,
                "a joint submission needs at least two signatories",
                field="signatories",
            )
        if sub.joint and not self.profile.stages.consultation.joint_submissions_allowed:
            raise refuse(
                Refusal.INVALID_PAYLOAD,
                "the national profile does not take joint submissions",
                field="joint",
            )
        if self._submissions >= MAX_SUBMISSIONS:
            raise refuse(
                Refusal.WINDOW_FULL,
                f"the consultation has received {MAX_SUBMISSIONS} direct submissions, the most "
                "one window takes; send further submissions to the secretariat",
            )
