"""Decisions: routing to lead ministries, position proposals, the foreign ministry's
assessment, the NMRF's decision, the addendum, and adoption (undecided counts as noted)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain import events as ev
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.domain.values import Document, Position
    from uprflow.workflows.approval import ApprovalFlow
    from uprflow.workflows.stage_models import (
        RecommendationRef,
        StageInput,
        StageResult,
        at_start_of,
    )


@workflow.defn(name="DecisionsStage")
class DecisionsStage(ApprovalFlow):
    """From the draft list to adopted positions."""

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        d = self.profile.stages.decisions
        nmrf = self.profile.nmrf
        stage = inp.stage.value
        addendum_due = at_start_of(inp.review_date + timedelta(days=d.addendum_due_days))
        adoption = at_start_of(inp.review_date + timedelta(days=d.adoption_days))
        span = addendum_due - workflow.now()

        # 1. Route every recommendation to a lead ministry (triage when no rule matches).
        routed: dict[str, list[RecommendationRef]] = defaultdict(list)
        events: list[ev.DomainEvent] = []
        for rec in inp.recommendations:
            decision = self.profile.route(rec.themes)
            routed[decision.lead].append(rec.model_copy(update={"lead": decision.lead}))
            events.append(
                ev.RecommendationRouted(
                    cycle_id=inp.cycle_id,
                    recommendation_id=rec.recommendation_id,
                    lead_ministry=decision.lead,
                    supporting=decision.supporting,
                )
            )
        await self.record(events)

        # 2. Each lead proposes a position for its recommendations (noted needs a reason).
        ids = [
            await self.assign(
                TaskKind.PROPOSE_POSITIONS,
                lead,
                f"Propose positions on {len(recs)} recommendations",
                self.soonest(workflow.now() + span * 0.4),
                context=TaskContext(stage=stage, subjects=tuple(r.recommendation_id for r in recs)),
                label=f"{lead}-propose",
            )
            for lead, recs in sorted(routed.items())
        ]
        # Why deadlines here: the Council adopts the outcome on its date whatever happens, so
        # a ministry that never answers leaves its recommendations undecided (noted at
        # adoption) instead of holding the whole cycle.
        proposals: dict[str, Position] = {}
        late = "the proposals were due; the recommendations go to the decision without one"
        for outcome in await self.settle_by(
            ids, self.soonest(addendum_due - timedelta(days=14)), late
        ):
            for p in (outcome.payload or {}).get("positions", []):
                proposals[p["recommendation_id"]] = Position(p["position"])

        # 3. The foreign ministry assesses the proposals against foreign policy.
        if d.foreign_policy_assessment and proposals:
            tid = await self.assign(
                TaskKind.ASSESS_POSITIONS,
                nmrf.foreign_ministry,
                f"Assess {len(proposals)} proposed positions against foreign policy",
                self.soonest(workflow.now() + span * 0.2),
                context=TaskContext(stage=stage, subjects=tuple(proposals), proposals=proposals),
                label="assess-positions",
            )
            await self.settle_by(
                [tid], self.soonest(addendum_due - timedelta(days=7)), "assessment overdue"
            )

        # 4. The NMRF (or the profile's decision authority) decides.
        decided: dict[str, Position] = {}
        if proposals:
            tid = await self.assign(
                TaskKind.DECIDE_POSITIONS,
                self.profile.decided_by,
                f"Decide the State's position on {len(proposals)} recommendations",
                self.soonest(addendum_due - timedelta(days=7)),
                context=TaskContext(stage=stage, subjects=tuple(proposals), proposals=proposals),
                label="decide-positions",
            )
            (outcome,) = await self.settle_by(
                [tid], self.soonest(adoption), "no decision before adoption"
            )
            for p in (outcome.payload or {}).get("positions", []):
                decided[p["recommendation_id"]] = Position(p["position"])

        # 5. The addendum with the responses, before the plenary.
        if decided:
            await self.submit(Document.ADDENDUM, addendum_due, subjects=tuple(decided))

        # 6. Adoption: whatever is still undecided counts as noted.
        await self.wait_window(until=adoption)
        if workflow.now() < adoption:
            await workflow.sleep(adoption - workflow.now())
        undecided = [
            r.recommendation_id for r in inp.recommendations if r.recommendation_id not in decided
        ]
        # The fold marks every recommendation without a decided position as noted by default
        # when it applies OutcomeAdopted (HRC resolution 5/1): one fact, one place.
        await self.record(
            [
                ev.OutcomeAdopted(
                    cycle_id=inp.cycle_id,
                    session=f"HRC-{inp.country}-{inp.cycle_number}",
                    adopted_on=workflow.now().date(),
                )
            ]
        )
        for rid in undecided:
            decided[rid] = Position.NOTED
        await self.close("outcome adopted")
        leads = {r.recommendation_id: lead for lead, recs in routed.items() for r in recs}
        out = [
            r.model_copy(
                update={
                    "position": decided[r.recommendation_id],
                    "lead": leads[r.recommendation_id],
                }
            )
            for r in inp.recommendations
        ]
        return self.result(
            recommendations=out,
            facts={
                "routed": len(leads),
                "supported": sum(1 for p in decided.values() if p != Position.NOTED),
                "noted": sum(1 for p in decided.values() if p == Position.NOTED),
                "noted_by_default": len(undecided),
            },
        )
