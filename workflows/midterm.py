"""The voluntary mid-term report: compiled from recorded progress, a comment round with the
NHRI and CSOs (a joint CSO response where the profile says so), approval, parliament, submission."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.activities.summary import CycleSummary, SummaryActivities
    from uprflow.domain.profile import add_months
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.domain.values import Document, Position
    from uprflow.workflows.approval import ApprovalFlow
    from uprflow.workflows.stage_models import StageInput, StageResult, at_start_of

DRAFT_ID = "midterm-report"


@workflow.defn(name="MidtermStage")
class MidtermStage(ApprovalFlow):
    """From recorded progress to a submitted mid-term report."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        m = self.profile.stages.midterm
        stage = inp.stage.value
        doc = Document.MIDTERM_REPORT
        due = at_start_of(add_months(inp.review_date, m.due_months_after_review))
        summary: CycleSummary = await workflow.execute_activity_method(
            SummaryActivities.summarise_cycle,
            inp.cycle_id,
            start_to_close_timeout=timedelta(minutes=5),
        )
        covered = tuple(
            r.recommendation_id for r in inp.recommendations if r.position != Position.NOTED
        )
        compile_id = await self.assign(
            TaskKind.COMPILE_MIDTERM,
            self.profile.nmrf.secretariat,
            "Compile the draft mid-term report from the recorded progress",
            self.due(30),
            context=TaskContext(stage=stage, document=doc, subjects=covered, note=summary.line()),
            label="compile-midterm",
        )
        await self.outcomes([compile_id])

        commenters = [
            o for o in self.orgs(list(m.comment_round)) if o != m.joint_cso_response_coordinator
        ]
        ids = [
            await self.assign(
                TaskKind.COMMENT_ON_DOCUMENT,
                org,
                "Comment on the draft mid-term report",
                self.due(m.comment_window_days),
                context=TaskContext(stage=stage, document=doc, note=DRAFT_ID),
                label=f"{org}-comment",
            )
            for org in commenters
        ]
        if m.joint_cso_response_coordinator:
            ids.append(
                await self.assign(
                    TaskKind.COMMENT_ON_DOCUMENT,
                    m.joint_cso_response_coordinator,
                    "Coordinate the joint civil-society response to the draft mid-term report",
                    self.due(m.comment_window_days),
                    context=TaskContext(stage=stage, document=doc, note=DRAFT_ID),
                    label="joint-cso-response",
                )
            )
        await self.outcomes(ids)
        await self.revise(doc)
        await self.approve(doc, list(m.approval_chain), parallel=False)
        if m.parliament_receives:
            committee = next(iter(self.orgs(["parliament"])), None)
            if committee:
                await self.parliament(doc, committee)
        await self.submit(doc, due, subjects=covered)
        await self.close("mid-term report submitted")
        return self.result(facts={"comments": len(ids), "covered": len(covered)})
