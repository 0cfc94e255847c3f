"""Draft circulation: the draft is published, comments arrive in the window and are routed to
ministries as tasks, and the secretariat revises the draft."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from uprflow.domain import events as ev
    from uprflow.domain.envelope import Actor
    from uprflow.domain.refusals import Refusal
    from uprflow.domain.tasks import TaskContext, TaskKind
    from uprflow.workflows.notifying import notify
    from uprflow.workflows.refusals import refuse
    from uprflow.workflows.stage import StageBase, role_of
    from uprflow.workflows.stage_models import StageInput, StageResult

DRAFT_ID = "national-report"
#: Temporal allows 2,000 updates per execution; each comment is one. Past this many the
#: window refuses further comments with a clear message instead of failing the workflow.
MAX_COMMENTS = 1_900


class CommentIn(BaseModel):
    """The body of the ``submit_comment`` update."""

    actor: Actor
    text: str = Field(min_length=1, max_length=20_000)
    themes: tuple[str, ...] = Field((), description="themes the comment is about (routing)")
    request_id: str | None = None


class CommentReceipt(BaseModel):
    """What a commenter gets back."""

    comment_id: str
    routed_to: str
    task_id: str


@workflow.defn(name="DraftCirculationStage")
class DraftCirculationStage(StageBase):
    """Publish the draft, take comments in the window, route each to a ministry, revise."""

    def __init__(self) -> None:
        super().__init__()
        self._accepting = False
        self._comments: list[str] = []

    @workflow.run
    async def run(self, inp: StageInput) -> StageResult:
        await self.open(inp)
        d = self.profile.stages.draft_circulation
        comment_deadline = min(inp.opens_at + timedelta(days=d.comment_window_days), self.deadline)
        await self.record(
            [
                ev.DraftPublished(
                    cycle_id=inp.cycle_id,
                    draft_id=DRAFT_ID,
                    version=1,
                    comment_deadline=comment_deadline,
                    word_count=0,
                )
            ]
        )
        self._accepting = True
        for org in self.orgs(list(d.commenters)):
            await notify(
                template="window_opened",
                cycle_id=inp.cycle_id,
                task_id=None,
                recipient_org=org,
                contact=self.contact(org),
                facts={
                    "window": "comment period on the draft national report",
                    "closes": comment_deadline.isoformat(),
                },
                data={"role": role_of(self.profile.organisation(org).kind)},
            )
        await self.wait_window(until=comment_deadline)
        self._accepting = False
        # Answers to routed comments are due within the stage; then the draft is revised.
        await self.wait_tasks_or_window()
        if not self.closed_early:
            revise = await self.assign(
                TaskKind.REVISE_DRAFT,
                self.profile.nmrf.secretariat,
                "Revise the draft national report in the light of the comments",
                self.soonest(self.deadline),
                context=TaskContext(
                    stage=inp.stage.value,
                    subjects=tuple(self._comments),
                    draft_version=2,
                    note=DRAFT_ID,
                ),
                label="revise-draft",
            )
            await self.outcomes([revise])
        await self.close("draft circulation ended" if not self.closed_early else "closed early")
        return self.result(facts={"comments": len(self._comments)})

    @workflow.update
    async def submit_comment(self, comment: CommentIn) -> CommentReceipt:
        """A comment on the draft (as the profile allows), routed to a ministry as a task."""
        self._check_accepting(comment)
        i = self.i
        comment_id = f"comment-{len(self._comments) + 1:04d}"
        self._comments.append(comment_id)
        lead = self.profile.route(comment.themes).lead
        await self.record(
            [
                ev.CommentReceived(
                    cycle_id=i.cycle_id,
                    comment_id=comment_id,
                    draft_id=DRAFT_ID,
                    commenter_org=comment.actor.organisation,
                    text=comment.text,
                    routed_to=(lead,),
                )
            ],
            actor=comment.actor,
            request_id=comment.request_id,
        )
        d = self.profile.stages.draft_circulation
        task_id = await self.assign(
            TaskKind.ANSWER_COMMENT,
            lead,
            f"Answer comment {comment_id} on the draft national report",
            self.soonest(
                min(workflow.now() + timedelta(days=d.comment_answer_days), self.deadline)
            ),
            context=TaskContext(stage=i.stage.value, subjects=(comment_id,)),
            label=f"{lead}-{comment_id}",
        )
        return CommentReceipt(comment_id=comment_id, routed_to=lead, task_id=task_id)

    @submit_comment.validator
    def _validate_comment(self, comment: CommentIn) -> None:
        self._check_accepting(comment)

    def _check_accepting(self, comment: CommentIn) -> None:
        if not self._accepting or self.status != "open":
            raise refuse(Refusal.WINDOW_CLOSED, "the comment window on the draft is closed")
        if len(self._comments) >= MAX_COMMENTS:
            raise refuse(
                Refusal.WINDOW_FULL,
                f"the draft has received {MAX_COMMENTS} comments, the most one window takes; "
                "send further input to the secretariat",
            )
        allowed = set(self.profile.stages.draft_circulation.commenters)
        role = comment.actor.role
        if (
            "public" not in allowed
            and role not in allowed
            and (comment.actor.organisation not in allowed)
        ):
            raise refuse(
                Refusal.NOT_ALLOWED,
                f"{role} may not comment on this draft (allowed: {sorted(allowed)})",
                field="actor.role",
            )
