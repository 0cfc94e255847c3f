"""Wire models of cycles and their stages, and the conversions from the workflows' views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from uprflow.api.schemas.common import WHEN, RequestBody, examples, strict_examples
from uprflow.domain.text import LongText
from uprflow.domain.values import Stage
from uprflow.workflows.cycle import CycleView, StageStatus
from uprflow.workflows.stage_models import StageResult, StageView

# ------------------------------------------------------------------ start and list


class CycleStartIn(RequestBody):
    """Start a UPR cycle (``cycle-<CC>-<N>``)."""

    model_config = strict_examples(
        {"country": "KE", "cycle": 4, "review_date": "2030-01-15"},
        {
            "country": "KE",
            "cycle": 4,
            "review_date": "2030-01-15",
            "chain_next": False,
            "profile": {"schema_version": 1, "country": "KE", "...": "a whole national profile"},
        },
    )

    country: str = Field(
        pattern=r"^[A-Za-z]{2,3}$", description="ISO 3166 code (case-insensitive), e.g. KE"
    )
    cycle: int = Field(ge=1, le=1_000_000, description="the UPR cycle number, e.g. 4")
    review_date: date = Field(
        ge=date(2000, 1, 1), le=date(2199, 12, 31), description="the Working Group review date"
    )
    profile: dict[str, Any] | None = Field(
        None,
        description="an inline national profile (as profiles/*.yaml, in JSON); "
        "omitted: the country's shipped profile",
    )
    chain_next: bool = Field(True, description="start the next cycle when this one completes")


class CycleStartOut(BaseModel):
    """The started (or already running) cycle."""

    model_config = examples(
        {"cycle_id": "cycle-KE-4", "run_id": "0196a1c8-7c2e-7f7a-9d1e-3b0c", "status": "started"}
    )

    cycle_id: str
    run_id: str
    status: Literal["started", "already_running"]


class CycleSummaryOut(BaseModel):
    """A cycle as the read model knows it."""

    model_config = examples(
        {
            "cycle_id": "cycle-KE-4",
            "status": "active",
            "country": "KE",
            "cycle_number": 4,
            "review_date": "2030-01-15",
            "profile_id": "ke:3f9a0c1b2d4e",
            "started_at": WHEN,
            "completed_at": None,
            "next_cycle_id": None,
            "recommendations": 0,
            "last_position": 1042,
        }
    )

    cycle_id: str
    status: str
    country: str | None = None
    cycle_number: int | None = None
    review_date: date | None = None
    profile_id: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    next_cycle_id: str | None = None
    recommendations: int | None = Field(
        None, description="recommendations received (detail view only)"
    )
    last_position: int = Field(description="ledger position of the last event folded in")


class CycleList(BaseModel):
    """A page of cycles."""

    model_config = examples(
        {
            "items": [
                {
                    "cycle_id": "cycle-KE-4",
                    "status": "active",
                    "country": "KE",
                    "cycle_number": 4,
                    "review_date": "2030-01-15",
                    "last_position": 1042,
                }
            ],
            "total": 1,
            "limit": 100,
            "offset": 0,
        }
    )

    items: list[CycleSummaryOut]
    total: int
    limit: int
    offset: int


# ------------------------------------------------------------------ one cycle


class StageRecord(BaseModel):
    """A stage of a cycle as the read model knows it."""

    model_config = examples(
        {
            "stage": "consultation",
            "status": "open",
            "opened_at": WHEN,
            "deadline": "2026-10-31T00:00:00Z",
            "closed_at": None,
            "closed_early": False,
            "extensions": 0,
        }
    )

    stage: str
    status: str
    opened_at: datetime | None = None
    deadline: datetime | None = None
    closed_at: datetime | None = None
    closed_early: bool = False
    extensions: int = 0


class LiveStageResult(BaseModel):
    """What a finished stage handed back to the cycle: how it closed, its tasks, its facts."""

    stage: Stage
    closed_early: bool = False
    tasks_completed: int = 0
    tasks_cancelled: int = 0
    facts: dict[str, int] = Field(
        default_factory=dict, description="counts the stage reports, e.g. noted: 2"
    )


class LiveStage(BaseModel):
    """A stage as the cycle workflow sees it."""

    stage: Stage
    workflow_id: str
    status: str = Field(description="pending, running, done or skipped")
    opens_on: date
    closes_on: date
    result: LiveStageResult | None = None


class CycleLive(BaseModel):
    """The cycle workflow's ``state`` query: every stage with its status and dates."""

    model_config = examples(
        {
            "cycle_id": "cycle-KE-4",
            "country": "KE",
            "cycle_number": 4,
            "review_date": "2030-01-15",
            "status": "running",
            "stages": [
                {
                    "stage": "consultation",
                    "workflow_id": "stage-KE-4-consultation",
                    "status": "running",
                    "opens_on": "2029-01-15",
                    "closes_on": "2029-07-14",
                    "result": None,
                }
            ],
            "recommendations": 0,
            "carried_over": 0,
            "next_cycle_id": None,
        }
    )

    cycle_id: str
    country: str
    cycle_number: int
    review_date: date
    status: str
    stages: list[LiveStage]
    recommendations: int
    carried_over: int
    next_cycle_id: str | None = None


class CycleDetail(BaseModel):
    """One cycle: the read model, and the live workflow state when Temporal answers."""

    model_config = examples(
        {
            "cycle": {
                "cycle_id": "cycle-KE-4",
                "status": "active",
                "country": "KE",
                "cycle_number": 4,
                "review_date": "2030-01-15",
                "recommendations": 0,
                "last_position": 1042,
            },
            "stages": [{"stage": "consultation", "status": "open", "deadline": WHEN}],
            "live": None,
            "live_error": "Temporal is not reachable",
        }
    )

    cycle: CycleSummaryOut
    stages: list[StageRecord]
    live: CycleLive | None = None
    live_error: str | None = Field(None, description="why the live state is missing")


# ------------------------------------------------------------------ stage commands


class StageCloseIn(RequestBody):
    """Close a stage's window now."""

    model_config = strict_examples({"reason": "all expected submissions have arrived"})

    reason: LongText = Field(min_length=1, max_length=2000)


class StageExtendIn(RequestBody):
    """Move a stage's deadline later."""

    model_config = strict_examples(
        {"until": "2029-08-01T00:00:00Z", "reason": "the NHRI asked for two more weeks"}
    )

    until: AwareDatetime = Field(description="the new deadline (with a time zone)")
    reason: LongText = Field(min_length=1, max_length=2000)


class StageOut(BaseModel):
    """Where the stage stands after the command."""

    model_config = examples(
        {
            "stage": "consultation",
            "status": "open",
            "opens_at": "2029-01-15T00:00:00Z",
            "deadline": "2029-08-01T00:00:00Z",
            "closed_early": False,
            "open_tasks": ["task-KE-4-consultation-002-nhri-submission"],
            "done_tasks": 9,
        }
    )

    stage: Stage
    status: str
    opens_at: datetime
    deadline: datetime
    closed_early: bool
    open_tasks: list[str]
    done_tasks: int


# ------------------------------------------------------------------ conversions


def _stage_result(result: StageResult) -> LiveStageResult:
    return LiveStageResult(
        stage=result.stage,
        closed_early=result.closed_early,
        tasks_completed=result.tasks_completed,
        tasks_cancelled=result.tasks_cancelled,
        facts=dict(result.facts),
    )


def _live_stage(s: StageStatus) -> LiveStage:
    return LiveStage(
        stage=s.stage,
        workflow_id=s.workflow_id,
        status=s.status,
        opens_on=s.opens_on,
        closes_on=s.closes_on,
        result=_stage_result(s.result) if s.result is not None else None,
    )


def cycle_live(view: CycleView) -> CycleLive:
    """The cycle workflow's ``state`` query as the API shows it."""
    return CycleLive(
        cycle_id=view.cycle_id,
        country=view.country,
        cycle_number=view.cycle_number,
        review_date=view.review_date,
        status=view.status,
        stages=[_live_stage(s) for s in view.stages],
        recommendations=view.recommendations,
        carried_over=view.carried_over,
        next_cycle_id=view.next_cycle_id,
    )


def stage_out(view: StageView) -> StageOut:
    """A stage workflow's view after a command, as the API answers it."""
    return StageOut(
        stage=view.stage,
        status=view.status,
        opens_at=view.opens_at,
        deadline=view.deadline,
        closed_early=view.closed_early,
        open_tasks=list(view.open_tasks),
        done_tasks=view.done_tasks,
    )
