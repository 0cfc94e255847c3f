"""Validation and submission: the approval chain, optional parliament review, submission."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.values import Document
    from uprflow.workflows.approval import ApprovalFlow
    from uprflow.workflows.stage_models import StageInput, StageResult, at_start_of


@workflow.defn(name="ValidationStage")
class ValidationStage(ApprovalFlow):
    """Contributing ministries, then the chain, approve; parliament may review; submission."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        v = self.profile.stages.validation
        doc = Document.NATIONAL_REPORT
        if v.contributors_approve:
            await self.approve(
                doc, list(self.profile.stages.consultation.section_contributors), parallel=True
            )
        await self.approve(doc, list(v.approval_chain), parallel=False)
        if v.parliament_review and v.parliament_committee:
            await self.parliament(doc, v.parliament_committee)
        report_due = at_start_of(inp.review_date + timedelta(days=v.report_due_days))
        await self.submit(doc, report_due)
        await self.close("national report submitted")
        return self.result()
