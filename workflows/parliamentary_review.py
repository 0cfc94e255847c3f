"""Parliamentary review: committees review the outcome and act on the recommendations that
need legislation, ratification or budget."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.legislation import needs_parliament
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.domain.values import Document, Position
    from uprflow.workflows.stage import StageBase
    from uprflow.workflows.stage_models import StageInput, StageResult


@workflow.defn(name="ParliamentaryReviewStage")
class ParliamentaryReviewStage(StageBase):
    """Committee items and their outcome."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        p = self.profile.stages.parliamentary_review
        stage = inp.stage.value
        committees = list(p.committees) or self.orgs(["parliament"])
        ids: list[str] = []
        if committees and "outcome" in p.reviews:
            for committee in committees:
                ids.append(
                    await self.assign(
                        TaskKind.REVIEW_DOCUMENT,
                        committee,
                        "Review the outcome of the review and the State's responses",
                        self.due(60, not_after=self.deadline),
                        context=TaskContext(stage=stage, document=Document.ADDENDUM),
                        label=f"{committee}-outcome",
                    )
                )
        items = [
            r.recommendation_id
            for r in inp.recommendations
            if r.position != Position.NOTED and needs_parliament(r.themes)
        ]
        if committees and items and "legislation_items" in p.reviews:
            ids.append(
                await self.assign(
                    TaskKind.RESOLVE_PARLIAMENT_ITEM,
                    committees[0],
                    f"Act on {len(items)} recommendations needing legislation or budget",
                    self.due(180, not_after=self.deadline),
                    context=TaskContext(stage=stage, subjects=tuple(items)),
                    label=f"{committees[0]}-legislation",
                )
            )
        await self.wait_tasks_or_window()
        await self.close("parliamentary review ended")
        return self.result(facts={"legislation_items": len(items)})
