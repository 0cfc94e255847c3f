"""National consultation: hearings, stakeholder submissions, ministries' report sections."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import events as ev
    from domain.tasks import TaskContext, TaskKind
    from workflows.stage import StageBase, StageInput, StageResult, at_start_of


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


@workflow.defn(name="ConsultationStage")
class ConsultationStage(StageBase):
    """Hearings in the profile's cities, submissions from the NHRI and CSOs, report sections."""

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
