"""The cycle workflow: one per (country, cycle), id ``cycle-<CC>-<N>``.

It records ``CycleStarted``, runs the profile's stages as child workflows in process order
(follow-up, mid-term and parliamentary review side by side once positions are decided), and at
the end records ``CycleCompleted`` and hands over to the next cycle (``cycle-<CC>-<N+1>``, a
review 4.5 years later) with the noted and unfinished recommendations carried forward.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from uprflow.activities.summary import CycleSummary, SummaryActivities
    from uprflow.domain import events as ev
    from uprflow.domain.envelope import Actor
    from uprflow.domain.profile import Profile, add_months
    from uprflow.domain.values import Stage
    from uprflow.workflows.consultation import ConsultationStage
    from uprflow.workflows.decisions import DecisionsStage
    from uprflow.workflows.draft_circulation import DraftCirculationStage
    from uprflow.workflows.follow_up import FollowUpStage
    from uprflow.workflows.midterm import MidtermStage
    from uprflow.workflows.parliamentary_review import ParliamentaryReviewStage
    from uprflow.workflows.recording import record
    from uprflow.workflows.review import ReviewStage
    from uprflow.workflows.search_attributes import COUNTRY, CYCLE, STAGE
    from uprflow.workflows.stage_models import (
        RecommendationRef,
        StageInput,
        StageResult,
        at_start_of,
        stage_workflow_id,
    )
    from uprflow.workflows.validation import ValidationStage

#: A UPR cycle is four and a half years.
CYCLE_MONTHS = 54

STAGE_WORKFLOWS: dict[Stage, Any] = {
    Stage.CONSULTATION: ConsultationStage,
    Stage.DRAFT_CIRCULATION: DraftCirculationStage,
    Stage.VALIDATION: ValidationStage,
    Stage.REVIEW: ReviewStage,
    Stage.DECISIONS: DecisionsStage,
    Stage.FOLLOW_UP: FollowUpStage,
    Stage.MIDTERM: MidtermStage,
    Stage.PARLIAMENTARY_REVIEW: ParliamentaryReviewStage,
}
_SEQUENTIAL = (
    Stage.CONSULTATION,
    Stage.DRAFT_CIRCULATION,
    Stage.VALIDATION,
    Stage.REVIEW,
    Stage.DECISIONS,
)
_PARALLEL = (Stage.FOLLOW_UP, Stage.MIDTERM, Stage.PARLIAMENTARY_REVIEW)


class CycleInput(BaseModel):
    """Start a cycle (versionable: add fields with defaults)."""

    country: str
    cycle_number: int = Field(ge=1)
    review_date: date
    profile: Profile
    profile_id: str = ""
    carried_over: list[RecommendationRef] = Field(default_factory=list)
    chain_next: bool = True
    #: Who asked for the cycle and in which request (recorded on ``CycleStarted``); None for a
    #: cycle the previous one hands over to (the workflow itself starts it).
    requested_by: Actor | None = None
    request_id: str | None = None


class StageStatus(BaseModel):
    """A stage as the cycle sees it."""

    stage: Stage
    workflow_id: str
    status: str  # pending | running | done | skipped
    opens_on: date
    closes_on: date
    result: StageResult | None = None


class CycleView(BaseModel):
    """The cycle's ``state`` query."""

    cycle_id: str
    country: str
    cycle_number: int
    review_date: date
    status: str
    stages: list[StageStatus]
    recommendations: int
    carried_over: int
    next_cycle_id: str | None = None


class CycleResult(BaseModel):
    """What the cycle workflow returns."""

    cycle_id: str
    stages: list[StageStatus]
    summary: CycleSummary
    next_cycle_id: str | None


def cycle_workflow_id(country: str, cycle_number: int) -> str:
    """Deterministic: starting the same cycle twice finds the running one."""
    return f"cycle-{country.upper()}-{cycle_number}"


@workflow.defn(name="Cycle")
class CycleWorkflow:
    """A country's UPR cycle, stage by stage."""

    def __init__(self) -> None:
        self._inp: CycleInput | None = None
        self._status = "starting"
        self._stages: dict[Stage, StageStatus] = {}
        self._recs: list[RecommendationRef] = []
        self._next: str | None = None

    @property
    def cycle_id(self) -> str:
        assert self._inp is not None
        return cycle_workflow_id(self._inp.country, self._inp.cycle_number)

    @workflow.run
    async def run(self, inp: CycleInput) -> CycleResult:
        self._inp = inp
        profile = inp.profile
        for stage in STAGE_WORKFLOWS:
            opens, closes = profile.stage_window(stage, inp.review_date)
            enabled = stage in profile.enabled_stages()
            self._stages[stage] = StageStatus(
                stage=stage,
                workflow_id=stage_workflow_id(self.cycle_id, stage),
                status="pending" if enabled else "skipped",
                opens_on=opens,
                closes_on=closes,
            )
        workflow.upsert_search_attributes(
            [COUNTRY.value_set(inp.country), CYCLE.value_set(inp.cycle_number)]
        )
        await record(
            self.cycle_id,
            [
                ev.CycleStarted(
                    cycle_id=self.cycle_id,
                    country=inp.country,
                    cycle_number=inp.cycle_number,
                    review_date=inp.review_date,
                    profile_id=inp.profile_id or f"{inp.country.lower()}:{profile.digest()[:12]}",
                )
            ],
            actor=inp.requested_by,
            request_id=inp.request_id,
        )
        self._status = "running"
        for stage in _SEQUENTIAL:
            result = await self._run_stage(stage)
            if result is not None and result.recommendations:
                self._recs = result.recommendations
        await asyncio.gather(*(self._run_stage(s) for s in _PARALLEL))

        summary: CycleSummary = await workflow.execute_activity_method(
            SummaryActivities.summarise_cycle,
            self.cycle_id,
            start_to_close_timeout=timedelta(minutes=5),
        )
        next_number = inp.cycle_number + 1
        self._next = cycle_workflow_id(inp.country, next_number) if inp.chain_next else None
        await record(
            self.cycle_id, [ev.CycleCompleted(cycle_id=self.cycle_id, next_cycle_id=self._next)]
        )
        if self._next:
            carried = [
                RecommendationRef(
                    recommendation_id=c.recommendation_id,
                    themes=c.themes,
                    position=c.position,
                    carried_from=self.cycle_id,
                )
                for c in summary.carry_forward
            ]
            # Why a new execution rather than continue-as-new: each cycle keeps its own
            # deterministic id (cycle-KE-5), so both can be found, queried and audited.
            await workflow.start_child_workflow(
                CycleWorkflow.run,
                CycleInput(
                    country=inp.country,
                    cycle_number=next_number,
                    review_date=add_months(inp.review_date, CYCLE_MONTHS),
                    profile=profile,
                    profile_id=inp.profile_id,
                    carried_over=carried,
                    chain_next=True,
                ),
                id=self._next,
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            )
        self._status = "completed"
        await workflow.wait_condition(workflow.all_handlers_finished)
        return CycleResult(
            cycle_id=self.cycle_id,
            stages=list(self._stages.values()),
            summary=summary,
            next_cycle_id=self._next,
        )

    async def _run_stage(self, stage: Stage) -> StageResult | None:
        status = self._stages[stage]
        if status.status == "skipped":
            return None
        inp = self._inp
        assert inp is not None
        opens = at_start_of(status.opens_on)
        closes = at_start_of(status.closes_on)
        # A stage whose window opened while an earlier one was still running starts now and
        # keeps its full length.
        if workflow.now() > opens:
            closes = max(closes, workflow.now() + (closes - opens))
            opens = workflow.now()
        status.status = "running"
        workflow.upsert_search_attributes([STAGE.value_set(stage.value)])
        result: StageResult = await workflow.execute_child_workflow(
            STAGE_WORKFLOWS[stage].run,
            StageInput(
                cycle_id=self.cycle_id,
                country=inp.country,
                cycle_number=inp.cycle_number,
                review_date=inp.review_date,
                profile=inp.profile,
                stage=stage,
                opens_at=opens,
                closes_at=closes,
                recommendations=self._recs,
            ),
            id=status.workflow_id,
        )
        status.status = "done"
        status.result = result
        return result

    @workflow.query
    def state(self) -> CycleView:
        """Where the cycle stands."""
        inp = self._inp
        assert inp is not None
        return CycleView(
            cycle_id=self.cycle_id,
            country=inp.country,
            cycle_number=inp.cycle_number,
            review_date=inp.review_date,
            status=self._status,
            stages=list(self._stages.values()),
            recommendations=len(self._recs),
            carried_over=len(inp.carried_over),
            next_cycle_id=self._next,
        )
