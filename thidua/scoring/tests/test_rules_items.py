"""Scoring of one criteria line: worked examples from domain.md §4.3 and hypothesis properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.core.exceptions import ValidationFailed
from thidua.scoring.rules import ItemSpec, ItemType, RuleViolation, line_points

D = Decimal
TEN = ItemSpec(ItemType.POINTS, D(10))  # "registration sent on time 10"
TWENTY = ItemSpec(ItemType.POINTS, D(20))  # "correct, timely dossiers 20"
FLAG_CITY = ItemSpec(ItemType.BONUS, D(0), per_occurrence=D(10), cap=D(10))  # "được cộng thêm 10 điểm"
FLAG_GOVERNMENT = ItemSpec(ItemType.BONUS, D(0), per_occurrence=D(15), cap=D(15))  # "được cộng thêm 15 điểm"
LATE_REPORT = ItemSpec(ItemType.DEDUCTION, D(0), per_occurrence=D(2), cap=D(10))

two_decimals = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)


def test_points_line_of_ten_and_twenty() -> None:
    assert line_points(TEN, value=D(10)) == D("10.00")
    assert line_points(TEN, value=D("7.5")) == D("7.50")
    assert line_points(TWENTY, value=D(0)) == D("0.00")
    assert line_points(TWENTY, value=D("19.75")) == D("19.75")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (D(-1), "negative_score"),
        (D("-0.01"), "negative_score"),
        (D("10.01"), "above_maximum"),
        (D(11), "above_maximum"),
        (D("7.125"), "too_many_decimals"),
        (None, "score_missing"),
        (D("NaN"), "invalid_number"),
    ],
)
def test_points_line_rejects(value: Decimal | None, code: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        line_points(TEN, value=value, field="score")
    assert exc.value.code == code
    assert exc.value.field == "score"


def test_trailing_zeros_are_not_extra_decimals() -> None:
    assert line_points(TEN, value=D("7.2500")) == D("7.25")


def test_rule_violation_is_a_translated_validation_error() -> None:
    with pytest.raises(ValidationFailed) as exc:
        line_points(TEN, value=D(12))
    assert exc.value.status == 400
    assert exc.value.as_dict() == {"code": "above_maximum", "message": str(exc.value.message)}
    assert "12" in str(exc.value.message)
    assert "10" in str(exc.value.message)


def test_yes_no_is_all_or_nothing() -> None:
    spec = ItemSpec(ItemType.YES_NO, D(10))
    assert line_points(spec, value=D(10)) == D("10.00")
    assert line_points(spec, value=D(0)) == D("0.00")
    for wrong in (D(5), D("9.99"), D(-10), D(20)):
        with pytest.raises(RuleViolation) as exc:
            line_points(spec, value=wrong)
        assert exc.value.code == "invalid_yes_no"
    with pytest.raises(RuleViolation) as missing:
        line_points(spec)
    assert missing.value.code == "score_missing"


def test_flag_bonus_of_ten_and_fifteen_points() -> None:
    assert line_points(FLAG_CITY, count=1) == D("10.00")
    assert line_points(FLAG_GOVERNMENT, count=1) == D("15.00")
    assert line_points(FLAG_GOVERNMENT, count=0) == D("0.00")


def test_bonus_and_deduction_are_capped() -> None:
    assert line_points(FLAG_CITY, count=3) == D("10.00")
    assert line_points(LATE_REPORT, count=2) == D("-4.00")
    assert line_points(LATE_REPORT, count=9) == D("-10.00")


def test_no_cap_or_zero_cap_means_unlimited() -> None:
    assert line_points(ItemSpec(ItemType.BONUS, D(0), per_occurrence=D(3)), count=50) == D("150.00")
    assert line_points(ItemSpec(ItemType.BONUS, D(0), per_occurrence=D(3), cap=D(0)), count=50) == D("150.00")


def test_deduction_of_nothing_is_a_plain_zero() -> None:
    result = line_points(LATE_REPORT, count=0)
    assert result == 0
    assert not result.is_signed()


@pytest.mark.parametrize(("count", "code"), [(None, "score_missing"), (-1, "negative_count"), (True, "invalid_count")])
def test_occurrence_lines_reject(count: int | None, code: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        line_points(LATE_REPORT, count=count)
    assert exc.value.code == code


def test_integral_decimal_count_is_accepted_fractional_is_not() -> None:
    assert line_points(LATE_REPORT, count=D(2)) == D("-4.00")  # type: ignore[arg-type]
    with pytest.raises(RuleViolation) as exc:
        line_points(LATE_REPORT, count=D("1.5"))  # type: ignore[arg-type]
    assert exc.value.code == "invalid_count"


def test_blank_line_is_missing() -> None:
    for spec in (TEN, FLAG_CITY, LATE_REPORT):
        with pytest.raises(RuleViolation) as exc:
            line_points(spec, value=None, count=None)
        assert exc.value.code == "score_missing"


def test_evidence_required_only_when_the_line_gives_points() -> None:
    spec = ItemSpec(ItemType.POINTS, D(20), evidence_required=True)
    with pytest.raises(RuleViolation) as exc:
        line_points(spec, value=D(15), field="line-3")
    assert exc.value.code == "evidence_required"
    assert exc.value.field == "line-3"
    assert line_points(spec, value=D(15), has_evidence=True) == D("15.00")
    assert line_points(spec, value=D(0)) == D("0.00")


def test_evidence_required_for_a_deduction_too() -> None:
    spec = ItemSpec(ItemType.DEDUCTION, D(0), per_occurrence=D(5), evidence_required=True)
    with pytest.raises(RuleViolation) as exc:
        line_points(spec, count=1)
    assert exc.value.code == "evidence_required"
    assert line_points(spec, count=1, has_evidence=True) == D("-5.00")
    assert line_points(spec, count=0) == 0


def test_negative_spec_amounts_are_rejected() -> None:
    with pytest.raises(RuleViolation) as exc:
        ItemSpec(ItemType.DEDUCTION, D(0), per_occurrence=D(-2))
    assert exc.value.code == "invalid_item_spec"


@settings(max_examples=200, deadline=None)
@given(maximum=two_decimals, value=two_decimals)
def test_points_line_is_value_or_above_maximum(maximum: Decimal, value: Decimal) -> None:
    spec = ItemSpec(ItemType.POINTS, maximum)
    if value > maximum:
        with pytest.raises(RuleViolation) as exc:
            line_points(spec, value=value)
        assert exc.value.code == "above_maximum"
    else:
        result = line_points(spec, value=value)
        assert result == value
        assert result.as_tuple().exponent == -2


@settings(max_examples=200, deadline=None)
@given(
    item_type=st.sampled_from([ItemType.BONUS, ItemType.DEDUCTION]),
    per=two_decimals,
    cap=st.none() | two_decimals,
    count=st.integers(min_value=0, max_value=500),
)
def test_occurrence_points_are_bounded_and_signed(
    item_type: ItemType, per: Decimal, cap: Decimal | None, count: int
) -> None:
    spec = ItemSpec(item_type, D(0), per_occurrence=per, cap=cap)
    result = line_points(spec, count=count)
    magnitude = abs(result)
    assert magnitude <= count * per
    if cap:
        assert magnitude <= cap
        assert magnitude == min(count * per, cap)
    else:
        assert magnitude == count * per
    assert (result <= 0) if item_type == ItemType.DEDUCTION else (result >= 0)


@settings(max_examples=100, deadline=None)
@given(per=two_decimals, cap=st.none() | two_decimals, count=st.integers(min_value=0, max_value=100))
def test_more_occurrences_never_give_fewer_points(per: Decimal, cap: Decimal | None, count: int) -> None:
    spec = ItemSpec(ItemType.BONUS, D(0), per_occurrence=per, cap=cap)
    assert line_points(spec, count=count + 1) >= line_points(spec, count=count)
