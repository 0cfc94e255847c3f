"""A whole UPR cycle per national profile, under time skipping, with simulated people.

The expected ledger is derived from the profile itself (hearings, commenters, approval
chains, cadence, ...) and from the scenario's real positions, so each profile's run checks
that its settings drive the workflows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.workflows.cycle_run import run_cycle
from uprflow.demo.scenario import Scenario, load_scenario
from uprflow.domain.fold import fold
from uprflow.domain.legislation import needs_parliament
from uprflow.domain.profile import Profile
from uprflow.domain.values import Position, Stage
from uprflow.profiles import load_profile
from uprflow.store.verify import verify
from uprflow.workflows.follow_up import timeline
from uprflow.workflows.stage_models import StageInput, at_start_of

pytestmark = pytest.mark.slow  # whole cycles or servers: not in the quick loop

#: (profile, scenario country): the default profile runs on Kenya's recommendations.
PROFILES = [
    ("default", "KE"),
    ("DK", "DK"),
    ("GE", "GE"),
    ("KE", "KE"),
    ("MY", "MY"),
    ("MA", "MA"),
    ("NZ", "NZ"),
    ("PE", "PE"),
]
RECOMMENDATIONS = 40


def orgs(profile: Profile, entries: tuple[str, ...]) -> list[str]:
    kinds = {
        "nhri": ("nhri",),
        "cso": ("cso_coalition",),
        "public": (),
        "parliament": ("parliament_committee", "parliament"),
        "un_country_team": ("un_country_team",),
    }
    out: list[str] = []
    for e in entries:
        out += [o.code for o in profile.organisations if o.kind in kinds[e]] if e in kinds else [e]
    return list(dict.fromkeys(out))


def follow_up_points(profile: Profile, review: date) -> Counter[str]:
    opens, closes = profile.stage_window(Stage.FOLLOW_UP, review)
    inp = StageInput(
        cycle_id="x",
        country=profile.country,
        cycle_number=1,
        review_date=review,
        profile=profile,
        stage=Stage.FOLLOW_UP,
        opens_at=at_start_of(opens),
        closes_at=at_start_of(closes),
    )
    return Counter(p.kind for p in timeline(inp))


@pytest.mark.parametrize(("profile_name", "country"), PROFILES)
async def test_full_cycle(
    ts_env: WorkflowEnvironment, sqlite_url: str, profile_name: str, country: str
) -> None:
    profile = load_profile(profile_name)
    scenario: Scenario = load_scenario(country, limit=RECOMMENDATIONS)
    run = await run_cycle(ts_env, sqlite_url, profile, scenario)
    events = run.events
    n = len(scenario.recommendations)
    count = Counter(e.event_type for e in events)
    by_stage = Counter((e.stream_id.split("-")[-1], e.event_type) for e in events)
    stages = profile.stages
    enabled = profile.enabled_stages()
    review = date.fromisoformat(
        next(e for e in events if e.event_type == "CycleStarted").payload["review_date"]
    )

    # The cycle and its stages, each opened and closed once, in the profile's selection.
    assert count["CycleStarted"] == count["CycleCompleted"] == 1
    assert sorted(s.stage for s in run.result.stages if s.status == "done") == sorted(enabled)
    for stage in Stage:
        opened = by_stage[(stage.value, "StageOpened")]
        assert opened == (1 if stage in enabled else 0), stage
        assert by_stage[(stage.value, "StageClosed")] == opened, stage

    # National consultation: the profile's hearings, submissions and sections.
    hearings = len(stages.consultation.hearings)
    assert count["HearingScheduled"] == count["HearingHeld"] == hearings
    submitters = [o for o in profile.organisations if o.kind in ("nhri", "cso_coalition")]
    assert count["SubmissionReceived"] == len(submitters)
    assert count["SectionContributed"] == len(stages.consultation.section_contributors)

    # Draft circulation: two comments from each commenting organisation, each routed.
    commenters = orgs(profile, stages.draft_circulation.commenters)
    national_comments = [
        e
        for e in events
        if e.event_type == "CommentReceived" and e.payload["draft_id"] == "national-report"
    ]
    assert len(national_comments) == 2 * len(commenters)
    assert all(len(e.payload["routed_to"]) == 1 for e in national_comments)
    assert count["DraftPublished"] == 1

    # Validation: contributors, then the chain, approve; parliament if the profile says so.
    approvals = Counter(e.payload["document"] for e in events if e.event_type == "ApprovalGiven")
    v = stages.validation
    expected = len(v.approval_chain) + (
        len(stages.consultation.section_contributors) if v.contributors_approve else 0
    )
    assert approvals["national_report"] == expected
    parl = Counter(e.payload["document"] for e in events if e.event_type == "ParliamentReviewed")
    assert parl["national_report"] == (1 if v.parliament_review else 0)
    assert count["ReportSubmitted"] == 1

    # Review and decisions: every recommendation routed, proposed, assessed, decided.
    assert count["RecommendationReceived"] == count["RecommendationRouted"] == n
    assert count["PositionProposed"] == count["PositionDecided"] == n
    assert count["PositionAssessed"] == (n if stages.decisions.foreign_policy_assessment else 0)
    assert count["AddendumSubmitted"] == count["OutcomeAdopted"] == 1
    noted = [
        e for e in events if e.event_type == "PositionProposed" and e.payload["position"] == "noted"
    ]
    assert all(e.payload["justification"] for e in noted)

    # Follow-up on the profile's cadence; it continued as new and kept its state.
    supported = [r for r, p in scenario.positions.items() if p != Position.NOTED]
    f = stages.follow_up
    points = follow_up_points(profile, review)
    assert count["ImplementationPlanned"] == len(supported)
    assert count["ProgressReported"] == len(supported) * points["progress"]
    followed = n if f.assessments_cover_noted else len(supported)
    assessors = (
        sum(1 for o in profile.organisations if o.kind == "nhri") if f.nhri_assessment else 0
    ) + (
        sum(1 for o in profile.organisations if o.kind == "cso_coalition")
        if f.cso_assessment
        else 0
    )
    assert count["AssessmentFiled"] == assessors * followed * points["progress"]
    assert count["ConsultationHeld"] == points["consultation"]
    follow = next(s for s in run.result.stages if s.stage == Stage.FOLLOW_UP)
    assert follow.result is not None
    assert follow.result.facts["runs"] > 1  # continued as new at least once

    # Mid-term report and parliamentary review, when the profile runs them.
    m = stages.midterm
    assert count["MidtermReportSubmitted"] == (1 if m.enabled else 0)
    if m.enabled:
        assert approvals["midterm_report"] == len(m.approval_chain)
        midterm_comments = [
            e
            for e in events
            if e.event_type == "CommentReceived" and e.payload["draft_id"] == "midterm-report"
        ]
        joint = m.joint_cso_response_coordinator
        round_orgs = [o for o in orgs(profile, m.comment_round) if o != joint]
        assert len(midterm_comments) == len(round_orgs) + (1 if joint else 0)
        assert parl["midterm_report"] == (1 if m.parliament_receives else 0)
    pr = stages.parliamentary_review
    items = [
        r.recommendation_id
        for r in scenario.recommendations
        if scenario.positions[r.recommendation_id] != Position.NOTED and needs_parliament(r.themes)
    ]
    expect_items = len(items) if pr.enabled and "legislation_items" in pr.reviews else 0
    assert count["ParliamentItemResolved"] == expect_items

    # Every task assigned was completed by its (simulated) assignee, each notified.
    assert count["TaskAssigned"] == count["TaskCompleted"] > 0
    assert count["TaskCancelled"] == 0
    assert count["NotificationDelivered"] >= count["TaskAssigned"]

    # The final state, folded from the ledger, matches the State's real positions.
    state = fold(events, run.result.cycle_id)
    assert state.status == "completed"
    assert {r: s.position for r, s in state.recommendations.items()} == scenario.positions
    assert all(s.status == "decided" for s in state.recommendations.values())
    assert {"national_report", "addendum"} <= set(state.documents_submitted)
    assert ("midterm_report" in state.documents_submitted) == m.enabled
    assert all(state.recommendations[r].implementation_status is not None for r in supported)
    assert run.result.summary.recommendations == n

    report = verify(run.db_url)
    assert report.problem is None
    assert report.checked == len(events)
