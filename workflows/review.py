"""Review: the Working Group's draft list of recommendations arrives and is imported."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.workflows.stage import StageBase
    from uprflow.workflows.stage_models import RecommendationRef, StageInput, StageResult


@workflow.defn(name="ReviewStage")
class ReviewStage(StageBase):
    """The secretariat imports the recommendations within hours of the interactive dialogue."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        hours = self.profile.stages.review.recommendations_expected_within_hours
        tid = await self.assign(
            TaskKind.IMPORT_RECOMMENDATIONS,
            self.profile.nmrf.secretariat,
            "Import the Working Group's draft list of recommendations",
            workflow.now() + timedelta(hours=hours),
            context=TaskContext(stage=inp.stage.value),
            label="import-recommendations",
        )
        (outcome,) = await self.outcomes([tid])
        recs: list[RecommendationRef] = []
        if outcome.status == "completed" and outcome.payload:
            recs = [
                RecommendationRef(
                    recommendation_id=r["recommendation_id"], themes=tuple(r.get("themes", ()))
                )
                for r in outcome.payload["recommendations"]
            ]
        await self.close("recommendations received")
        return self.result(recommendations=recs, facts={"recommendations": len(recs)})
