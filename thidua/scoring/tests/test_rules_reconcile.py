"""Self-scoring versus review: flagged lines and totals."""

from collections.abc import Hashable
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import differences, total_difference_flag

D = Decimal


def test_lines_differing_by_more_than_the_threshold() -> None:
    self_lines: dict[Hashable, Decimal] = {"1.1": D(10), "1.2": D(20), "1.3": D(10), "2.1": D(5)}
    review_lines: dict[Hashable, Decimal] = {"1.1": D(10), "1.2": D(15), "1.3": D(9), "3.1": D(2)}
    # 1.3 differs by exactly the threshold: not flagged; 2.1 and 3.1 are missing on one side (0).
    assert differences(self_lines, review_lines, threshold=D(1)) == ["1.2", "2.1", "3.1"]
    assert differences(self_lines, review_lines, threshold=D(0)) == ["1.2", "1.3", "2.1", "3.1"]
    assert differences({}, {}, threshold=D(0)) == []


def test_numeric_line_keys_sort_numerically() -> None:
    assert differences({10: D(5), 2: D(5)}, {}, threshold=D(0)) == [2, 10]


def test_total_difference_flag() -> None:
    assert total_difference_flag(D(97), D(90), threshold=D(5))
    assert not total_difference_flag(D(97), D(92), threshold=D(5))
    assert total_difference_flag(D(90), D(107), threshold=D(5))
    assert not total_difference_flag(None, D(90), threshold=D(0))
    assert not total_difference_flag(D(90), None, threshold=D(0))


lines = st.dictionaries(
    st.integers(min_value=0, max_value=20), st.decimals(min_value=0, max_value=20, places=2, allow_nan=False)
)


@settings(max_examples=200, deadline=None)
@given(own=lines, review=lines, threshold=st.decimals(min_value=0, max_value=10, places=2, allow_nan=False))
def test_differences_are_symmetric_sorted_and_exact(
    own: dict[Hashable, Decimal], review: dict[Hashable, Decimal], threshold: Decimal
) -> None:
    flagged = differences(own, review, threshold=threshold)
    assert flagged == differences(review, own, threshold=threshold)
    assert flagged == sorted(flagged)  # type: ignore[type-var]
    expected = {k for k in own.keys() | review.keys() if abs(own.get(k, D(0)) - review.get(k, D(0))) > threshold}
    assert set(flagged) == expected
    assert total_difference_flag(sum(own.values(), D(0)), sum(review.values(), D(0)), threshold=D(0)) == (
        sum(own.values(), D(0)) != sum(review.values(), D(0))
    )
