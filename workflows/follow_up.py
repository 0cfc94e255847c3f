"""Follow-up: implementation plans, progress reports on the profile's cadence, NHRI and CSO
assessments, periodic multi-stakeholder consultations. Spans years, so it continues as new
at the start of every reporting year (and whenever Temporal suggests it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain.profile import add_months
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.domain.values import Position
    from uprflow.workflows.stage import StageBase
    from uprflow.workflows.stage_models import (
        RecommendationRef,
        StageInput,
        StageResult,
        at_start_of,
    )

#: Continue as new after this many timeline points (about a year of reporting).
POINTS_PER_RUN = 3
#: A progress round needs its month to be answered, a consultation two weeks to be held: a
#: step too close to the end of the follow-up window is not started. Why this matters: a round
#: falling on the closing day would be cancelled half-answered.
PROGRESS_DAYS = 30
CONSULTATION_DAYS = 14


class Point(BaseModel):
    """One dated step of the follow-up timeline."""

    at: datetime
    kind: str  # plans | progress | consultation
    number: int


def timeline(inp: StageInput) -> list[Point]:
    """Every step of the follow-up, in date order (pure: derived from the profile)."""
    f = inp.profile.stages.follow_up
    review = inp.review_date
    points = [
        Point(
            at=max(inp.opens_at, at_start_of(review + timedelta(days=f.plans_due_days - 60))),
            kind="plans",
            number=1,
        )
    ]
    k = 1
    while True:
        at = at_start_of(add_months(inp.opens_at.date(), f.progress_cadence_months * k))
        if at + timedelta(days=PROGRESS_DAYS) >= inp.closes_at:
            break
        points.append(Point(at=at, kind="progress", number=k))
        k += 1
    per_year = f.multi_stakeholder_consultations_per_year
    if per_year:
        step = 12 // per_year
        j = 1
        while True:
            at = at_start_of(add_months(inp.opens_at.date(), step * j) + timedelta(days=14))
            if at + timedelta(days=CONSULTATION_DAYS) >= inp.closes_at:
                break
            points.append(Point(at=at, kind="consultation", number=j))
            j += 1
    return sorted(points, key=lambda p: (p.at, p.kind))


@workflow.defn(name="FollowUpStage")
class FollowUpStage(StageBase):
    """The implementation years of a cycle."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        carry = dict(inp.carry)
        if not carry:
            await self.open(inp)
        else:  # a continued run: the window is open already
            self.inp, self.status = inp, "open"
            self.deadline = datetime.fromisoformat(carry["deadline"])
            self._done = int(carry.get("done", 0))
            self._cancelled = int(carry.get("cancelled", 0))
            self._seq = int(carry.get("seq", 0))
        f = self.profile.stages.follow_up
        supported = [
            r
            for r in inp.recommendations
            if r.position in (Position.SUPPORTED, Position.SUPPORTED_IN_PART)
        ]
        followed = supported if not f.assessments_cover_noted else list(inp.recommendations)
        by_lead: dict[str, list[RecommendationRef]] = defaultdict(list)
        for r in supported:
            by_lead[r.lead or self.profile.routing.triage].append(r)

        points = timeline(inp)
        index = int(carry.get("next", 0))
        processed = 0
        while index < len(points):
            point = points[index]
            if point.at > self.deadline:
                break
            await self.wait_window(until=point.at)
            if self.closed_early:
                break
            # Late tasks of the previous step are superseded by this one.
            await self.cancel_open_tasks(f"superseded by the follow-up step of {point.at.date()}")
            if processed >= POINTS_PER_RUN or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    inp.model_copy(
                        update={
                            "carry": {
                                "next": index,
                                "deadline": self.deadline.isoformat(),
                                "done": self._done,
                                "cancelled": self._cancelled,
                                "seq": self._seq,
                                "runs": int(carry.get("runs", 1)) + 1,
                            }
                        }
                    )
                )
            await self._step(point, by_lead, followed)
            processed += 1
            index += 1
        await self.wait_window()
        await self.close("follow-up period ended" if not self.closed_early else "closed early")
        return self.result(
            recommendations=supported,
            facts={"runs": int(carry.get("runs", 1)), "steps": len(points)},
        )

    async def _step(
        self,
        point: Point,
        by_lead: dict[str, list[RecommendationRef]],
        followed: list[RecommendationRef],
    ) -> None:
        f = self.profile.stages.follow_up
        stage = self.i.stage.value
        month = PROGRESS_DAYS
        if point.kind == "plans":
            for lead, recs in sorted(by_lead.items()):
                await self.assign(
                    TaskKind.PLAN_IMPLEMENTATION,
                    lead,
                    f"Plan the implementation of {len(recs)} supported recommendations",
                    self.soonest(
                        at_start_of(self.i.review_date + timedelta(days=f.plans_due_days))
                    ),
                    context=TaskContext(
                        stage=stage,
                        subjects=tuple(r.recommendation_id for r in recs),
                        plan_fields=tuple(f.implementation_plan_fields),
                    ),
                    label=f"{lead}-plan",
                )
        elif point.kind == "progress":
            period_end = point.at.date()
            for lead, recs in sorted(by_lead.items()):
                await self.assign(
                    TaskKind.REPORT_PROGRESS,
                    lead,
                    f"Progress report {point.number}: {len(recs)} recommendations",
                    self.due(month),
                    context=TaskContext(
                        stage=stage,
                        subjects=tuple(r.recommendation_id for r in recs),
                        period_end=period_end,
                        round=point.number,
                    ),
                    label=f"{lead}-progress-{point.number}",
                )
            assessors = (self.orgs(["nhri"]) if f.nhri_assessment else []) + (
                self.orgs(["cso"]) if f.cso_assessment else []
            )
            for org in assessors:
                kind = self.profile.organisation(org).kind
                await self.assign(
                    TaskKind.ASSESS_IMPLEMENTATION,
                    org,
                    f"Independent assessment {point.number} of {len(followed)} recommendations",
                    self.due(2 * month),
                    context=TaskContext(
                        stage=stage,
                        subjects=tuple(r.recommendation_id for r in followed),
                        note="nhri" if kind == "nhri" else "cso",
                        round=point.number,
                    ),
                    label=f"{org}-assessment-{point.number}",
                )
        else:
            await self.assign(
                TaskKind.HOLD_CONSULTATION,
                self.profile.nmrf.secretariat,
                f"Hold multi-stakeholder consultation {point.number} on implementation",
                self.due(CONSULTATION_DAYS),
                context=TaskContext(stage=stage),
                label=f"consultation-{point.number}",
            )
