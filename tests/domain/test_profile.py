"""National profiles: the shipped files encode the study's facts, and bad files fail clearly.

The Temporal sandbox re-imports this module for :class:`ProfileProbe`: ``domain`` is imported
inside the sandbox on purpose (the profile model must be sandbox-safe); test-only and I/O
modules are passed through.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from temporalio import workflow

from uprflow.domain.profile.model import Profile, add_months
from uprflow.domain.profile.routing import RoutingDecision
from uprflow.domain.profile.stages import STAGE_ORDER
from uprflow.domain.profile.themes import normalise_theme
from uprflow.domain.values import Stage

with workflow.unsafe.imports_passed_through():
    import pytest
    import yaml
    from temporalio.testing import WorkflowEnvironment
    from temporalio.worker import Worker

    from uprflow.profiles import ProfileError, load_profile, parse_profile, shipped_profiles

STUDY_COUNTRIES = ["DK", "GE", "KE", "MY", "MA", "NZ", "PE"]

#: The 54 UPR Info "Issue" tags (sessions 1-20), as in data/upr-info.
UPR_INFO_TAGS = [
    "International instruments",
    "Women's rights",
    "Rights of the Child",
    "Justice",
    "Torture and other CID treatment",
    "Detention",
    "Right to education",
    "Minorities",
    "Labour",
    "Migrants",
    "Death penalty",
    "Human rights education and training",
    "Racial discrimination",
    "Special procedures",
    "NHRI",
    "Trafficking",
    "Disabilities",
    "ESC rights - general",
    "Right to health",
    "Freedom of opinion and expression",
    "Treaty bodies",
    "Technical assistance and cooperation",
    "Freedom of the press",
    "Other",
    "Freedom of religion and belief",
    "Sexual Orientation and Gender Identity",
    "Poverty",
    "Development",
    "Enforced disappearances",
    "Civil society",
    "Indigenous peoples",
    "Freedom of association and peaceful assembly",
    "CP rights - general",
    "Asylum-seekers - refugees",
    "General",
    "National plan of action",
    "Human rights defenders",
    "Human rights violations by state agents",
    "UPR process",
    "International humanitarian law",
    "Impunity",
    "Public security",
    "Right to food",
    "Elections",
    "HIV - Aids",
    "Extrajudicial executions",
    "Right to housing",
    "Corruption",
    "Internally displaced persons",
    "Right to land",
    "Environment",
    "Right to water",
    "Counter-terrorism",
    "Freedom of movement",
]
#: Common OHCHR (UHRI) themes, with the cycle-2 codes and cycle-3 spellings.
OHCHR_THEMES = [
    "Equality & non-discrimination",
    "B31 Equality & non-discrimination",
    "G1 Members of minorities",
    "B32 Racial discrimination",
    "Constitutional & legislative framework",
    "Right to effective remedy & reparations",
    "F31 Children: definition",
    "A42 Institutions & policies - General",
    "A41 Constitutional and legislative framework",
    "Violence against women",
    "A12 Acceptance of international norms",
    "Right to education",
    "Prohibition of slavery, trafficking",
    "Sexual & other forms of gender-based violence",
    "Domestic violence",
    "E51 Right to education - General",
    "Right to health",
    "Right to an adequate standard of living",
    "G4 Migrants",
    "Children: protection against exploitation",
    "Discrimination against women",
    "D6 Rights related to name, identity, nationality",
    "A5 Human rights education, trainings and awareness raising",
    "Human rights education, trainings & awareness raising",
    "E26 Human Rights & drinking water and sanitation",
    "D25 Prohibition of torture and cruel, inhuman or degrading treatment",
    "Business & Human Rights",
    "Budget &resources (for human rights implementation)",
]
UNROUTED = {"General", "Other"}


def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def profiles() -> dict[str, Profile]:
    return {key: load_profile(key) for key in shipped_profiles()}


@pytest.fixture
def default_data() -> dict[str, Any]:
    return _yaml(shipped_profiles()["default"])


def _write(tmp_path: Path, data: dict[str, Any], name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _errors(path: Path) -> ProfileError:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return info.value


# ----------------------------------------------------------------- every shipped profile


def test_a_default_and_every_study_country_is_shipped() -> None:
    shipped = shipped_profiles()
    assert set(shipped) == {"default", *STUDY_COUNTRIES}
    for key, path in shipped.items():
        assert path.is_file()
        assert path.name == ("default.yaml" if key == "default" else f"{key.lower()}.yaml")


@pytest.mark.parametrize("key", ["default", *STUDY_COUNTRIES])
def test_shipped_profile_loads_and_validates(key: str, profiles: dict[str, Profile]) -> None:
    profile = profiles[key]
    assert profile.schema_version == 1
    if key != "default":
        assert profile.country == key
    # the same data validates again from the model's own dump (the Temporal converter's path)
    assert Profile.model_validate(profile.model_dump(mode="json")) == profile
    assert profile.enabled_stages()[0] == Stage.CONSULTATION


@pytest.mark.parametrize("key", ["default", *STUDY_COUNTRIES])
def test_shipped_routing_covers_the_real_theme_names(
    key: str, profiles: dict[str, Profile]
) -> None:
    profile = profiles[key]
    unmatched = [t for t in UPR_INFO_TAGS if profile.route([t]).matched_rule_index is None]
    assert sorted(unmatched) == sorted(UNROUTED)
    assert [t for t in OHCHR_THEMES if profile.route([t]).matched_rule_index is None] == []


@pytest.mark.parametrize("key", STUDY_COUNTRIES)
def test_every_country_file_cites_the_study(key: str) -> None:
    text = shipped_profiles()[key].read_text(encoding="utf-8")
    assert text.count("§") >= 15
    assert "study silent" in text


# ----------------------------------------------------------------- the study's facts


def test_denmark(profiles: dict[str, Profile]) -> None:
    dk = profiles["DK"]
    assert dk.nmrf.chair == dk.nmrf.secretariat == "MFA"
    assert dk.organisation("MFA").kind == "ministry"
    assert "Inter-Ministerial" in dk.nmrf.name
    members = {dk.organisation(c).name for c in dk.nmrf.members}
    assert members == {
        "Ministry of Justice",
        "Ministry of Finance",
        "Ministry of the Interior and Social Affairs",
        "Ministry of Immigration and Integration",
    }
    hearings = dk.stages.consultation.hearings
    assert [h.city for h in hearings] == ["Aarhus", "Aalborg", "Odense", "Roskilde", "Nuuk"]
    nhri = dk.organisations_of_kind("nhri")
    assert [o.name for o in nhri] == ["Danish Institute for Human Rights"]
    assert all(nhri[0].code in h.partners for h in hearings)
    draft = dk.stages.draft_circulation
    assert draft.public_comment and draft.comment_window_days in (30, 31)
    validation = dk.stages.validation
    assert validation.contributors_approve and validation.approval_chain == ("MFA",)
    assert dk.nmrf.submitting_authority == "MFA"


def test_georgia(profiles: dict[str, Profile]) -> None:
    ge = profiles["GE"]
    chair = ge.organisation(ge.nmrf.chair)
    assert (
        chair.name.startswith("Human Rights Inter-Agency Council")
        and "Prime Minister" in chair.name
    )
    pdo = ge.organisations_of_kind("nhri")[0]
    assert pdo.code == "PDO" and "Public Defender" in pdo.name
    v = ge.stages.validation
    assert v.parliament_review and v.parliament_plenary
    assert ge.organisation(v.parliament_committee or "").kind == "parliament_committee"
    assert "PDO" in ge.stages.draft_circulation.commenters  # the national report
    assert "PDO" in ge.stages.midterm.comment_round  # and the mid-term report
    assert ge.stages.midterm.parliament_receives
    assert ge.stages.follow_up.assessments_cover_noted


def test_kenya(profiles: dict[str, Profile]) -> None:
    ke = profiles["KE"]
    assert (
        ke.nmrf.name == "National Committee on International and Regional Human Rights Obligations"
    )
    assert ke.organisation(ke.nmrf.secretariat).name == (
        "Office of the Attorney General and Department of Justice"
    )
    assert ke.nmrf.secretariat_support == ("MFA",)
    assert ke.organisation("KNCHR").kind == "nhri"
    assert ke.organisation("KSC").name == "Kenya Stakeholders' Coalition on the UPR"
    follow_up = ke.stages.follow_up
    assert [c.name for c in follow_up.matrix_clusters] == [
        "Legal and institutional reforms",
        "Civil and political rights",
        "Economic, social and cultural rights",
        "Group rights",
    ]
    assert follow_up.implementation_plan_fields == (
        "action",
        "indicators",
        "responsible_body",
        "partners",
        "timeframe",
    )
    assert ke.cluster(["Women's rights"]) == "Group rights"
    assert ke.cluster(["torture and other CID treatment"]) == "Civil and political rights"
    assert ke.cluster(["Right to water"]) == "Economic, social and cultural rights"
    assert ke.cluster(["Treaty bodies"]) == "Legal and institutional reforms"
    assert ke.cluster(["General"]) is None
    # every real theme name the routing knows falls in one of the four areas
    unclustered = [t for t in UPR_INFO_TAGS + OHCHR_THEMES if ke.cluster([t]) is None]
    assert sorted(unclustered) == sorted(UNROUTED)


def test_malaysia(profiles: dict[str, Profile]) -> None:
    my = profiles["MY"]
    assert my.stages.follow_up.multi_stakeholder_consultations_per_year == 2
    assert my.nmrf.chair == "MFA" and my.organisation("MFA").kind == "ministry"
    assert my.organisation("SUHAKAM").kind == "nhri"
    assert not my.stages.validation.parliament_review
    assert Stage.PARLIAMENTARY_REVIEW not in my.enabled_stages()


def test_morocco(profiles: dict[str, Profile]) -> None:
    ma = profiles["MA"]
    assert "Inter-Ministerial Delegation for Human Rights" in ma.organisation(ma.nmrf.chair).name
    cndh = ma.organisation("CNDH")
    assert cndh.kind == "nhri"
    midterm = ma.stages.midterm
    assert midterm.enabled and "CNDH" in midterm.comment_round
    assert midterm.joint_cso_response_coordinator == "CNDH"


def test_new_zealand(profiles: dict[str, Profile]) -> None:
    nz = profiles["NZ"]
    hearings = nz.stages.consultation.hearings
    assert len(hearings) == 8 and len({h.city for h in hearings}) == 8
    assert all("HRC" in h.partners for h in hearings)
    assert nz.organisation("HRC").kind == "nhri"
    assert nz.stages.draft_circulation.public_comment
    assert nz.stages.decisions.public_comment_on_responses
    assert nz.nmrf.chair == "MFAT"


def test_peru(profiles: dict[str, Profile]) -> None:
    pe = profiles["PE"]
    d = pe.stages.decisions
    assert d.decided_by == "MOJ" == pe.decided_by
    assert d.proposers == "lead_ministry"
    assert d.noted_requires_justification and d.foreign_policy_assessment
    assert pe.organisation(pe.nmrf.foreign_ministry).name == "Ministry of Foreign Affairs"
    assert pe.nmrf.submitting_authority == "MOJ"
    assert pe.stages.validation.approval_chain[-1] == "MOJ"
    assert pe.nmrf.name == "National Human Rights Council"
    assert "National Directorate of Human Rights" in pe.organisation(pe.nmrf.secretariat).name


# ----------------------------------------------------------------- helpers


def test_route_first_match_wins_case_insensitively(profiles: dict[str, Profile]) -> None:
    p = profiles["default"]
    women = p.route(["WOMEN'S RIGHTS"])
    assert women == RoutingDecision(lead="MGE", supporting=("MOJ", "MSA"), matched_rule_index=0)
    # a recommendation with two themes goes to the earlier rule, whatever the theme order
    both = p.route(["International instruments", "women\u2019s rights"])
    assert both.matched_rule_index == 0
    intl = p.route(["international instruments"])
    assert intl.lead == "MFA" and intl.matched_rule_index == len(p.routing.rules) - 1
    # UHRI codes and "and"/"&" variants match the same rule
    assert p.route(["B31 Equality and non-discrimination"]) == p.route(
        ["equality & non-discrimination"]
    )


def test_route_falls_back_to_triage(profiles: dict[str, Profile]) -> None:
    p = profiles["default"]
    for themes in ([], ["General"], ["no such theme"]):
        decision = p.route(themes)
        assert decision == RoutingDecision(lead="SEC", supporting=(), matched_rule_index=None)


def test_normalise_theme() -> None:
    assert (
        normalise_theme(" D25 Prohibition of torture and cruel ")
        == "prohibition of torture & cruel"
    )
    assert normalise_theme("Budget &resources") == "budget & resources"


def test_stage_windows(profiles: dict[str, Profile]) -> None:
    p = profiles["default"]
    review = date(2025, 1, 20)
    assert p.stage_window(Stage.CONSULTATION, review) == (date(2024, 1, 21), date(2024, 7, 19))
    assert p.stage_window("review", review) == (review, date(2025, 1, 23))
    opens, closes = p.stage_window("draft_circulation", review)
    assert (closes - opens).days == p.stages.draft_circulation.duration_days
    with pytest.raises(ValueError, match="not a profile stage"):
        p.stage_window("drafting", review)
    dates = p.key_dates(review)
    assert dates["report_due"] == date(2024, 10, 28)  # 12 weeks before
    assert dates["submissions_due"] < dates["report_due"] < review
    assert review < dates["addendum_due"] < dates["adoption"] < dates["midterm_due"]
    assert dates["midterm_due"] == date(2027, 4, 20)


def test_enabled_stages_in_process_order(profiles: dict[str, Profile]) -> None:
    assert profiles["default"].enabled_stages() == list(STAGE_ORDER)
    my = profiles["MY"].enabled_stages()
    assert my == [s for s in STAGE_ORDER if s is not Stage.PARLIAMENTARY_REVIEW]


def test_organisation_lookup(profiles: dict[str, Profile]) -> None:
    p = profiles["KE"]
    assert p.organisation("KNCHR").name == "Kenya National Commission on Human Rights"
    with pytest.raises(KeyError, match="NOPE"):
        p.organisation("NOPE")


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 11, 15), 27) == date(2027, 2, 15)


def test_digest_identifies_the_content(profiles: dict[str, Profile]) -> None:
    assert profiles["KE"].digest() == load_profile("ke").digest()
    assert profiles["KE"].digest() != profiles["DK"].digest()


@workflow.defn
class ProfileProbe:
    """Uses a profile the way the cycle workflow will: as input, inside the sandbox."""

    @workflow.run
    async def run(self, profile: Profile) -> dict[str, Any]:
        review = date(2025, 1, 20)
        opens, closes = profile.stage_window(Stage.DECISIONS, review)
        return {
            "lead": profile.route(["Women's rights"]).lead,
            "triage": profile.route(["General"]).lead,
            "stages": [s.value for s in profile.enabled_stages()],
            "decisions": [opens.isoformat(), closes.isoformat()],
            "midterm_due": profile.key_dates(review)["midterm_due"].isoformat(),
            "digest": profile.digest(),
        }


async def test_profile_is_usable_inside_the_workflow_sandbox(ts_env: WorkflowEnvironment) -> None:
    ke = load_profile("KE")
    queue = f"profiles-{uuid.uuid4()}"
    async with Worker(ts_env.client, task_queue=queue, workflows=[ProfileProbe]):
        result = await ts_env.client.execute_workflow(
            ProfileProbe.run, ke, id=f"profile-probe-{uuid.uuid4()}", task_queue=queue
        )
    assert result == {
        "lead": "MPSG",
        "triage": "OAG-DOJ",
        "stages": [s.value for s in ke.enabled_stages()],
        "decisions": ["2025-01-22", "2025-03-21"],
        "midterm_due": "2027-04-20",
        "digest": ke.digest(),
    }


# ----------------------------------------------------------------- loading


def test_load_by_country_code_and_path() -> None:
    ke = load_profile("KE")
    assert ke == load_profile("ke") == load_profile(shipped_profiles()["KE"])
    assert load_profile(str(shipped_profiles()["KE"])) == ke


def test_profiles_dir_can_be_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fr.yaml").write_text(
        shipped_profiles()["default"]
        .read_text(encoding="utf-8")
        .replace("country: ZZ", "country: FR", 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("UPRFLOW_PROFILES_DIR", str(tmp_path))
    assert shipped_profiles() == {"FR": tmp_path / "fr.yaml"}
    assert load_profile("fr").country == "FR"
    monkeypatch.setenv("UPRFLOW_PROFILES_DIR", str(tmp_path / "absent"))
    with pytest.raises(ProfileError, match=r"no directory of shipped profiles .*absent"):
        shipped_profiles()


def test_unknown_country_code_lists_the_shipped_ones() -> None:
    with pytest.raises(ProfileError, match=r"no shipped profile for FR .*DK"):
        load_profile("FR")


def test_json_profile(tmp_path: Path, default_data: dict[str, Any]) -> None:
    data = {**default_data, "country": "KE", "country_name": "Kenya (JSON)"}
    path = tmp_path / "ke.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    profile = load_profile(path)
    assert profile.country == "KE" and profile.country_name == "Kenya (JSON)"


def test_missing_file_and_bad_syntax(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nope\.yaml: no such file"):
        load_profile(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("country: [KE\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.yaml: invalid YAML at line"):
        load_profile(bad)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.json: invalid JSON at line 1"):
        load_profile(bad_json)
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="must be a mapping, not empty"):
        load_profile(empty)


# ----------------------------------------------------------------- bad profiles


def test_misspelt_key(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["stages"]["draft_circulation"]["coment_window_days"] = 30
    err = _errors(_write(tmp_path, default_data))
    assert (
        "stages.draft_circulation.coment_window_days",
        "Extra inputs are not permitted",
    ) in err.errors
    assert (
        f"{tmp_path / 'x.yaml'}: stages.draft_circulation.coment_window_days: Extra inputs"
        in str(err)
    )


def test_non_positive_duration(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["stages"]["draft_circulation"]["duration_days"] = 0
    path = _write(tmp_path, default_data)
    err = _errors(path)
    assert str(err).splitlines()[0] == (
        f"{path}: stages.draft_circulation.duration_days: Input should be greater than 0"
    )


def test_unknown_org_in_routing(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["routing"]["rules"][2]["lead"] = "MINX"
    default_data["routing"]["rules"][3]["supporting"] = ["MOJ", "NOPE"]
    err = _errors(_write(tmp_path, default_data))
    assert ("routing.rules.2.lead", "unknown organisation code 'MINX'") in err.errors
    assert ("routing.rules.3.supporting.1", "unknown organisation code 'NOPE'") in err.errors


def test_routing_lead_must_be_a_ministry_or_agency(
    tmp_path: Path, default_data: dict[str, Any]
) -> None:
    default_data["routing"]["rules"][0]["lead"] = "NHRI"
    err = _errors(_write(tmp_path, default_data))
    assert err.errors == [
        ("routing.rules.0.lead", "'NHRI' is a nhri; expected one of: ministry, agency")
    ]


def test_missing_parliament_committee(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["stages"]["validation"]["parliament_review"] = True
    err = _errors(_write(tmp_path, default_data))
    assert err.errors == [
        (
            "stages.validation.parliament_committee",
            "is required when parliament_review is true",
        )
    ]
    default_data["stages"]["validation"]["parliament_committee"] = "MOJ"
    err = _errors(_write(tmp_path, default_data))
    assert err.errors[0][0] == "stages.validation.parliament_committee"
    assert "expected one of: parliament, parliament_committee" in err.errors[0][1]


@pytest.mark.parametrize(
    ("block", "field", "value", "path", "words"),
    [
        (
            "validation",
            "report_due_days",
            -400,
            "stages.consultation.opens_at_days",
            "before the report is due",
        ),
        (
            "decisions",
            "addendum_due_days",
            130,
            "stages.decisions.addendum_due_days",
            "before adoption",
        ),
        ("midterm", "opens_at_days", 100, "stages.midterm.opens_at_days", "after adoption"),
        (
            "consultation",
            "submissions_due_days",
            -50,
            "stages.consultation.submissions_due_days",
            "before the report",
        ),
        ("review", "opens_at_days", 1, "stages.review.opens_at_days", "contain the review date"),
    ],
)
def test_inconsistent_offsets(
    tmp_path: Path,
    default_data: dict[str, Any],
    block: str,
    field: str,
    value: int,
    path: str,
    words: str,
) -> None:
    default_data["stages"][block][field] = value
    err = _errors(_write(tmp_path, default_data))
    assert any(p == path and words in m for p, m in err.errors), err.errors


@pytest.mark.parametrize("code", ["ke", "KEN", "UK", "K1", ""])
def test_bad_country_code(tmp_path: Path, default_data: dict[str, Any], code: str) -> None:
    default_data["country"] = code
    path = _write(tmp_path, default_data)
    err = _errors(path)
    assert [p for p, _ in err.errors] == ["country"]
    assert f"{path}: country: must be an upper-case ISO 3166-1 alpha-2 code" in str(err)


def test_duplicate_org_code_and_bad_kind(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["organisations"].append({"code": "MOJ", "kind": "ministry", "name": "Again"})
    default_data["organisations"].append({"code": "X", "kind": "church", "name": "Bad kind"})
    err = _errors(_write(tmp_path, default_data))
    # a field error stops the whole-profile checks, so the duplicate is reported on the next run
    assert [p for p, _ in err.errors] == ["organisations.19.kind"]


def test_duplicate_org_code(tmp_path: Path, default_data: dict[str, Any]) -> None:
    default_data["organisations"].append({"code": "MOJ", "kind": "ministry", "name": "Again"})
    err = _errors(_write(tmp_path, default_data))
    assert err.errors == [("organisations.18.code", "duplicate code 'MOJ'")]


def test_other_cross_checks(tmp_path: Path, default_data: dict[str, Any]) -> None:
    s = default_data["stages"]
    s["decisions"]["decided_by"] = "MOJ"
    s["midterm"]["joint_cso_response_coordinator"] = "MOJ"
    s["midterm"]["comment_round"] = ["nhri", "ngo"]
    s["draft_circulation"]["commenters"] = ["nhri", "cso"]  # public_comment stays true
    s["follow_up"]["progress_cadence_months"] = 0
    default_data["reminders"]["escalate_to"] = "CSO"
    default_data["routing"]["rules"][1]["themes"].append("women's rights")
    dup = len(default_data["routing"]["rules"][1]["themes"]) - 1
    err = _errors(_write(tmp_path, default_data))
    got = dict(err.errors)
    assert "stages.follow_up.progress_cadence_months" in got
    assert "stages.draft_circulation.commenters" in got
    # model-level checks run only once the field types are right; fix those and look again
    s["follow_up"]["progress_cadence_months"] = 6
    s["draft_circulation"]["commenters"] = ["public", "nhri", "cso"]
    got = dict(_errors(_write(tmp_path, default_data)).errors)
    assert "must match nmrf.decision_authority ('NMRF')" in got["stages.decisions.decided_by"]
    assert (
        "expected one of: nhri, cso_coalition"
        in got["stages.midterm.joint_cso_response_coordinator"]
    )
    assert "neither a role" in got["stages.midterm.comment_round.1"]
    assert "expected one of" in got["reminders.escalate_to"]
    assert "already in rule 0" in got[f"routing.rules.1.themes.{dup}"]


def test_parse_profile_names_the_source() -> None:
    with pytest.raises(ProfileError, match=r"^api: a profile must be a mapping, not list$"):
        parse_profile([], "api")
