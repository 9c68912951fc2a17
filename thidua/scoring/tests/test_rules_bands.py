"""Point bands suggesting a title: the Thông tư 08/2019 example (domain.md §4.3) and properties."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import Band, RuleViolation, check_bands, contiguous_bands, suggest_title

D = Decimal
TTLDTT = "Tập thể lao động tiên tiến"
CSTDCS = "Chiến sĩ thi đua cơ sở"
CIRCULAR_08 = [Band(D(70), D(90), TTLDTT), Band(D(91), D(100), CSTDCS)]


@pytest.mark.parametrize(
    ("total", "title"),
    [
        (D(85), TTLDTT),
        (D(95), CSTDCS),
        (D(60), None),
        (D(70), TTLDTT),
        (D(90), TTLDTT),
        (D(91), CSTDCS),
        (D(100), CSTDCS),
        (D("90.5"), None),  # in the gap between whole-number bands
        (D(107), None),  # a bonus took it above the top band's end
        (None, None),
    ],
)
def test_circular_08_bands(total: Decimal | None, title: str | None) -> None:
    assert suggest_title(total, CIRCULAR_08) == title


def test_contiguous_bands_close_the_gaps() -> None:
    bands = contiguous_bands([(D(91), CSTDCS), (D(70), TTLDTT)])
    assert bands == [Band(D(70), D("90.99"), TTLDTT), Band(D(91), None, CSTDCS)]
    assert suggest_title(D("90.5"), bands) == TTLDTT
    assert suggest_title(D("90.99"), bands) == TTLDTT
    assert suggest_title(D(91), bands) == CSTDCS
    assert suggest_title(D(107), bands) == CSTDCS
    assert suggest_title(D("69.99"), bands) is None
    assert contiguous_bands([]) == []


def test_check_bands() -> None:
    check_bands(CIRCULAR_08)
    check_bands([])
    with pytest.raises(RuleViolation) as overlap:
        check_bands([Band(D(70), D(91), "A"), Band(D(91), D(100), "B")])
    assert overlap.value.code == "bands_overlap"
    with pytest.raises(RuleViolation) as open_ended:
        check_bands([Band(D(91), D(100), "B"), Band(D(70), None, "A")])
    assert open_ended.value.code == "bands_overlap"
    with pytest.raises(RuleViolation) as inverted:
        check_bands([Band(D(90), D(70), "A")])
    assert inverted.value.code == "band_inverted"
    with pytest.raises(RuleViolation) as in_use:
        suggest_title(D(80), [Band(D(70), D(91), "A"), Band(D(80), D(100), "B")])
    assert in_use.value.code == "bands_overlap"


def test_contiguous_bands_reject_duplicate_or_too_precise_thresholds() -> None:
    with pytest.raises(RuleViolation) as duplicate:
        contiguous_bands([(D(70), "A"), (D(70), "B")])
    assert duplicate.value.code == "bands_overlap"
    with pytest.raises(RuleViolation) as precise:
        contiguous_bands([(D("70.005"), "A")])
    assert precise.value.code == "too_many_decimals"


total = st.decimals(min_value=-10, max_value=200, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    thresholds=st.lists(
        st.decimals(min_value=0, max_value=150, places=2, allow_nan=False), unique=True, min_size=1, max_size=6
    ),
    value=total,
)
def test_contiguous_bands_cover_everything_from_the_lowest_threshold(thresholds: list[Decimal], value: Decimal) -> None:
    pairs = [(t, f"title {i}") for i, t in enumerate(thresholds)]
    bands = contiguous_bands(pairs)
    check_bands(bands)
    title = suggest_title(value, bands)
    below = [(t, name) for t, name in pairs if t <= value]
    if below:
        assert title == max(below)[1]  # the band of the highest threshold reached
    else:
        assert title is None


@settings(max_examples=200, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=100), unique=True, min_size=2, max_size=8).map(sorted),
    value=total,
)
def test_a_total_is_in_at_most_one_band(cuts: list[int], value: Decimal) -> None:
    bands = [Band(D(lo), D(hi - 1), f"b{lo}") for lo, hi in itertools.pairwise(cuts)]
    check_bands(bands)
    holding = [b.title for b in bands if b.minimum <= value and (b.maximum is None or value <= b.maximum)]
    assert suggest_title(value, bands) == (holding[0] if holding else None)
    assert len(holding) <= 1
