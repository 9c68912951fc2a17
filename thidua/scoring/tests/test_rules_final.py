"""Final score of a unit from its reviews: each rule on worked examples, and order independence."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import FinalRule, Review, RuleViolation, final_score, final_scores_cents, from_cents, to_cents

D = Decimal
REVIEWS = [
    Review("A", D(90)),
    Review("B", D("95.5"), is_head=True),
    Review("C", D(80)),
    Review("D", D(107)),  # with a +10 flag bonus
]


def test_head_rule_takes_the_heads_review() -> None:
    assert final_score(REVIEWS, rule=FinalRule.HEAD) == D("95.50")


def test_head_rule_without_a_head_review_is_none() -> None:
    assert final_score([Review("A", D(90))], rule=FinalRule.HEAD) is None


def test_mean() -> None:
    assert final_score(REVIEWS, rule=FinalRule.MEAN) == D("93.13")  # 372.5 / 4 = 93.125 → half up


def test_trimmed_mean_drops_one_highest_and_one_lowest() -> None:
    assert final_score(REVIEWS, rule=FinalRule.TRIMMED_MEAN) == D("92.75")  # (90 + 95.5) / 2


def test_trimmed_mean_falls_back_to_mean_below_three_reviews() -> None:
    assert final_score(REVIEWS[:2], rule=FinalRule.TRIMMED_MEAN) == D("92.75")
    assert final_score(REVIEWS[:1], rule=FinalRule.TRIMMED_MEAN) == D("90.00")


def test_trimmed_mean_drops_only_one_of_equal_extremes() -> None:
    reviews = [Review(i, D(t)) for i, t in enumerate([80, 80, 90, 100, 100])]
    assert final_score(reviews, rule=FinalRule.TRIMMED_MEAN) == D("90.00")  # (80 + 90 + 100) / 3


def test_median_odd_and_even() -> None:
    assert final_score(REVIEWS, rule=FinalRule.MEDIAN) == D("92.75")
    assert final_score(REVIEWS[:3], rule=FinalRule.MEDIAN) == D("90.00")


def test_mean_rounds_half_up() -> None:
    reviews = [Review("A", D("90.01")), Review("B", D("90.00"))]
    assert final_score(reviews, rule=FinalRule.MEAN) == D("90.01")  # 90.005


@pytest.mark.parametrize("rule", list(FinalRule))
def test_no_reviews_is_none(rule: FinalRule) -> None:
    assert final_score([], rule=rule) is None


def test_a_reviewer_reviews_once_and_there_is_one_head() -> None:
    with pytest.raises(RuleViolation) as exc:
        final_score([Review("A", D(1)), Review("A", D(2))], rule=FinalRule.MEAN)
    assert exc.value.code == "duplicate_review"
    with pytest.raises(RuleViolation) as heads:
        final_score([Review("A", D(1), is_head=True), Review("B", D(2), is_head=True)], rule=FinalRule.HEAD)
    assert heads.value.code == "multiple_head_reviews"


totals = st.lists(st.decimals(min_value=0, max_value=130, places=2, allow_nan=False), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(totals=totals, rule=st.sampled_from(list(FinalRule)), data=st.data())
def test_final_score_is_independent_of_order_and_within_range(
    totals: list[Decimal], rule: FinalRule, data: st.DataObject
) -> None:
    head = data.draw(st.integers(min_value=0, max_value=len(totals) - 1))
    reviews = [Review(f"r{i}", t, is_head=i == head) for i, t in enumerate(totals)]
    result = final_score(reviews, rule=rule)
    assert result is not None
    assert min(totals) <= result <= max(totals)
    assert result.as_tuple().exponent == -2
    shuffled = data.draw(st.permutations(reviews))
    assert final_score(shuffled, rule=rule) == result
    if rule == FinalRule.HEAD:
        assert result == totals[head]


@settings(max_examples=100, deadline=None)
@given(total=st.decimals(min_value=0, max_value=130, places=2, allow_nan=False), count=st.integers(1, 9))
def test_unanimous_reviews_give_that_score_under_every_rule(total: Decimal, count: int) -> None:
    reviews = [Review(i, total, is_head=i == 0) for i in range(count)]
    assert {final_score(reviews, rule=rule) for rule in FinalRule} == {total}


@settings(max_examples=300, deadline=None)
@given(
    figures=st.lists(
        st.tuples(*[st.decimals(min_value=-130, max_value=130, places=2, allow_nan=False)] * 3), max_size=7
    ),
    rule=st.sampled_from(list(FinalRule)),
    data=st.data(),
)
def test_final_scores_cents_is_final_score_per_figure(
    figures: list[tuple[Decimal, Decimal, Decimal]], rule: FinalRule, data: st.DataObject
) -> None:
    """The recompute's fast path (whole hundredths, three figures at once) gives exactly `final_score`."""
    head = data.draw(st.integers(min_value=-1, max_value=max(len(figures) - 1, 0)))
    fast = final_scores_cents(
        [(f"r{i}", i == head, tuple(to_cents(v) for v in row)) for i, row in enumerate(figures)], rule=rule, width=3
    )
    for column, cents in enumerate(fast):
        reference = final_score([Review(f"r{i}", row[column], i == head) for i, row in enumerate(figures)], rule=rule)
        assert (None if cents is None else from_cents(cents)) == reference
        assert cents is None or from_cents(cents).as_tuple().exponent == -2


def test_final_scores_cents_keeps_the_errors() -> None:
    with pytest.raises(RuleViolation) as exc:
        final_scores_cents([("A", False, (1,)), ("A", False, (2,))], rule=FinalRule.MEAN, width=1)
    assert exc.value.code == "duplicate_review"
    with pytest.raises(RuleViolation) as heads:
        final_scores_cents([("A", True, (1,)), ("B", True, (2,))], rule=FinalRule.HEAD, width=1)
    assert heads.value.code == "multiple_head_reviews"
    assert final_scores_cents([], rule=FinalRule.MEAN, width=2) == [None, None]
