"""Poll specs and ballots: parsing each kind, every error code, the canonical content."""

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.conferences.rules import (
    DEPUTY,
    HEAD,
    Answer,
    Ballot,
    Candidate,
    PollKind,
    PollSpec,
    RuleViolation,
    canonical_content,
    parse_ballot,
)

D = Decimal


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


UNITS = [Candidate(k, f"Trung tâm {k}", score=D(90 - k), rank=k) for k in (1, 2, 3, 4, 5)]
SELECT_2_OF_5 = PollSpec(PollKind.SELECTION, UNITS, min_choices=1, max_choices=2)
APPROVE = PollSpec(PollKind.APPROVAL, UNITS[:3])
ELECT = PollSpec(
    PollKind.ELECTION,
    [
        Candidate("h-1", "Trung tâm 1", group=HEAD, unit=1),
        Candidate("h-2", "Trung tâm 2", group=HEAD, unit=2),
        Candidate("d-1", "Trung tâm 1", group=DEPUTY, unit=1),
        Candidate("d-3", "Trung tâm 3", group=DEPUTY, unit=3),
        Candidate("d-4", "Trung tâm 4", group=DEPUTY, unit=4),
    ],
    seats=2,
)


def code_of(spec: PollSpec, content: Any) -> str:
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(spec, content)
    return exc.value.code


def test_selection_ballots() -> None:
    ballot = parse_ballot(SELECT_2_OF_5, {"choices": [3, 1]})
    assert ballot == Ballot(PollKind.SELECTION, choices=frozenset({1, 3}))
    assert parse_ballot(SELECT_2_OF_5, {"choices": ["3", "1"]}) == ballot  # keys match by their text
    assert canonical_content(ballot) == '{"choices":[1,3]}'
    assert ballot.picks == {1, 3}


def test_blank_ballot_in_every_kind() -> None:
    for spec in (SELECT_2_OF_5, APPROVE, ELECT):
        ballot = parse_ballot(spec, {"blank": True})
        assert ballot.blank
        assert ballot.picks == frozenset()
        assert canonical_content(ballot) == '{"blank":true}'


def test_approval_ballots() -> None:
    ballot = parse_ballot(APPROVE, {"answers": {"1": "yes", "2": "no", "3": "abstain"}})
    assert ballot.answers == {1: Answer.YES, 2: Answer.NO, 3: Answer.ABSTAIN}
    assert ballot.picks == {1}
    assert canonical_content(ballot) == '{"answers":{"1":"yes","2":"no","3":"abstain"}}'
    assert parse_ballot(APPROVE, {"answers": {3: "abstain", 1: "yes", 2: "no"}}) == ballot


def test_election_ballots() -> None:
    ballot = parse_ballot(ELECT, {"head": ["h-2"], "deputy": ["d-4", "d-1"]})
    assert ballot.head == {"h-2"}
    assert ballot.deputy == {"d-1", "d-4"}
    assert canonical_content(ballot) == '{"deputy":["d-1","d-4"],"head":["h-2"]}'
    only_deputies = parse_ballot(ELECT, {"deputy": ["d-3"]})  # a missing group is an empty one
    assert only_deputies.head == frozenset()
    assert canonical_content(only_deputies) == '{"deputy":["d-3"],"head":[]}'


@pytest.mark.parametrize(
    ("spec", "content", "code", "message"),
    [
        (SELECT_2_OF_5, {"choices": [1, 2, 3]}, "too_many_choices", "Choose at most 2 units."),
        (SELECT_2_OF_5, {"choices": []}, "too_few_choices", "Choose at least 1 unit."),
        (SELECT_2_OF_5, {"choices": [9]}, "unknown_candidate", "9 is not a candidate in this poll."),
        (SELECT_2_OF_5, {"choices": [1, "1"]}, "duplicate_choice", "Trung tâm 1 is chosen more than once."),
        (SELECT_2_OF_5, {"choices": "1"}, "malformed_ballot", "The ballot is not in the expected form."),
        (SELECT_2_OF_5, {"choices": [True]}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"choices": [1.0]}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"choices": [[1]]}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"choices": [1], "extra": 1}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"blank": False}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"blank": True, "choices": [1]}, "malformed_ballot", None),
        (SELECT_2_OF_5, {"blank": 1}, "malformed_ballot", None),
        (SELECT_2_OF_5, [1, 2], "malformed_ballot", None),
        (SELECT_2_OF_5, None, "malformed_ballot", None),
        (SELECT_2_OF_5, {}, "malformed_ballot", None),
        (APPROVE, {"answers": {"1": "yes", "2": "no"}}, "missing_answer", None),
        (APPROVE, {"answers": {"1": "yes", "2": "no", "3": "maybe"}}, "invalid_answer", None),
        (APPROVE, {"answers": {"1": "yes", "2": "no", "3": None}}, "invalid_answer", None),
        (APPROVE, {"answers": {"1": "yes", 1: "no", "2": "no", "3": "no"}}, "duplicate_choice", None),
        (APPROVE, {"answers": {"1": "yes", "2": "no", "3": "no", "9": "no"}}, "unknown_candidate", None),
        (APPROVE, {"answers": ["1", "yes"]}, "malformed_ballot", None),
        (APPROVE, {"choices": [1]}, "malformed_ballot", None),
        (ELECT, {"head": ["d-1"]}, "wrong_group", "Trung tâm 1 is not a candidate for head."),
        (ELECT, {"deputy": ["h-2"]}, "wrong_group", "Trung tâm 2 is not a candidate for deputy."),
        (ELECT, {"head": ["h-1", "h-2"]}, "too_many_choices", "Choose at most 1 unit as head."),
        (ELECT, {"deputy": ["d-1", "d-3", "d-4"]}, "too_many_choices", "Choose at most 2 units as deputies."),
        (ELECT, {"head": [], "deputy": []}, "too_few_choices", "Choose at least one unit, or cast a blank ballot."),
        (ELECT, {"head": ["h-1"], "deputy": ["d-1"]}, "duplicate_choice", None),  # the same unit twice
        (ELECT, {"deputy": ["d-3", "d-3"]}, "duplicate_choice", None),
        (ELECT, {"head": ["x"]}, "unknown_candidate", None),
        (ELECT, {"chair": ["h-1"]}, "malformed_ballot", None),
        (ELECT, {}, "malformed_ballot", None),
    ],
)
def test_ballot_errors(spec: PollSpec, content: Any, code: str, message: str | None) -> None:
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(spec, content)
    assert exc.value.code == code
    if message is not None:
        assert exc.value.message == message


def test_error_fields_and_numbers() -> None:
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(SELECT_2_OF_5, {"choices": [1, 2, 3]})
    assert exc.value.field == "choices"
    assert exc.value.params == {"max": 2}
    with pytest.raises(RuleViolation) as deputy:
        parse_ballot(ELECT, {"deputy": ["d-1", "d-3", "d-4"]})
    assert deputy.value.field == DEPUTY
    assert deputy.value.as_dict() == {
        "code": "too_many_choices",
        "message": "Choose at most 2 units as deputies.",
        "field": "deputy",
    }


def test_missing_answers_are_named() -> None:
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(APPROVE, {"answers": {"2": "no"}})
    assert exc.value.message == "Answer yes, no or abstain for every candidate (missing: Trung tâm 1, Trung tâm 3)."


def test_selection_minimum_and_singular_maximum() -> None:
    spec = PollSpec(PollKind.SELECTION, UNITS, min_choices=2, max_choices=3)
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(spec, {"choices": [1]})
    assert (exc.value.code, exc.value.message) == ("too_few_choices", "Choose at least 2 units.")
    one = PollSpec(PollKind.SELECTION, UNITS, max_choices=1)
    with pytest.raises(RuleViolation) as single:
        parse_ballot(one, {"choices": [1, 2]})
    assert single.value.message == "Choose at most 1 unit."
    zero = PollSpec(PollKind.SELECTION, UNITS, min_choices=0)
    assert parse_ballot(zero, {"choices": []}).choices == frozenset()  # valid, chooses nobody


def test_approval_yes_limit() -> None:
    spec = PollSpec(PollKind.APPROVAL, UNITS[:3], max_choices=1)
    with pytest.raises(RuleViolation) as exc:
        parse_ballot(spec, {"answers": {"1": "yes", "2": "yes", "3": "no"}})
    assert (exc.value.code, exc.value.message) == ("too_many_choices", "Answer yes for at most 1 unit.")
    assert parse_ballot(spec, {"answers": {"1": "yes", "2": "no", "3": "no"}}).picks == {1}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": PollKind.SELECTION, "candidates": []}, "no_candidates"),
        ({"kind": PollKind.SELECTION, "candidates": [Candidate(1), Candidate("1")]}, "duplicate_candidate"),
        ({"kind": PollKind.SELECTION, "candidates": [Candidate(None)]}, "invalid_candidate"),
        ({"kind": PollKind.SELECTION, "candidates": [Candidate(True)]}, "invalid_candidate"),
        (
            {"kind": PollKind.SELECTION, "candidates": UNITS, "min_choices": 3, "max_choices": 2},
            "invalid_choice_limits",
        ),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "min_choices": 6}, "invalid_choice_limits"),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "max_choices": 0}, "invalid_choice_limits"),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "min_choices": -1}, "invalid_choice_limits"),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "seats": 0}, "invalid_seats"),
        ({"kind": PollKind.APPROVAL, "candidates": UNITS, "max_choices": 0}, "invalid_choice_limits"),
        ({"kind": PollKind.APPROVAL, "candidates": UNITS, "seats": 0}, "invalid_seats"),
        ({"kind": PollKind.ELECTION, "candidates": [Candidate(1, group="chair")]}, "invalid_group"),
        ({"kind": PollKind.ELECTION, "candidates": [Candidate(1, group=DEPUTY)]}, "no_candidates"),
        (
            {"kind": PollKind.ELECTION, "candidates": [Candidate(1, group=HEAD), Candidate(2, group=HEAD, unit=1)]},
            "duplicate_candidate",
        ),
        ({"kind": PollKind.ELECTION, "candidates": [Candidate(1, group=HEAD)], "seats": -1}, "invalid_seats"),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "threshold": "1/2"}, "invalid_threshold"),
        ({"kind": PollKind.SELECTION, "candidates": UNITS, "seats": True}, "invalid_choice_limits"),
    ],
)
def test_invalid_specs(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        PollSpec(**kwargs)
    assert exc.value.code == code


def test_spec_defaults_and_seats() -> None:
    spec = PollSpec("selection", UNITS, max_choices=3)  # type: ignore[arg-type]
    assert spec.kind is PollKind.SELECTION
    assert spec.seats_of("") == 3
    assert PollSpec(PollKind.SELECTION, UNITS).seats_of("") == 5
    assert PollSpec(PollKind.SELECTION, UNITS, max_choices=3, seats=1).seats_of("") == 1
    assert PollSpec(PollKind.APPROVAL, UNITS).seats_of("") is None
    assert ELECT.seats_of(HEAD) == 1
    assert ELECT.seats_of(DEPUTY) == 2
    assert ELECT.groups == (HEAD, DEPUTY)
    assert [c.key for c in ELECT.candidates_of(DEPUTY)] == ["d-1", "d-3", "d-4"]
    assert hash(SELECT_2_OF_5) == hash(PollSpec(PollKind.SELECTION, tuple(UNITS), min_choices=1, max_choices=2))


def test_canonical_content_of_mixed_and_uuid_like_keys() -> None:
    spec = PollSpec(PollKind.SELECTION, [Candidate("b"), Candidate(10), Candidate(2), Candidate("a")])
    ballot = parse_ballot(spec, {"choices": ["b", "a", 10, 2]})
    assert canonical_content(ballot) == '{"choices":[2,10,"a","b"]}'
    assert parse_ballot(spec, json.loads(canonical_content(ballot))) == ballot


@st.composite
def selection_contents(draw: st.DrawFn) -> tuple[PollSpec, dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=8))
    keys = draw(
        st.lists(
            st.integers(0, 50) | st.text("abcxyz", min_size=1, max_size=3),
            min_size=count,
            max_size=count,
            unique_by=str,
        )
    )
    spec = PollSpec(PollKind.SELECTION, [Candidate(k) for k in keys], min_choices=0)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True))
    return spec, {"choices": draw(st.permutations(chosen))}


@settings(max_examples=150, deadline=None)
@given(case=selection_contents(), data=st.data())
def test_canonical_content_is_order_free_and_round_trips(
    case: tuple[PollSpec, dict[str, Any]], data: st.DataObject
) -> None:
    spec, content = case
    ballot = parse_ballot(spec, content)
    text = canonical_content(ballot)
    shuffled = {"choices": data.draw(st.permutations(content["choices"]))}
    assert canonical_content(parse_ballot(spec, shuffled)) == text
    assert parse_ballot(spec, json.loads(text)) == ballot
    assert json.loads(text) == {"choices": json.loads(text)["choices"]}
    assert " " not in text
