"""Eligibility properties (hypothesis) over award histories with gaps, revoked and thematic awards."""

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.awards.eligibility import (
    AwardCode,
    AwardRecord,
    Candidate,
    Initiatives,
    Parameters,
    PastYear,
    ProposalRef,
    RecipientKind,
    Status,
    TaskRating,
    Verdict,
    YearFacts,
    consecutive_count,
    evaluate,
    resolve_parameters,
    run_years,
)

CODES = [code.value for code in AwardCode]
YEARS = st.integers(min_value=2015, max_value=2027)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def reference_count(years: set[int], end: int) -> int:
    """The plain definition: count back from `end` while every year has the award."""
    count = 0
    while end - count in years:
        count += 1
    return count


def reference_run(years: set[int], end: int, max_gap: int) -> list[int]:
    if end not in years:
        return []
    run = [end]
    while True:
        earlier = [y for y in years if run[-1] - max_gap <= y < run[-1]]
        if not earlier:
            return sorted(run)
        run.append(max(earlier))


@given(st.sets(YEARS), YEARS)
def test_consecutive_count_matches_the_definition(years: set[int], end: int) -> None:
    assert consecutive_count(years, end) == reference_count(years, end)
    assert consecutive_count(sorted(years, reverse=True), end) == reference_count(years, end)


@given(st.sets(YEARS), YEARS, st.integers(min_value=1, max_value=4))
def test_runs_with_a_gap_match_the_definition(years: set[int], end: int, max_gap: int) -> None:
    assert list(run_years(years, end, max_gap=max_gap)) == reference_run(years, end, max_gap)


@given(YEARS, st.integers(min_value=3, max_value=8), st.data())
def test_removing_a_year_in_the_middle_breaks_the_run(end: int, length: int, data: st.DataObject) -> None:
    years = set(range(end - length + 1, end + 1))
    assert consecutive_count(years, end) == length
    removed = data.draw(st.integers(min_value=end - length + 2, max_value=end - 1))
    assert consecutive_count(years - {removed}, end) == end - removed


@st.composite
def records(draw: Any, recipients: tuple[str, ...] = ("p", "q")) -> AwardRecord:
    return AwardRecord(
        recipient=draw(st.sampled_from(recipients)),
        award_code=draw(st.sampled_from(CODES)),
        year=draw(YEARS),
        counts_as_history=draw(st.booleans()),
        revoked=draw(st.booleans()),
    )


def optional(strategy: Any) -> Any:
    return st.none() | strategy


INITIATIVES = st.builds(
    Initiatives,
    grassroots=st.integers(0, 2),
    provincial=st.integers(0, 2),
    national=st.integers(0, 1),
)


@st.composite
def facts(draw: Any) -> YearFacts:
    members = draw(st.integers(0, 20))
    completing = draw(st.integers(0, members))
    ldtt = draw(st.integers(0, completing))
    cstdcs = draw(st.integers(0, ldtt))
    disciplined = draw(st.integers(0, members))
    leaders = draw(st.integers(0, 15))
    earlier_years = draw(st.sets(st.integers(2015, 2024), max_size=5))
    return YearFacts(
        task_rating=draw(optional(st.sampled_from(TaskRating))),
        initiatives=draw(optional(INITIATIVES)),
        disciplinary_hold=draw(optional(st.booleans())),
        member_count=draw(optional(st.just(members))),
        members_completing=draw(optional(st.just(completing))),
        members_ldtt=draw(optional(st.just(ldtt))),
        members_cstdcs=draw(optional(st.just(cstdcs))),
        members_disciplined=draw(optional(st.just(disciplined))),
        led_block=draw(optional(st.booleans())),
        block_leaders_in_province=draw(optional(st.just(leaders))),
        government_flag_proposals=draw(optional(st.integers(0, 4))),
        unit_ldtt_count=draw(optional(st.integers(0, 30))),
        unit_cstdcs_proposals=draw(optional(st.integers(0, 5))),
        earlier_years=tuple(
            PastYear(year, draw(optional(st.sampled_from(TaskRating))), draw(optional(INITIATIVES)))
            for year in sorted(earlier_years)
        ),
        proposals=tuple(
            draw(st.lists(st.builds(ProposalRef, award_code=st.sampled_from(CODES), year=YEARS), max_size=3))
        ),
    )


PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        "history_run_end": st.sampled_from(["this_year", "previous_year", "either"]),
        "history_reset_after_award": st.booleans(),
        "cstdcs_rule": st.sampled_from(["excellent_or_initiative", "excellent_and_initiative"]),
        "cstdcs_quota": st.sampled_from([None, "0.15", "0.5"]),
        "government_flag_rounding": st.sampled_from(["down", "up", "nearest"]),
        "cstd_tinh_max_gap": st.integers(1, 4),
    },
)
CASE = {
    "kind": st.sampled_from(RecipientKind),
    "year": st.integers(2024, 2027),
    "code": st.sampled_from(CODES),
    "history": st.lists(records(), max_size=25),
    "facts": facts(),
    "params": PARAMETERS,
}


def run(kind: RecipientKind, year: int, code: str, history: list[AwardRecord], facts: YearFacts, params: Any) -> Any:
    return evaluate(Candidate("p", kind, year), code, history, facts, params)


@settings(max_examples=300, deadline=None)
@given(**CASE)
def test_verdict_follows_the_checks(
    kind: RecipientKind, year: int, code: str, history: list[AwardRecord], facts: YearFacts, params: Any
) -> None:
    report = run(kind, year, code, history, facts, params)
    statuses = [c.status for c in report.checks]
    assert statuses
    assert (report.verdict is Verdict.ELIGIBLE) == all(s is Status.PASS for s in statuses)
    assert (report.verdict is Verdict.INELIGIBLE) == (Status.FAIL in statuses)
    assert [c.rule_id for c in report.checks][:3] == ["recipient_kind", "disciplinary_hold", "one_achievement"]
    for check in report.checks:
        assert check.message
        assert all(r.recipient == "p" and r.counts for r in check.records)


@settings(max_examples=200, deadline=None)
@given(**CASE, extra=st.lists(records(), min_size=1, max_size=5))
def test_revoked_or_thematic_awards_never_change_the_report(
    kind: RecipientKind,
    year: int,
    code: str,
    history: list[AwardRecord],
    facts: YearFacts,
    params: Any,
    extra: list[AwardRecord],
) -> None:
    before = run(kind, year, code, history, facts, params)
    void = [
        AwardRecord(r.recipient, r.award_code, r.year, revoked=True)
        if i % 2
        else AwardRecord(r.recipient, r.award_code, r.year, counts_as_history=False)
        for i, r in enumerate(extra)
    ]
    assert run(kind, year, code, history + void, facts, params) == before


@settings(max_examples=200, deadline=None)
@given(**CASE, seed=st.integers(0, 2**32))
def test_order_of_history_records_does_not_matter(
    kind: RecipientKind, year: int, code: str, history: list[AwardRecord], facts: YearFacts, params: Any, seed: int
) -> None:
    shuffled = list(history)
    random.Random(seed).shuffle(shuffled)
    assert run(kind, year, code, shuffled, facts, params) == run(kind, year, code, history, facts, params)


@settings(max_examples=150, deadline=None)
@given(**CASE, others=st.lists(records(recipients=("q", "r")), max_size=10))
def test_other_recipients_awards_do_not_matter(
    kind: RecipientKind,
    year: int,
    code: str,
    history: list[AwardRecord],
    facts: YearFacts,
    params: Any,
    others: list[AwardRecord],
) -> None:
    assert run(kind, year, code, history + others, facts, params) == run(kind, year, code, history, facts, params)


@settings(max_examples=150, deadline=None)
@given(end=st.integers(2024, 2027), length=st.integers(3, 6), data=st.data())
def test_a_gap_in_the_cstdcs_run_blocks_the_provincial_fighter(end: int, length: int, data: st.DataObject) -> None:
    years = list(range(end - length + 1, end + 1))
    facts = YearFacts(disciplinary_hold=False, initiatives=Initiatives(provincial=1))
    params = {"history_run_end": "this_year"}
    full = [AwardRecord("p", "cstd_co_so", y) for y in years]
    candidate = Candidate("p", RecipientKind.INDIVIDUAL, end)
    assert evaluate(candidate, "cstd_tinh", full, facts, params).verdict is Verdict.ELIGIBLE
    removed = data.draw(st.sampled_from(years[-3:]))  # within the three years that qualify
    gapped = [r for r in full if r.year != removed]
    report = evaluate(candidate, "cstd_tinh", gapped, facts, params)
    assert report.verdict is Verdict.INELIGIBLE
    assert removed not in report.check("cstd_tinh.cstd_co_so_run").evidence["run"]


def test_ten_thousand_candidates_stay_linear() -> None:
    rng = random.Random(5)
    params = resolve_parameters(2025, {"cstdcs_quota": "0.15"})
    assert isinstance(params, Parameters)
    candidates = []
    for i in range(10_000):
        key = f"p{i}"
        history = [AwardRecord(key, rng.choice(CODES[:4]), rng.randint(2018, 2025)) for _ in range(6)]
        facts = YearFacts(
            task_rating=rng.choice(list(TaskRating)),
            initiatives=Initiatives(grassroots=rng.randint(0, 2), provincial=rng.randint(0, 1)),
            disciplinary_hold=False,
        )
        candidates.append((Candidate(key, RecipientKind.INDIVIDUAL, 2025), rng.choice(CODES[:4]), history, facts))
    started = time.perf_counter()
    verdicts = [evaluate(c, code, h, f, params).verdict for c, code, h, f in candidates]
    elapsed = time.perf_counter() - started
    assert set(verdicts) <= set(Verdict)
    assert elapsed < 60  # about 1–3 s on the build machines; generous for a loaded CI
