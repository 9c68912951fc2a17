"""Eligibility: worked examples per title and form (pass, fail, unknown with the evidence), parameters, rule sets."""

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.utils import translation

from thidua.awards.eligibility import (
    DEFAULT_PARAMETERS,
    LAW_2022,
    PARAMETER_KEYS,
    RULE_SETS,
    AwardCode,
    AwardRecord,
    Candidate,
    EligibilityReport,
    Initiatives,
    Parameters,
    PastYear,
    ProposalRef,
    RecipientKind,
    RuleViolation,
    Status,
    TaskRating,
    Verdict,
    YearFacts,
    check_rule_sets,
    evaluate,
    explain,
    histories_by_recipient,
    rule_set_for,
)

YEAR = 2025
PERSON = Candidate("p1", RecipientKind.INDIVIDUAL, YEAR)
UNIT = Candidate("u1", RecipientKind.COLLECTIVE, YEAR)
CLEAR: dict[str, Any] = {"disciplinary_hold": False}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def awards(code: str, *years: int, recipient: str = "p1", **kwargs: Any) -> list[AwardRecord]:
    return [AwardRecord(recipient, code, year, **kwargs) for year in years]


def person(code: str, history: list[AwardRecord] | None = None, params: Any = None, **facts: Any) -> EligibilityReport:
    return evaluate(PERSON, code, history or [], YearFacts(**{**CLEAR, **facts}), params)


def unit(code: str, history: list[AwardRecord] | None = None, params: Any = None, **facts: Any) -> EligibilityReport:
    return evaluate(UNIT, code, history or [], YearFacts(**{**CLEAR, **facts}), params)


def status(report: EligibilityReport, rule_id: str) -> Status:
    return report.check(rule_id).status


# --- Lao động tiên tiến ----------------------------------------------------------------------------------------


def test_ldtt_passes_with_good_completion() -> None:
    report = person("ldtt", task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.ELIGIBLE
    assert [c.rule_id for c in report.checks] == [
        "recipient_kind",
        "disciplinary_hold",
        "one_achievement",
        "ldtt.task_rating",
    ]
    check = report.check("ldtt.task_rating")
    assert check.evidence == {"task_rating": TaskRating.GOOD, "ldtt_min_rating": TaskRating.GOOD}
    assert str(check.citation) == "Luật Thi đua, khen thưởng 2022, Điều 24, khoản 1, điểm a"


def test_ldtt_fails_on_mere_completion_and_is_unknown_without_a_rating() -> None:
    failing = person("ldtt", task_rating=TaskRating.COMPLETED)
    assert failing.verdict is Verdict.INELIGIBLE
    assert failing.check("ldtt.task_rating").message == (
        "Task rating: completed tasks; needed: completed tasks well or better."
    )
    unknown = person("ldtt")
    assert unknown.verdict is Verdict.UNKNOWN
    assert unknown.check("ldtt.task_rating").evidence == {"task_rating": None, "ldtt_min_rating": TaskRating.GOOD}


def test_task_rating_accepts_its_text() -> None:
    assert YearFacts(task_rating="not completed").task_rating is TaskRating.NOT_COMPLETED  # type: ignore[arg-type]


# --- Chiến sĩ thi đua cơ sở -----------------------------------------------------------------------------------


def test_cstdcs_good_with_an_initiative() -> None:
    report = person("cstd_co_so", task_rating=TaskRating.GOOD, initiatives=Initiatives(grassroots=1))
    assert report.verdict is Verdict.ELIGIBLE
    assert [c.rule_id for c in report.checks][3:] == [
        "cstd_co_so.ldtt",
        "cstd_co_so.excellence",
        "cstd_co_so.quota",
    ]


def test_cstdcs_excellent_without_initiative() -> None:
    assert person("cstd_co_so", task_rating=TaskRating.EXCELLENT, initiatives=Initiatives()).verdict is Verdict.ELIGIBLE


def test_cstdcs_good_without_initiative_fails() -> None:
    report = person("cstd_co_so", task_rating=TaskRating.GOOD, initiatives=Initiatives())
    assert report.verdict is Verdict.INELIGIBLE
    assert status(report, "cstd_co_so.ldtt") is Status.PASS
    assert status(report, "cstd_co_so.excellence") is Status.FAIL


def test_cstdcs_good_with_unknown_initiatives_is_unknown() -> None:
    report = person("cstd_co_so", task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.UNKNOWN
    assert report.check("cstd_co_so.excellence").evidence["initiatives"] is None


def test_cstdcs_needs_the_ldtt_standard_even_with_an_initiative() -> None:
    report = person("cstd_co_so", task_rating=TaskRating.COMPLETED, initiatives=Initiatives(grassroots=2))
    assert report.verdict is Verdict.INELIGIBLE
    assert status(report, "cstd_co_so.ldtt") is Status.FAIL
    assert status(report, "cstd_co_so.excellence") is Status.PASS


def test_cstdcs_ldtt_from_the_registry() -> None:
    history = awards("ldtt", YEAR)
    report = person("cstd_co_so", history, initiatives=Initiatives(grassroots=1))
    check = report.check("cstd_co_so.ldtt")
    assert check.status is Status.PASS
    assert check.records == tuple(history)
    assert report.verdict is Verdict.ELIGIBLE  # an initiative is enough without a rating


def test_cstdcs_draft_amendment_needs_both() -> None:
    params = {"cstdcs_rule": "excellent_and_initiative"}
    assert person("cstd_co_so", params=params, task_rating=TaskRating.EXCELLENT).verdict is Verdict.UNKNOWN
    excellent_only = person("cstd_co_so", params=params, task_rating=TaskRating.EXCELLENT, initiatives=Initiatives())
    assert excellent_only.verdict is Verdict.INELIGIBLE
    both = person("cstd_co_so", params=params, task_rating=TaskRating.EXCELLENT, initiatives=Initiatives(grassroots=1))
    assert both.verdict is Verdict.ELIGIBLE


def test_cstdcs_quota_when_a_province_sets_one() -> None:
    facts: dict[str, Any] = {"task_rating": TaskRating.EXCELLENT}
    params = {"cstdcs_quota": "0.15"}
    assert person("cstd_co_so", **facts).check("cstd_co_so.quota").status is Status.PASS  # no quota by default
    within = person("cstd_co_so", params=params, unit_ldtt_count=20, unit_cstdcs_proposals=2, **facts)
    assert within.check("cstd_co_so.quota").evidence["cap"] == 3
    assert within.verdict is Verdict.ELIGIBLE
    over = person("cstd_co_so", params=params, unit_ldtt_count=20, unit_cstdcs_proposals=3, **facts)
    assert over.verdict is Verdict.INELIGIBLE
    assert person("cstd_co_so", params=params, **facts).check("cstd_co_so.quota").status is Status.UNKNOWN


# --- Chiến sĩ thi đua cấp tỉnh --------------------------------------------------------------------------------

PROVINCIAL_INITIATIVE: dict[str, Any] = {"initiatives": Initiatives(provincial=1)}


def test_cstd_tinh_three_consecutive_ending_this_year() -> None:
    history = awards("cstd_co_so", 2023, 2024, 2025)
    report = person("cstd_tinh", history, **PROVINCIAL_INITIATIVE)
    assert report.verdict is Verdict.ELIGIBLE
    check = report.check("cstd_tinh.cstd_co_so_run")
    assert check.evidence["run"] == (2023, 2024, 2025)
    assert check.records == tuple(history)
    assert check.message == "3 consecutive Grassroots emulation fighter awards (2023–2025); 3 needed."


def test_cstd_tinh_run_may_end_the_year_before() -> None:
    report = person("cstd_tinh", awards("cstd_co_so", 2022, 2023, 2024), **PROVINCIAL_INITIATIVE)
    assert report.verdict is Verdict.ELIGIBLE
    only_this_year = person(
        "cstd_tinh",
        awards("cstd_co_so", 2022, 2023, 2024),
        {"history_run_end": "this_year"},
        **PROVINCIAL_INITIATIVE,
    )
    assert only_this_year.verdict is Verdict.INELIGIBLE


def test_cstd_tinh_a_gap_breaks_the_run() -> None:
    report = person("cstd_tinh", awards("cstd_co_so", 2021, 2022, 2024, 2025), **PROVINCIAL_INITIATIVE)
    assert report.verdict is Verdict.INELIGIBLE
    check = report.check("cstd_tinh.cstd_co_so_run")
    assert check.evidence["run"] == (2024, 2025)
    assert check.message == "Only 2 consecutive Grassroots emulation fighter awards (2024, 2025); 3 needed."


def test_cstd_tinh_revoked_and_thematic_awards_do_not_count() -> None:
    for spoiled in (
        AwardRecord("p1", "cstd_co_so", 2024, revoked=True),
        AwardRecord("p1", "cstd_co_so", 2024, counts_as_history=False),
    ):
        history = [*awards("cstd_co_so", 2023, 2025), spoiled]
        assert person("cstd_tinh", history, **PROVINCIAL_INITIATIVE).verdict is Verdict.INELIGIBLE


def test_cstd_tinh_years_already_used_do_not_count_again() -> None:
    history = [*awards("cstd_co_so", 2020, 2021, 2022, 2023, 2024, 2025), *awards("cstd_tinh", 2022)]
    report = person("cstd_tinh", history, **PROVINCIAL_INITIATIVE)
    check = report.check("cstd_tinh.cstd_co_so_run")
    assert check.status is Status.PASS  # 2023–2025 after the award of 2022
    assert check.evidence["counted_after"] == 2022
    history = [*awards("cstd_co_so", 2022, 2023, 2024, 2025), *awards("cstd_tinh", 2024)]
    assert person("cstd_tinh", history, **PROVINCIAL_INITIATIVE).verdict is Verdict.INELIGIBLE
    relaxed = person("cstd_tinh", history, {"history_reset_after_award": False}, **PROVINCIAL_INITIATIVE)
    assert relaxed.verdict is Verdict.ELIGIBLE


def test_cstd_tinh_waits_for_a_pending_cstdcs_of_the_year() -> None:
    facts: dict[str, Any] = {**PROVINCIAL_INITIATIVE, "proposals": (ProposalRef("cstd_co_so", YEAR, reference=17),)}
    report = person("cstd_tinh", awards("cstd_co_so", 2023, 2024), **facts)
    check = report.check("cstd_tinh.cstd_co_so_run")
    assert check.status is Status.UNKNOWN
    assert check.evidence["pending"] == (ProposalRef("cstd_co_so", YEAR, 17),)
    assert report.verdict is Verdict.UNKNOWN
    assert person("cstd_tinh", awards("cstd_co_so", 2024), **facts).verdict is Verdict.INELIGIBLE


def test_cstd_tinh_initiative_scope() -> None:
    history = awards("cstd_co_so", 2023, 2024, 2025)
    grassroots = person("cstd_tinh", history, initiatives=Initiatives(grassroots=3))
    assert grassroots.check("cstd_tinh.initiative").status is Status.FAIL
    assert person("cstd_tinh", history).check("cstd_tinh.initiative").status is Status.UNKNOWN
    national = person("cstd_tinh", history, initiatives=Initiatives(national=1))
    assert national.verdict is Verdict.ELIGIBLE  # a wider scope counts
    earlier = person(
        "cstd_tinh",
        history,
        initiatives=Initiatives(),
        earlier_years=(PastYear(2023, initiatives=Initiatives(provincial=1)),),
    )
    assert earlier.verdict is Verdict.ELIGIBLE
    too_early = person(
        "cstd_tinh",
        history,
        initiatives=Initiatives(),
        earlier_years=(PastYear(2022, initiatives=Initiatives(provincial=1)),),
    )
    assert too_early.verdict is Verdict.INELIGIBLE


# --- Chiến sĩ thi đua toàn quốc -------------------------------------------------------------------------------


def test_cstd_toan_quoc_two_consecutive_provincial_awards() -> None:
    national: dict[str, Any] = {"initiatives": Initiatives(national=1)}
    report = person("cstd_toan_quoc", awards("cstd_tinh", 2022, 2025), **national)
    assert report.verdict is Verdict.ELIGIBLE
    assert report.check("cstd_toan_quoc.cstd_tinh_run").evidence["run"] == (2022, 2025)
    assert person("cstd_toan_quoc", awards("cstd_tinh", 2021, 2025), **national).verdict is Verdict.INELIGIBLE
    assert person("cstd_toan_quoc", awards("cstd_tinh", 2025), **national).verdict is Verdict.INELIGIBLE
    widened = person("cstd_toan_quoc", awards("cstd_tinh", 2021, 2025), {"cstd_tinh_max_gap": 4}, **national)
    assert widened.verdict is Verdict.ELIGIBLE
    provincial_only = person("cstd_toan_quoc", awards("cstd_tinh", 2022, 2025), initiatives=Initiatives(provincial=2))
    assert provincial_only.check("cstd_toan_quoc.initiative").status is Status.FAIL


# --- Tập thể lao động tiên tiến / xuất sắc ---------------------------------------------------------------------

ADVANCED: dict[str, Any] = {
    "task_rating": TaskRating.GOOD,
    "member_count": 10,
    "members_completing": 10,
    "members_ldtt": 6,
    "members_disciplined": 0,
}


def test_ttldtt_more_than_half() -> None:
    report = unit("ttldtt", **ADVANCED)
    assert report.verdict is Verdict.ELIGIBLE
    check = report.check("ttldtt.ldtt_share")
    assert check.evidence == {"members_ldtt": 6, "member_count": 10, "ttldtt_ldtt_share": Fraction(1, 2)}
    assert (
        check.message
        == "6 of 10 members are Advanced labourers (60 %); needed: more than 50 % of members are Advanced labourers."
    )


def test_ttldtt_exactly_half_is_not_enough() -> None:
    report = unit("ttldtt", **{**ADVANCED, "members_ldtt": 5})
    assert report.verdict is Verdict.INELIGIBLE
    assert report.failed[0].rule_id == "ttldtt.ldtt_share"


def test_ttldtt_a_member_disciplined() -> None:
    report = unit("ttldtt", **{**ADVANCED, "members_disciplined": 1})
    assert report.check("ttldtt.no_discipline").status is Status.FAIL
    assert report.verdict is Verdict.INELIGIBLE


def test_ttldtt_unknown_counts() -> None:
    report = unit("ttldtt", task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.UNKNOWN
    assert {c.rule_id for c in report.unknown} == {"ttldtt.ldtt_share", "ttldtt.no_discipline"}
    assert report.check("ttldtt.ldtt_share").evidence["member_count"] is None


def test_ttldtt_with_no_members_fails() -> None:
    report = unit("ttldtt", task_rating=TaskRating.GOOD, member_count=0, members_ldtt=0, members_disciplined=0)
    assert report.check("ttldtt.ldtt_share").status is Status.FAIL


EXCELLENT: dict[str, Any] = {
    "task_rating": TaskRating.EXCELLENT,
    "member_count": 10,
    "members_completing": 10,
    "members_ldtt": 7,
    "members_cstdcs": 1,
}


def test_ttldxs_worked_example() -> None:
    report = unit("ttldxs", **EXCELLENT)
    assert report.verdict is Verdict.ELIGIBLE
    assert [c.rule_id for c in report.checks][3:] == [
        "ttldxs.task_rating",
        "ttldxs.all_completing",
        "ttldxs.ldtt_share",
        "ttldxs.cstd_co_so",
    ]
    assert str(report.check("ttldxs.ldtt_share").citation) == "Luật Thi đua, khen thưởng 2022, Điều 27, khoản 1, điểm c"


@pytest.mark.parametrize(
    ("change", "rule_id"),
    [
        ({"task_rating": TaskRating.GOOD}, "ttldxs.task_rating"),
        ({"members_completing": 9}, "ttldxs.all_completing"),
        ({"members_ldtt": 6}, "ttldxs.ldtt_share"),
        ({"members_cstdcs": 0}, "ttldxs.cstd_co_so"),
    ],
)
def test_ttldxs_each_condition_can_fail(change: dict[str, Any], rule_id: str) -> None:
    report = unit("ttldxs", **{**EXCELLENT, **change})
    assert report.verdict is Verdict.INELIGIBLE
    assert [c.rule_id for c in report.failed] == [rule_id]


def test_ttldxs_seventy_percent_is_exact() -> None:
    facts: dict[str, Any] = {**EXCELLENT, "member_count": 100, "members_completing": 100, "members_ldtt": 69}
    assert unit("ttldxs", **facts).verdict is Verdict.INELIGIBLE
    assert unit("ttldxs", **{**facts, "members_ldtt": 70}).verdict is Verdict.ELIGIBLE


def test_inconsistent_member_counts_are_refused() -> None:
    with pytest.raises(RuleViolation) as caught:
        YearFacts(member_count=5, members_ldtt=6)
    assert caught.value.code == "inconsistent_facts"
    assert caught.value.field == "members_ldtt"
    with pytest.raises(RuleViolation) as caught:
        YearFacts(members_ldtt=3, members_cstdcs=4)
    assert caught.value.code == "inconsistent_facts"
    with pytest.raises(RuleViolation) as caught:
        YearFacts(member_count=-1)
    assert caught.value.code == "invalid_fact"
    with pytest.raises(RuleViolation) as caught:
        YearFacts(task_rating="brilliant")  # type: ignore[arg-type]
    assert caught.value.code == "invalid_fact"
    with pytest.raises(RuleViolation) as caught:
        YearFacts(earlier_years=(PastYear(2024), PastYear(2024)))
    assert caught.value.code == "inconsistent_facts"


# --- Flags ----------------------------------------------------------------------------------------------------


def test_provincial_flag_leading_the_block_is_necessary_not_sufficient() -> None:
    report = unit("co_tinh", led_block=True)
    assert report.verdict is Verdict.ELIGIBLE
    assert "necessary, not sufficient" in report.check("co_tinh.led_block").message
    assert unit("co_tinh", led_block=False).verdict is Verdict.INELIGIBLE
    unknown = unit("co_tinh")
    assert unknown.verdict is Verdict.UNKNOWN
    assert unknown.check("co_tinh.led_block").evidence == {"led_block": None}


def test_government_flag_cap_counts_the_proposals_already_made() -> None:
    within = unit("co_chinh_phu", led_block=True, block_leaders_in_province=12, government_flag_proposals=1)
    assert within.verdict is Verdict.ELIGIBLE
    quota = within.check("co_chinh_phu.quota")
    assert quota.evidence["cap"] == 2
    assert quota.message == "Cap: 20 % of 12 block leaders = 2 proposals; 1 already counted."
    full = unit("co_chinh_phu", led_block=True, block_leaders_in_province=12, government_flag_proposals=2)
    assert full.verdict is Verdict.INELIGIBLE
    assert full.failed[0].rule_id == "co_chinh_phu.quota"


def test_government_flag_cap_rounding() -> None:
    facts: dict[str, Any] = {"led_block": True, "block_leaders_in_province": 4, "government_flag_proposals": 0}
    assert unit("co_chinh_phu", **facts).verdict is Verdict.INELIGIBLE  # 20 % of 4 = 0.8 → 0
    assert unit("co_chinh_phu", params={"government_flag_rounding": "up"}, **facts).verdict is Verdict.ELIGIBLE
    assert unit("co_chinh_phu", params={"government_flag_rounding": "nearest"}, **facts).verdict is Verdict.ELIGIBLE
    assert unit("co_chinh_phu", params={"government_flag_share": Decimal("0.25")}, **facts).verdict is Verdict.ELIGIBLE


def test_government_flag_needs_the_block_and_the_counts() -> None:
    report = unit("co_chinh_phu", led_block=False, block_leaders_in_province=10)
    assert status(report, "co_chinh_phu.led_block") is Status.FAIL
    assert status(report, "co_chinh_phu.quota") is Status.UNKNOWN
    assert report.verdict is Verdict.INELIGIBLE


# --- Bằng khen, Giấy khen -------------------------------------------------------------------------------------


def test_provincial_merit_by_two_consecutive_cstdcs() -> None:
    report = person("bang_khen_tinh", awards("cstd_co_so", 2024, 2025), task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.ELIGIBLE
    assert (
        person(
            "bang_khen_tinh",
            awards("cstd_co_so", 2023, 2025),
            task_rating=TaskRating.GOOD,
            initiatives=Initiatives(),
            earlier_years=(PastYear(2024, TaskRating.GOOD),),
        ).verdict
        is Verdict.INELIGIBLE
    )


def test_provincial_merit_by_excellent_years_with_initiatives() -> None:
    earlier = (PastYear(2024, TaskRating.EXCELLENT, Initiatives(grassroots=1)),)
    report = person(
        "bang_khen_tinh", task_rating=TaskRating.EXCELLENT, initiatives=Initiatives(grassroots=1), earlier_years=earlier
    )
    assert report.verdict is Verdict.ELIGIBLE
    check = report.check("bang_khen_tinh.individual")
    assert check.evidence["excellent_years"] == (2024, 2025)
    assert check.evidence["initiatives_in_run"] == 2
    one_initiative = person(
        "bang_khen_tinh",
        task_rating=TaskRating.EXCELLENT,
        initiatives=Initiatives(),
        earlier_years=(*earlier, PastYear(2023, TaskRating.GOOD, Initiatives())),
    )
    assert one_initiative.verdict is Verdict.INELIGIBLE


def test_provincial_merit_unknown_when_earlier_years_are_missing() -> None:
    report = person("bang_khen_tinh", task_rating=TaskRating.EXCELLENT, initiatives=Initiatives(grassroots=2))
    assert report.verdict is Verdict.UNKNOWN  # 2024 not known; no CSTĐCS run either
    assert report.check("bang_khen_tinh.individual").evidence["excellent_years"] == (2025,)


def test_forms_whose_criteria_are_not_encoded_are_unknown() -> None:
    for code, candidate in (("bang_khen_tinh", UNIT), ("bang_khen_ttg", PERSON), ("giay_khen", UNIT)):
        report = evaluate(candidate, code, [], YearFacts(disciplinary_hold=False))
        assert report.verdict is Verdict.UNKNOWN
        assert [c.status for c in report.checks][:3] == [Status.PASS] * 3


# --- Generic rules --------------------------------------------------------------------------------------------


def test_disciplinary_hold_blocks_any_proposal() -> None:
    report = evaluate(PERSON, "ldtt", [], YearFacts(task_rating=TaskRating.EXCELLENT, disciplinary_hold=True))
    assert report.verdict is Verdict.INELIGIBLE
    assert report.failed[0].rule_id == "disciplinary_hold"
    unknown = evaluate(PERSON, "ldtt", [], YearFacts(task_rating=TaskRating.EXCELLENT))
    assert unknown.verdict is Verdict.UNKNOWN
    assert unknown.check("disciplinary_hold").evidence == {"disciplinary_hold": None}


def test_one_achievement_earns_one_award() -> None:
    already = awards("ldtt", YEAR, decision_date=date(2026, 1, 20))
    report = person("ldtt", already, task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.INELIGIBLE
    assert report.check("one_achievement").records == tuple(already)
    proposed = person("ldtt", task_rating=TaskRating.GOOD, proposals=(ProposalRef("ldtt", YEAR),))
    assert proposed.check("one_achievement").status is Status.FAIL
    # another year, another title, another person, a revoked award: no conflict
    others = [
        *awards("ldtt", YEAR - 1),
        *awards("cstd_co_so", YEAR),
        *awards("ldtt", YEAR, recipient="p2"),
        *awards("ldtt", YEAR, revoked=True),
    ]
    report = person("ldtt", others, task_rating=TaskRating.GOOD, proposals=(ProposalRef("ldtt", YEAR + 1),))
    assert report.verdict is Verdict.ELIGIBLE


def test_same_achievement_groups() -> None:
    facts: dict[str, Any] = {"led_block": True, "block_leaders_in_province": 10, "government_flag_proposals": 0}
    history = awards("co_tinh", YEAR, recipient="u1")
    assert unit("co_chinh_phu", history, **facts).verdict is Verdict.ELIGIBLE
    grouped = unit("co_chinh_phu", history, {"same_achievement_groups": [["co_tinh", "co_chinh_phu"]]}, **facts)
    assert grouped.verdict is Verdict.INELIGIBLE
    assert grouped.check("one_achievement").evidence["codes"] == ["co_chinh_phu", "co_tinh"]


def test_recipient_kind() -> None:
    report = unit("ldtt", task_rating=TaskRating.GOOD)
    assert report.verdict is Verdict.INELIGIBLE
    assert [c.rule_id for c in report.checks] == ["recipient_kind", "disciplinary_hold", "one_achievement"]
    assert evaluate(PERSON, "co_tinh", [], YearFacts(led_block=True)).check("recipient_kind").status is Status.FAIL


# --- Bad input, parameters, rule sets, explanation -------------------------------------------------------------


def test_bad_input() -> None:
    with pytest.raises(RuleViolation) as caught:
        evaluate(PERSON, "huan_chuong", [])
    assert (caught.value.code, caught.value.field) == ("unknown_award", "award_code")
    with pytest.raises(RuleViolation) as caught:
        evaluate(PERSON, "ldtt", [], year=2024)
    assert caught.value.code == "year_mismatch"
    with pytest.raises(RuleViolation) as caught:
        evaluate(Candidate("p1", RecipientKind.INDIVIDUAL, 2023), "ldtt", [])
    assert caught.value.code == "no_rule_set"
    with pytest.raises(RuleViolation) as caught:
        Candidate("p1", "household", 2025)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_fact"
    assert Candidate("p1", "individual", 2025).kind is RecipientKind.INDIVIDUAL  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ttldxs_ldtt_share", "1.5"),
        ("ttldxs_ldtt_share", "seventy"),
        ("ttldxs_ldtt_share", True),
        ("government_flag_share", -0.1),
        ("cstd_tinh_consecutive", 0),
        ("cstd_tinh_consecutive", "2.5"),
        ("cstd_tinh_consecutive", True),
        ("history_run_end", "someday"),
        ("ldtt_min_rating", "great"),
        ("history_reset_after_award", "yes"),
        ("same_achievement_groups", "co_tinh"),
        ("cstd_tinh_initiative_scope", "galactic"),
    ],
)
def test_invalid_parameters(key: str, value: Any) -> None:
    with pytest.raises(RuleViolation) as caught:
        person("ldtt", params={key: value}, task_rating=TaskRating.GOOD)
    assert (caught.value.code, caught.value.field) == ("invalid_parameter", key)


def test_parameters_parse_the_catalogue_values() -> None:
    values = {
        "ttldxs_ldtt_share": Decimal("0.70"),
        "ttldtt_ldtt_share": 0.5,
        "government_flag_share": "0.2",
        "cstd_tinh_consecutive": Decimal(3),
        "cstdcs_quota": None,
        "collective_multiplier": 2,  # another helper's key: ignored
    }
    assert Parameters().with_values(values) == Parameters()
    assert Parameters().with_values({"cstdcs_quota": "0.15"}).cstdcs_quota == Fraction(3, 20)
    assert Parameters().with_values(DEFAULT_PARAMETERS) == Parameters()
    assert set(DEFAULT_PARAMETERS) == set(PARAMETER_KEYS)
    assert DEFAULT_PARAMETERS["ttldxs_ldtt_share"] == "0.7"
    assert DEFAULT_PARAMETERS["cstd_tinh_consecutive"] == 3
    assert DEFAULT_PARAMETERS["cstdcs_quota"] is None


def test_parameters_change_the_explanation() -> None:
    report = unit("ttldxs", params={"ttldxs_ldtt_share": "0.8"}, **{**EXCELLENT, "members_ldtt": 8})
    assert report.verdict is Verdict.ELIGIBLE
    assert "at least 80 %" in report.check("ttldxs.ldtt_share").explanation
    assert report.parameters.ttldxs_ldtt_share == Fraction(4, 5)


def test_rule_sets_by_year() -> None:
    assert rule_set_for(2024) is LAW_2022
    assert rule_set_for(2031) is LAW_2022
    check_rule_sets(RULE_SETS)
    amended = LAW_2022.derive(
        id="law_2022_amended",
        first_year=2027,
        basis="Luật sửa đổi (dự thảo)",
        defaults={"cstdcs_rule": "excellent_and_initiative"},
    )
    sets = (replace(LAW_2022, last_year=2026), amended)
    check_rule_sets(sets)
    assert rule_set_for(2026, sets).id == "law_2022"
    assert rule_set_for(2027, sets) is amended
    facts = YearFacts(task_rating=TaskRating.EXCELLENT, initiatives=Initiatives(), disciplinary_hold=False)
    assert evaluate(PERSON, "cstd_co_so", [], facts).verdict is Verdict.ELIGIBLE
    later = Candidate("p1", RecipientKind.INDIVIDUAL, 2027)
    report = evaluate(later, "cstd_co_so", [], facts, rule_set=rule_set_for(2027, sets))
    assert report.verdict is Verdict.INELIGIBLE
    assert report.rule_set == "law_2022_amended"
    with pytest.raises(RuleViolation) as caught:
        check_rule_sets((LAW_2022, amended))
    assert caught.value.code == "rule_sets_overlap"
    dropped = amended.derive(id="x", first_year=2030, drop=["cstd_co_so.quota"])
    assert "cstd_co_so.quota" not in [r.id for r in dropped.rules]
    with pytest.raises(RuleViolation) as caught:
        check_rule_sets((dropped.derive(id="y", first_year=2030, add_rules=[LAW_2022.rule("one_achievement")]),))
    assert caught.value.code == "duplicate_rule"


def test_every_award_has_cited_explained_rules() -> None:
    ids = [rule.id for rule in LAW_2022.rules]
    assert len(ids) == len(set(ids))
    for rule in LAW_2022.rules:
        assert str(rule.citation)
        assert str(rule.explanation) % Parameters().text_values()
    for code in AwardCode:
        for kind in LAW_2022.recipients[code]:
            specific = [r for r in LAW_2022.rules_for(code, kind) if r.award_codes]
            assert specific, (code, kind)


def test_explain_in_words() -> None:
    report = person("cstd_tinh", awards("cstd_co_so", 2021, 2022, 2024, 2025), initiatives=Initiatives(provincial=1))
    lines = explain(report)
    assert lines[0] == "Provincial emulation fighter for 2025: not eligible — 1 condition is not met."
    assert lines[1].startswith("Rules in force: Luật Thi đua, khen thưởng số 06/2022/QH15")
    assert lines[5] == (
        "Not met: Only 2 consecutive Grassroots emulation fighter awards (2024, 2025); 3 needed. "
        "Source: Luật Thi đua, khen thưởng 2022, Điều 22, khoản 1, điểm a (to be confirmed)."
    )
    assert len(lines) == 2 + len(report.checks)
    eligible = explain(person("ldtt", task_rating=TaskRating.GOOD), with_rules=True)
    assert eligible[0] == "Advanced labourer for 2025: eligible — every condition the system checks is met."
    assert eligible[-1] == "The council still judges the criteria the system cannot check."
    assert eligible[-2].endswith("taking part in the movements is judged by the unit.")
    unknown = explain(person("ldtt"))
    assert unknown[0] == "Advanced labourer for 2025: undetermined — 1 condition cannot be checked from the data given."


def test_explain_translates() -> None:
    with translation.override("vi"):
        lines = explain(person("ldtt", task_rating=TaskRating.GOOD))
    assert len(lines) == 7  # headline, basis, 4 checks, reminder — whatever the catalogue's state


def test_histories_by_recipient_for_batches() -> None:
    records = [*awards("cstd_co_so", 2023, 2024, 2025), *awards("cstd_co_so", 2025, recipient="p2")]
    split = histories_by_recipient(records)
    assert set(split) == {"p1", "p2"}
    assert evaluate(PERSON, "cstd_tinh", split["p1"], YearFacts(**CLEAR, **PROVINCIAL_INITIATIVE)).verdict is (
        Verdict.ELIGIBLE
    )
