"""The tally: worked examples (leading unit, Bằng khen list, approval, election), ties, and properties."""

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.utils import translation
from hypothesis import event, given, settings
from hypothesis import strategies as st

from thidua.conferences.rules import (
    DEPUTY,
    HEAD,
    MORE_THAN_HALF,
    THREE_QUARTERS,
    TWO_THIRDS,
    Ballot,
    Base,
    Candidate,
    Counts,
    Outcome,
    PollKind,
    PollSpec,
    RuleViolation,
    Runoff,
    Threshold,
    TieRule,
    count_ballots,
    explain,
    parse_ballot,
    passes,
    runoff_spec,
    tally,
    tally_from_counts,
)

D = Decimal


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


FIVE = [
    Candidate("A", "Trung tâm A", score=D("95.00"), rank=1),
    Candidate("B", "Trung tâm B", score=D("92.00"), rank=2),
    Candidate("C", "Ban C", score=D("88.50"), rank=3),
    Candidate("D", "Ban D", score=D("85.00"), rank=4),
    Candidate("E", "Trung tâm E", score=None),
]


def ballots(spec: PollSpec, *contents: tuple[Any, int]) -> list[tuple[Ballot, int]]:
    """`(content, n)` → n ballots of weight 1 with that content."""
    return [(parse_ballot(spec, content), 1) for content, n in contents for _ in range(n)]


def test_leading_unit_more_than_half_of_present() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE[:4], max_choices=1)
    cast = ballots(spec, ({"choices": ["A"]}, 7), ({"choices": ["B"]}, 2), ({"blank": True}, 1))
    outcome = tally(spec, cast, present_weight=10, entitled_weight=11)
    assert (outcome.cast, outcome.valid, outcome.blank, outcome.invalid) == (10, 9, 1, 0)
    assert (outcome.base, outcome.base_value, outcome.required) == (Base.PRESENT, 10, 6)
    assert outcome.elected == ("A",)
    assert outcome.runoff == ()
    a = outcome.result("A")
    assert (a.votes, a.share, a.percent, a.passes) == (7, Fraction(7, 10), D("70.0"), True)
    assert [r.key for r in outcome.group().candidates] == ["A", "B", "C", "D"]
    assert explain(outcome) == [
        "Delegates present: weight 10 of 11 entitled.",
        "Ballots cast: weight 10 — valid 9, blank 1, invalid 0.",
        "Base: delegates present, weight 10.",
        "Threshold: more than 1/2 of 10 → at least 6 votes.",
        "Seats to fill: 1.",
        "Trung tâm A: 7 votes (70.0 %) — passes.",
        "Trung tâm B: 2 votes (20.0 %) — does not pass.",
        "Ban C: 0 votes (0.0 %) — does not pass.",
        "Ban D: 0 votes (0.0 %) — does not pass.",
        "Elected: Trung tâm A.",
    ]


def test_nobody_with_a_majority_leaves_the_seat_unfilled() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE[:2], max_choices=1)
    cast = ballots(spec, ({"choices": ["A"]}, 5), ({"choices": ["B"]}, 5))
    outcome = tally(spec, cast, present_weight=10, entitled_weight=11)
    assert outcome.elected == ()
    assert outcome.group().unfilled == 1
    assert explain(outcome)[-2:] == [
        "No unit is elected.",
        "1 seat is left unfilled: too few units passed the threshold.",
    ]


BANG_KHEN = Counts(valid=10, votes={"A": 9, "B": 8, "C": 6, "D": 6, "E": 1})


def test_bang_khen_list_tie_decided_by_the_higher_score() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE, max_choices=3)
    outcome = tally_from_counts(spec, BANG_KHEN, present_weight=10, entitled_weight=11)
    assert outcome.required == 6
    assert outcome.elected == ("A", "B", "C")
    assert outcome.result("C").by_score
    assert not outcome.result("D").elected
    tie = outcome.group().tie
    assert tie is not None
    assert (tie.votes, tie.candidates, tie.seats, tie.by_score, tie.runoff) == (6, ("C", "D"), 1, ("C",), ())
    lines = explain(outcome)
    assert (
        "Tie for the last seat between Ban C and Ban D on 6 votes: decided by the higher ranking score "
        "(88.50 against 85.00)."
    ) in lines
    assert "Elected: Trung tâm A, Trung tâm B, Ban C (on the ranking score)." in lines


def test_bang_khen_list_tie_goes_to_a_runoff() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE, max_choices=3, tie_rule=TieRule.RUNOFF)
    outcome = tally_from_counts(spec, BANG_KHEN, present_weight=10, entitled_weight=11)
    assert outcome.elected == ("A", "B")
    assert outcome.runoffs == (Runoff("", ("C", "D"), 1),)
    assert (outcome.runoff, outcome.runoff_seats) == (("C", "D"), 1)
    assert outcome.result("C").runoff
    assert outcome.group().unfilled == 0
    assert "Tie for the last seat between Ban C and Ban D on 6 votes: a run-off is needed for 1 seat." in explain(
        outcome
    )
    second = runoff_spec(spec, outcome.runoffs[0])
    assert second.kind == PollKind.SELECTION
    assert [c.key for c in second.candidates] == ["C", "D"]
    assert (second.max_choices, second.seats, second.threshold) == (1, 1, MORE_THAN_HALF)


def test_higher_score_with_a_missing_score_still_ties() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE, max_choices=3)
    counts = Counts(valid=10, votes={"A": 8, "B": 8, "D": 7, "E": 7})
    outcome = tally_from_counts(spec, counts, present_weight=10, entitled_weight=10)
    assert outcome.elected == ("A", "B")
    assert outcome.runoff == ("D", "E")
    assert (
        "Tie for the last seat between Ban D and Trung tâm E on 7 votes: the ranking scores do not decide "
        "(85.00 against no score), a run-off is needed for 1 seat."
    ) in explain(outcome)


def test_higher_score_with_equal_scores_still_ties() -> None:
    units = [Candidate(k, score=D(90)) for k in ("x", "y", "z")]
    spec = PollSpec(PollKind.SELECTION, units, max_choices=2, seats=1)
    outcome = tally_from_counts(
        spec, Counts(valid=6, votes={"x": 4, "y": 4, "z": 1}), present_weight=6, entitled_weight=6
    )
    assert outcome.elected == ()
    assert outcome.runoffs == (Runoff("", ("x", "y"), 1),)


def test_higher_score_decides_part_of_the_seats() -> None:
    units = [
        Candidate("p", score=D(99)),
        Candidate("q", score=D(95)),
        Candidate("r", score=D(90)),
        Candidate("s", score=D(90)),
    ]
    spec = PollSpec(PollKind.SELECTION, units, max_choices=3)
    counts = Counts(valid=9, votes={"p": 9, "q": 6, "r": 6, "s": 6})
    outcome = tally_from_counts(spec, counts, present_weight=9, entitled_weight=9)
    tie = outcome.group().tie
    assert tie is not None
    assert (tie.candidates, tie.seats, tie.by_score, tie.runoff, tie.runoff_seats) == (
        ("q", "r", "s"),
        2,
        ("q",),
        ("r", "s"),
        1,
    )
    assert outcome.elected == ("p", "q")
    assert outcome.runoff == ("r", "s")
    assert any(
        "gives a seat to q; r and s remain tied, a run-off is needed for 1 seat" in line for line in explain(outcome)
    )


def test_threshold_over_the_entitled_and_three_quarters() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE[:2], max_choices=1, threshold=TWO_THIRDS, base=Base.ENTITLED)
    outcome = tally_from_counts(spec, Counts(valid=10, votes={"A": 8, "B": 2}), present_weight=10, entitled_weight=11)
    assert (outcome.base_value, outcome.required, outcome.elected) == (11, 8, ("A",))
    quarters = PollSpec(PollKind.SELECTION, FIVE[:2], max_choices=1, threshold=THREE_QUARTERS)
    outcome = tally_from_counts(
        quarters, Counts(valid=10, votes={"A": 7, "B": 3}), present_weight=10, entitled_weight=11
    )
    assert (outcome.required, outcome.elected) == (8, ())
    assert "Threshold: at least 3/4 of 10 → at least 8 votes." in explain(outcome)


def test_valid_base_of_zero_passes_nobody() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE[:2], max_choices=1, base=Base.VALID)
    outcome = tally(spec, ballots(spec, ({"blank": True}, 3)), present_weight=4, entitled_weight=5, invalid_weight=1)
    assert (outcome.base_value, outcome.required, outcome.elected) == (0, None, ())
    assert outcome.result("A").share is None
    lines = explain(outcome)
    assert "Threshold: more than 1/2 of 0 → no candidate can pass." in lines
    assert "Trung tâm A: 0 votes — does not pass." in lines
    assert "Ballots cast: weight 4 — valid 0, blank 3, invalid 1." in lines


def test_approval_with_abstentions_in_the_valid_base() -> None:
    spec = PollSpec(PollKind.APPROVAL, FIVE[:3], base=Base.VALID)
    cast = ballots(
        spec,
        ({"answers": {"A": "yes", "B": "yes", "C": "no"}}, 5),
        ({"answers": {"A": "yes", "B": "abstain", "C": "yes"}}, 2),
        ({"answers": {"A": "no", "B": "abstain", "C": "abstain"}}, 3),
        ({"blank": True}, 1),
    )
    outcome = tally(spec, cast, present_weight=12, entitled_weight=12, invalid_weight=1)
    assert (outcome.valid, outcome.base_value, outcome.required) == (10, 10, 6)
    a, b, c = (outcome.result(k) for k in "ABC")
    assert (a.votes, a.no, a.abstain, a.passes) == (7, 3, 0, True)
    assert (b.votes, b.no, b.abstain, b.passes) == (5, 0, 5, False)  # abstentions count in the base
    assert (c.votes, c.no, c.abstain, c.passes) == (2, 5, 3, False)
    assert outcome.elected == ("A",)
    lines = explain(outcome)
    assert "Trung tâm A: 7 yes, 3 no, 0 abstain (70.0 % yes) — passes." in lines
    assert "Approved: Trung tâm A." in lines


def test_approval_with_a_seat_cap_and_a_tie() -> None:
    spec = PollSpec(PollKind.APPROVAL, FIVE[:4], seats=2, base=Base.VALID)
    counts = Counts(
        valid=10,
        votes={"A": 9, "B": 7, "C": 7, "D": 2},
        no={"A": 1, "B": 3, "C": 3, "D": 8},
    )
    outcome = tally_from_counts(spec, counts, present_weight=10, entitled_weight=10)
    assert outcome.elected == ("A", "B")  # B's score 92 beats C's 88.50
    assert outcome.result("B").by_score
    assert "At most 2 units can be approved." in explain(outcome)
    uncapped = PollSpec(PollKind.APPROVAL, FIVE[:4], base=Base.VALID)
    assert tally_from_counts(uncapped, counts, present_weight=10, entitled_weight=10).elected == ("A", "B", "C")


ELECTION = PollSpec(
    PollKind.ELECTION,
    [
        Candidate("h1", "Trung tâm 1", group=HEAD, unit=1, score=D(95)),
        Candidate("h2", "Trung tâm 2", group=HEAD, unit=2, score=D(90)),
        Candidate("d1", "Trung tâm 1", group=DEPUTY, unit=1, score=D(95)),
        Candidate("d2", "Trung tâm 2", group=DEPUTY, unit=2, score=D(90)),
        Candidate("d3", "Trung tâm 3", group=DEPUTY, unit=3, score=D(85)),
        Candidate("d4", "Trung tâm 4", group=DEPUTY, unit=4, score=D(80)),
    ],
    seats=2,
)


def test_election_head_then_deputies_without_the_head() -> None:
    cast = ballots(
        ELECTION,
        ({"head": ["h1"], "deputy": ["d3", "d4"]}, 6),
        ({"head": ["h2"], "deputy": ["d1", "d3"]}, 3),
        ({"deputy": ["d1", "d4"]}, 1),
    )
    outcome = tally(ELECTION, cast, present_weight=10, entitled_weight=11)
    head, deputy = outcome.groups
    assert head.elected == ("h1",)
    assert outcome.result("d1").votes == 4
    assert outcome.result("d1").excluded
    assert deputy.elected == ("d3", "d4")  # d3: 9, d4: 7 — d1 (4) is the head anyway
    assert outcome.elected == ("h1", "d3", "d4")
    lines = explain(outcome)
    assert lines.index("Head (1 seat):") < lines.index("Elected head: Trung tâm 1.")
    assert "Deputies (2 seats):" in lines
    assert "Elected deputies: Trung tâm 3, Trung tâm 4." in lines


def test_elected_head_does_not_take_a_deputy_seat() -> None:
    counts = Counts(valid=10, votes={"h1": 9, "h2": 1, "d1": 1, "d2": 8, "d3": 7, "d4": 2})
    outcome = tally_from_counts(ELECTION, counts, present_weight=10, entitled_weight=10)
    assert outcome.elected == ("h1", "d2", "d3")
    counts = Counts(valid=10, votes={"h1": 8, "h2": 0, "d1": 0, "d2": 8, "d3": 6, "d4": 6})
    outcome = tally_from_counts(ELECTION, counts, present_weight=10, entitled_weight=10)
    assert outcome.elected == ("h1", "d2", "d3")
    assert outcome.result("d3").by_score


def test_election_deputies_depend_on_the_head_runoff() -> None:
    spec = PollSpec(ELECTION.kind, ELECTION.candidates, seats=2, tie_rule=TieRule.RUNOFF, threshold=Threshold(2, 5))
    counts = Counts(valid=10, votes={"h1": 5, "h2": 5, "d1": 0, "d2": 5, "d3": 8, "d4": 1})
    outcome = tally_from_counts(
        spec,
        counts,
        present_weight=10,
        entitled_weight=10,
    )
    head, deputy = outcome.groups
    assert outcome.runoffs == (Runoff(HEAD, ("h1", "h2"), 1),)
    assert head.elected == ()
    assert deputy.elected == ("d3", "d2")
    assert deputy.depends_on_head  # unit 2 is elected deputy but may still become head
    assert "The deputies depend on the head's run-off: count them again after it." in explain(outcome)


def test_paper_counts_merge_with_electronic_ballots() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE, max_choices=2)
    electronic = ballots(spec, ({"choices": ["A", "B"]}, 4), ({"choices": ["C"]}, 1), ({"blank": True}, 1))
    paper = Counts(valid=3, votes={"A": 3, "C": 2, "B": 1})
    merged = tally(
        spec, electronic, paper=paper, invalid_weight=1, blank_weight_extra=1, present_weight=11, entitled_weight=11
    )
    assert (merged.valid, merged.blank, merged.invalid) == (8, 2, 1)
    assert merged.result("A").votes == 7
    assert count_ballots(spec, electronic) + paper + Counts(invalid=1, blank=1) == Counts(
        valid=8, blank=2, invalid=1, votes={"A": 7, "B": 5, "C": 3}
    )
    same = tally_from_counts(
        spec,
        Counts(valid=8, blank=2, invalid=1, votes={"A": 7, "B": 5, "C": 3}),
        present_weight=11,
        entitled_weight=11,
    )
    assert merged == same


@pytest.mark.parametrize(
    ("spec", "counts", "present", "entitled", "code"),
    [
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=3), 2, 5, "inconsistent_counts"),  # cast > present
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=1, votes={"A": 1}), 6, 5, "inconsistent_counts"),
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=2, votes={"A": 3}), 5, 5, "inconsistent_counts"),
        (
            PollSpec(PollKind.SELECTION, FIVE, max_choices=1),
            Counts(valid=2, votes={"A": 2, "B": 1}),
            5,
            5,
            "inconsistent_counts",
        ),
        (
            PollSpec(PollKind.SELECTION, FIVE, min_choices=2),
            Counts(valid=2, votes={"A": 2, "B": 1}),
            5,
            5,
            "inconsistent_counts",
        ),
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=2, votes={"A": 2}, no={"A": 1}), 5, 5, "inconsistent_counts"),
        (PollSpec(PollKind.APPROVAL, FIVE[:2]), Counts(valid=2, votes={"A": 2, "B": 1}), 5, 5, "inconsistent_counts"),
        (ELECTION, Counts(valid=2, votes={"h1": 2, "h2": 1}), 5, 5, "inconsistent_counts"),
        (ELECTION, Counts(valid=2, votes={"h1": 2, "d1": 1}), 5, 5, "inconsistent_counts"),  # unit 1 on 3 ballots
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=1, votes={"Z": 1}), 5, 5, "unknown_candidate"),
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=-1), 5, 5, "invalid_weight"),
        (PollSpec(PollKind.SELECTION, FIVE), Counts(valid=1, votes={"A": True}), 5, 5, "invalid_weight"),
        (PollSpec(PollKind.SELECTION, FIVE), Counts(), -1, 5, "invalid_weight"),
    ],
)
def test_inconsistent_counts_are_refused(
    spec: PollSpec, counts: Counts, present: int, entitled: int, code: str
) -> None:
    with pytest.raises(RuleViolation) as exc:
        tally_from_counts(spec, counts, present_weight=present, entitled_weight=entitled)
    assert exc.value.code == code


def test_bad_ballot_weights_and_kinds_are_refused() -> None:
    spec = PollSpec(PollKind.SELECTION, FIVE)
    ballot = parse_ballot(spec, {"choices": ["A"]})
    for weight in (0, -1, True):
        with pytest.raises(RuleViolation) as exc:
            count_ballots(spec, [(ballot, weight)])
        assert exc.value.code == "invalid_weight"
    with pytest.raises(RuleViolation) as kind:
        count_ballots(PollSpec(PollKind.APPROVAL, FIVE), [(ballot, 1)])
    assert kind.value.code == "malformed_ballot"


def test_counts_keys_match_by_text() -> None:
    spec = PollSpec(PollKind.SELECTION, [Candidate(1), Candidate(2)], max_choices=1)
    outcome = tally_from_counts(spec, Counts(valid=3, votes={"1": 2, 2: 1}), present_weight=3, entitled_weight=3)
    assert outcome.result(1).votes == 2
    assert outcome.elected == (1,)


# ---- properties ---------------------------------------------------------------------------------

scores = st.sampled_from([None, D(80), D(85), D("90.50"), D(95)])  # few values → ties on score too
# Low thresholds often: more candidates pass than there are seats, so the tie rules get exercised.
thresholds = st.sampled_from(
    [MORE_THAN_HALF, TWO_THIRDS, THREE_QUARTERS, Threshold(1, 3), Threshold(1, 5, strict=True), Threshold(1, 10)]
)


@st.composite
def contents_of(draw: st.DrawFn, spec: PollSpec) -> dict[str, Any]:
    """One valid ballot content for `spec` (sometimes blank)."""
    keys = [c.key for c in spec.candidates]
    if draw(st.integers(0, 6)) == 0:
        return {"blank": True}
    if spec.kind == PollKind.SELECTION:
        chosen = st.lists(st.sampled_from(keys), unique=True, min_size=spec.min_choices, max_size=spec.choice_maximum)
        return {"choices": draw(chosen)}
    if spec.kind == PollKind.APPROVAL:
        answers = {str(k): draw(st.sampled_from(["yes", "no", "abstain"])) for k in keys}
        limit = spec.choice_maximum
        for k in [k for k, a in answers.items() if a == "yes"][limit:] if limit is not None else []:
            answers[k] = "no"
        return {"answers": answers}
    head = draw(st.lists(st.sampled_from([c.key for c in spec.candidates_of(HEAD)]), max_size=1))
    taken = {str(k)[1:] for k in head}
    deputies = [c.key for c in spec.candidates_of(DEPUTY) if str(c.key)[1:] not in taken]
    limit = spec.seats_of(DEPUTY)
    deputy = draw(st.lists(st.sampled_from(deputies), unique=True, max_size=limit)) if deputies else []
    if not head and not deputy:
        return {"blank": True}
    return {"head": head, "deputy": deputy}


@st.composite
def polls(draw: st.DrawFn) -> tuple[PollSpec, list[tuple[dict[str, Any], int]]]:
    """A random poll and valid ballot contents with weights (1–3)."""
    kind = draw(st.sampled_from(list(PollKind)))
    count = draw(st.integers(min_value=1, max_value=6))
    if kind == PollKind.ELECTION:
        heads = draw(st.integers(min_value=1, max_value=3))
        candidates = [Candidate(f"h{i}", group=HEAD, unit=i, score=draw(scores)) for i in range(heads)]
        candidates += [Candidate(f"d{i}", group=DEPUTY, unit=i, score=draw(scores)) for i in range(count)]
        spec = PollSpec(kind, candidates, seats=draw(st.integers(min_value=0, max_value=3)))
    else:
        candidates = [Candidate(i, score=draw(scores)) for i in range(count)]
        maximum = draw(st.integers(min_value=1, max_value=count))
        minimum = draw(st.integers(min_value=0, max_value=maximum))
        seats = draw(st.sampled_from([None, 1, 1, 2]))
        if kind == PollKind.SELECTION:
            spec = PollSpec(kind, candidates, min_choices=minimum, max_choices=maximum, seats=seats)
        else:
            spec = PollSpec(kind, candidates, max_choices=draw(st.none() | st.just(maximum)), seats=seats)
    spec = replace(
        spec,
        threshold=draw(thresholds),
        base=draw(st.sampled_from(list(Base))),
        tie_rule=draw(st.sampled_from(list(TieRule))),
    )
    # A small pool of contents that ballots repeat: candidates chosen together tie on votes.
    pool = [draw(contents_of(spec)) for _ in range(draw(st.integers(min_value=1, max_value=3)))]
    contents = [
        (draw(st.sampled_from(pool)), draw(st.sampled_from([1, 1, 1, 2, 3])))
        for _ in range(draw(st.integers(min_value=0, max_value=10)))
    ]
    return spec, contents


def run(spec: PollSpec, cast: list[tuple[Ballot, int]], invalid: int, extra: tuple[int, int]) -> Outcome:
    present = sum(w for _, w in cast) + invalid + extra[0]
    return tally(spec, cast, invalid_weight=invalid, present_weight=present, entitled_weight=present + extra[1])


extras = st.tuples(st.integers(0, 3), st.integers(0, 3))


@settings(max_examples=150, deadline=None)
@given(poll=polls(), invalid=st.integers(0, 3), extra=extras, data=st.data())
def test_tally_invariants(
    poll: tuple[PollSpec, list[tuple[dict[str, Any], int]]], invalid: int, extra: tuple[int, int], data: st.DataObject
) -> None:
    spec, contents = poll
    cast = [(parse_ballot(spec, content), weight) for content, weight in contents]
    outcome = run(spec, cast, invalid, extra)
    assert outcome.cast == outcome.valid + outcome.blank + outcome.invalid == sum(w for _, w in cast) + invalid
    assert outcome.valid == sum(w for b, w in cast if not b.blank)
    assert outcome.present <= outcome.entitled
    for result in outcome.results:
        assert result.votes <= outcome.valid
        assert result.votes == sum(w for b, w in cast if result.key in b.picks)
        assert result.passes == passes(result.votes, outcome.base_value, spec.threshold)
        if spec.kind == PollKind.APPROVAL:
            assert result.votes + (result.no or 0) + (result.abstain or 0) == outcome.valid
    for group in outcome.groups:
        elected = [r for r in group.candidates if r.elected]
        assert tuple(r.key for r in elected) == group.elected
        assert all(r.passes and not r.excluded for r in elected)
        if group.seats is not None:
            reserved = group.runoff.seats if group.runoff else 0
            assert len(elected) + reserved + group.unfilled == group.seats
        if elected:
            lowest = min(r.votes for r in elected)
            assert all(r.votes <= lowest for r in group.candidates if not r.elected and not r.excluded)
        if group.runoff is not None:
            tied = [r for r in group.candidates if r.runoff]
            assert len({r.votes for r in tied}) == 1
            assert len(tied) > group.runoff.seats >= 1
            assert all(r.passes and not r.elected for r in tied)
        tie = group.tie
        if tie is not None:
            event(f"tie ({tie.rule}): {'by score' if tie.by_score else ''} {'run-off' if tie.runoff else ''}")
        if tie is not None and tie.rule == TieRule.HIGHER_SCORE:
            results = {r.key: r for r in group.candidates}
            tied_scores = [results[k].score for k in tie.candidates]
            if None in tied_scores:
                assert tie.by_score == ()
                assert tie.runoff == tie.candidates
            else:
                losers = [results[k].score for k in tie.candidates if k not in tie.by_score]
                for winner in tie.by_score:
                    assert all(results[winner].score > s for s in losers)  # type: ignore[operator]
                assert len({results[k].score for k in tie.runoff}) <= 1
        if tie is not None and tie.rule == TieRule.RUNOFF:
            assert tie.by_score == ()
            assert tie.runoff == tie.candidates
    # The head of an election never keeps a deputy seat.
    if spec.kind == PollKind.ELECTION:
        head_units = {str(k)[1:] for k in outcome.group(HEAD).elected}
        assert not {str(k)[1:] for k in outcome.group(DEPUTY).elected} & head_units
    # Order does not matter; a weight w is w ballots of weight 1.
    assert run(spec, data.draw(st.permutations(cast)), invalid, extra) == outcome
    unweighted = [(b, 1) for b, w in cast for _ in range(w)]
    assert run(spec, unweighted, invalid, extra) == outcome
    assert all(isinstance(line, str) and line for line in explain(outcome))


@settings(max_examples=100, deadline=None)
@given(poll=polls(), data=st.data())
def test_splitting_ballots_into_electronic_and_paper_counts_changes_nothing(
    poll: tuple[PollSpec, list[tuple[dict[str, Any], int]]], data: st.DataObject
) -> None:
    spec, contents = poll
    cast = [(parse_ballot(spec, content), weight) for content, weight in contents]
    cut = data.draw(st.integers(min_value=0, max_value=len(cast)))
    present = sum(w for _, w in cast)
    whole = tally(spec, cast, present_weight=present, entitled_weight=present)
    split = tally(
        spec, cast[:cut], paper=count_ballots(spec, cast[cut:]), present_weight=present, entitled_weight=present
    )
    assert split == whole


@settings(max_examples=200, deadline=None)
@given(
    votes=st.lists(st.sampled_from([0, 2, 3, 3]), min_size=2, max_size=6),
    tied_scores=st.lists(st.sampled_from([1, 2, 3, 4]), min_size=6, max_size=6),
    missing=st.sampled_from([None, None, None, 0, 1, 2]),  # the unit without a ranking score, if any
    seats=st.integers(min_value=1, max_value=3),
    rule=st.sampled_from(list(TieRule)),
)
def test_tie_rules(votes: list[int], tied_scores: list[int], missing: int | None, seats: int, rule: TieRule) -> None:
    units = [Candidate(i, score=None if i == missing else D(tied_scores[i])) for i in range(len(votes))]
    spec = PollSpec(PollKind.SELECTION, units, min_choices=0, seats=seats, threshold=Threshold(1, 10), tie_rule=rule)
    counts = Counts(valid=3, votes=dict(enumerate(votes)))
    outcome = tally_from_counts(spec, counts, present_weight=3, entitled_weight=3)
    group = outcome.group()
    passing = [r for r in outcome.results if r.passes]
    assert len(group.elected) + (group.runoff.seats if group.runoff else 0) == min(seats, len(passing))
    tie = group.tie
    if tie is None:
        assert group.runoff is None
        return
    event(f"{rule}: {'by score' if tie.by_score else ''} {'run-off' if tie.runoff else ''}")
    results = {r.key: r for r in outcome.results}
    assert {results[k].votes for k in tie.candidates} == {tie.votes}
    assert all(r.votes < tie.votes for r in passing if r.key not in tie.candidates and not r.elected)
    if group.runoff is not None:
        assert group.runoff.candidates == tie.runoff
        assert group.runoff.seats == tie.runoff_seats
    if rule == TieRule.RUNOFF or any(results[k].score is None for k in tie.candidates):
        assert tie.by_score == ()
        assert tie.runoff == tie.candidates
        assert tie.runoff_seats == tie.seats
        return
    # HIGHER_SCORE with every score known: the higher scores win, only an equal score is left to a run-off.
    won = [results[k].score for k in tie.by_score]
    lost = [results[k].score for k in tie.candidates if k not in tie.by_score]
    assert all(w > x for w in won for x in lost)  # type: ignore[operator]
    assert len({results[k].score for k in tie.runoff}) <= 1
    assert all(results[k].score == max(lost) for k in tie.runoff)  # type: ignore[type-var]
    assert len(tie.by_score) + tie.runoff_seats == tie.seats
