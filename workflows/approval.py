"""The approval flow a document goes through: approvals, parliament's review, submission.

:class:`ApprovalFlow` is the base of every stage that has a document approved or submitted:
validation (the national report), decisions (the addendum), mid-term (the mid-term report).
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.domain.values import Document
    from uprflow.workflows.stage import StageBase

MAX_ROUNDS = 3


class ApprovalFlow(StageBase):
    """An ordered approval chain in which a refusal sends the document back for revision."""

    async def approve(self, document: Document, approvers: list[str], *, parallel: bool) -> None:
        """Run ``approvers`` (all at once, or one after the other) until each has approved."""
        stage = self.i.stage.value
        if parallel:
            pending = list(approvers)
            for _round in range(MAX_ROUNDS):
                ids = [
                    await self.assign(
                        TaskKind.APPROVE_DOCUMENT,
                        org,
                        f"Approve the {document.value.replace('_', ' ')}",
                        self.due(7),
                        context=TaskContext(stage=stage, document=document, note=f"ministry:{org}"),
                        label=f"{org}-approve",
                    )
                    for org in pending
                ]
                outcomes = await self.outcomes(ids)
                pending = [
                    o.assignee_org
                    for o in outcomes
                    if o.status == "completed" and o.payload and not o.payload.get("approved")
                ]
                if not pending:
                    return
                await self.revise(document)
            return
        for org in approvers:
            for _round in range(MAX_ROUNDS):
                tid = await self.assign(
                    TaskKind.APPROVE_DOCUMENT,
                    org,
                    f"Approve the {document.value.replace('_', ' ')}",
                    self.due(7),
                    context=TaskContext(stage=stage, document=document, note=f"chain:{org}"),
                    label=f"{org}-approve",
                )
                (outcome,) = await self.outcomes([tid])
                if outcome.status != "completed" or (outcome.payload or {}).get("approved"):
                    break
                await self.revise(document)

    async def revise(self, document: Document) -> None:
        """The secretariat revises the document after a refusal."""
        tid = await self.assign(
            TaskKind.REVISE_DRAFT,
            self.profile.nmrf.secretariat,
            f"Revise the {document.value.replace('_', ' ')} as the approver asked",
            self.due(7),
            context=TaskContext(
                stage=self.i.stage.value,
                document=document,
                draft_version=3,
                note=document.value.replace("_", "-"),
            ),
            label="revise",
        )
        await self.outcomes([tid])

    async def parliament(self, document: Document, committee: str) -> None:
        """A parliamentary committee reviews the document."""
        tid = await self.assign(
            TaskKind.REVIEW_DOCUMENT,
            committee,
            f"Parliamentary review of the {document.value.replace('_', ' ')}",
            self.due(14),
            context=TaskContext(stage=self.i.stage.value, document=document),
            label=f"{committee}-review",
        )
        await self.outcomes([tid])

    async def submit(
        self, document: Document, due_at: datetime, *, subjects: tuple[str, ...] = ()
    ) -> None:
        """The submitting authority submits the document to OHCHR."""
        tid = await self.assign(
            TaskKind.SUBMIT_DOCUMENT,
            self.profile.nmrf.submitting_authority,
            f"Submit the {document.value.replace('_', ' ')} to OHCHR",
            self.soonest(due_at),
            context=TaskContext(
                stage=self.i.stage.value,
                document=document,
                subjects=subjects,
                max_words=self.profile.stages.validation.max_words,
            ),
            label=f"submit-{document.value}",
        )
        await self.outcomes([tid])
