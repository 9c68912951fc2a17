"""Thresholds, bases and quorum: the worked examples of issue #4 and hypothesis properties."""

from collections.abc import Iterator
from fractions import Fraction

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.conferences.rules import (
    MORE_THAN_HALF,
    THREE_QUARTERS,
    TWO_THIRDS,
    Base,
    RuleViolation,
    Threshold,
    passes,
    quorum_met,
    required_votes,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("base", "threshold", "required"),
    [
        (10, MORE_THAN_HALF, 6),  # 11 member units, 10 present: more than half of those present
        (11, MORE_THAN_HALF, 6),
        (11, TWO_THIRDS, 8),  # at least 2/3 of the 11 entitled (22/3 = 7.33…)
        (10, THREE_QUARTERS, 8),  # at least 3/4 of 10 (7.5)
        (9, TWO_THIRDS, 6),  # exactly 2/3 is enough for "at least"
        (8, THREE_QUARTERS, 6),
        (1, MORE_THAN_HALF, 1),
        (2, MORE_THAN_HALF, 2),
        (10, Threshold(3, 5), 6),
        (10, Threshold(3, 5, strict=True), 7),
        (7, Threshold(1, 1), 7),  # unanimity
    ],
)
def test_worked_examples(base: int, threshold: Threshold, required: int) -> None:
    assert required_votes(base, threshold) == required
    assert passes(required, base, threshold)
    assert not passes(required - 1, base, threshold)


def test_exactly_half_is_not_more_than_half() -> None:
    assert not passes(5, 10, MORE_THAN_HALF)
    assert passes(6, 10, MORE_THAN_HALF)
    assert passes(5, 10, Threshold(1, 2))  # "at least half" does pass


def test_nothing_passes_with_a_base_of_zero() -> None:
    for threshold in (MORE_THAN_HALF, TWO_THIRDS, Threshold(1, 1)):
        assert required_votes(0, threshold) is None
        assert not passes(0, 0, threshold)
        assert not passes(3, 0, threshold)


def test_presets_and_labels() -> None:
    assert Threshold(1, 2, strict=True) == MORE_THAN_HALF
    assert Threshold(2, 3, strict=False) == TWO_THIRDS
    assert Threshold(3, 4, strict=False) == THREE_QUARTERS
    assert MORE_THAN_HALF.label == "more than 1/2"
    assert TWO_THIRDS.label == "at least 2/3"
    assert Base.PRESENT.label == "delegates present"
    assert Base.ENTITLED.label == "all entitled delegates"
    assert Base.VALID.label == "valid ballots"


@pytest.mark.parametrize(
    ("numerator", "denominator", "strict"),
    [(0, 2, False), (3, 2, False), (1, 0, False), (-1, 2, False), (1, 1, True), (True, 2, False)],
)
def test_invalid_thresholds(numerator: int, denominator: int, strict: bool) -> None:
    with pytest.raises(RuleViolation) as exc:
        Threshold(numerator, denominator, strict)
    assert exc.value.code == "invalid_threshold"
    assert exc.value.field == "threshold"


def test_negative_weights_are_refused() -> None:
    for call in (lambda: passes(-1, 10, MORE_THAN_HALF), lambda: required_votes(-1, TWO_THIRDS)):
        with pytest.raises(RuleViolation) as exc:
            call()
        assert exc.value.code == "invalid_weight"


def test_quorum() -> None:
    assert quorum_met(6, 11, MORE_THAN_HALF)
    assert not quorum_met(5, 10, MORE_THAN_HALF)
    assert quorum_met(8, 11, TWO_THIRDS)
    assert not quorum_met(7, 11, TWO_THIRDS)
    assert not quorum_met(0, 0, MORE_THAN_HALF)
    with pytest.raises(RuleViolation) as exc:
        quorum_met(12, 11, MORE_THAN_HALF)
    assert exc.value.code == "inconsistent_counts"
    assert "12" in exc.value.message


@st.composite
def thresholds(draw: st.DrawFn) -> Threshold:
    denominator = draw(st.integers(min_value=1, max_value=12))
    numerator = draw(st.integers(min_value=1, max_value=denominator))
    strict = draw(st.booleans()) if numerator < denominator else False
    return Threshold(numerator, denominator, strict)


bases = st.integers(min_value=0, max_value=500)


@settings(max_examples=300, deadline=None)
@given(base=bases, threshold=thresholds())
def test_required_votes_is_minimal(base: int, threshold: Threshold) -> None:
    required = required_votes(base, threshold)
    if base == 0:
        assert required is None
        return
    assert required is not None
    assert 1 <= required <= base
    assert passes(required, base, threshold)
    assert not passes(required - 1, base, threshold)


@settings(max_examples=300, deadline=None)
@given(votes=st.integers(min_value=0, max_value=500), base=bases, threshold=thresholds())
def test_passes_agrees_with_exact_fractions_and_is_monotone(votes: int, base: int, threshold: Threshold) -> None:
    share = Fraction(threshold.numerator, threshold.denominator)
    expected = base > 0 and (votes > share * base if threshold.strict else votes >= share * base)
    assert passes(votes, base, threshold) == expected
    if passes(votes, base, threshold):
        assert passes(votes + 1, base, threshold)  # more votes never fail
        assert base <= 1 or passes(votes, base - 1, threshold)  # a smaller base never fails
    required = required_votes(base, threshold)
    assert passes(votes, base, threshold) == (required is not None and votes >= required)


@settings(max_examples=100, deadline=None)
@given(present=st.integers(min_value=0, max_value=100), extra=st.integers(min_value=0, max_value=100))
def test_quorum_is_passes_over_the_entitled_weight(present: int, extra: int) -> None:
    entitled = present + extra
    assert quorum_met(present, entitled, MORE_THAN_HALF) == passes(present, entitled, MORE_THAN_HALF)
    assert quorum_met(present, entitled, MORE_THAN_HALF) == (2 * present > entitled)
