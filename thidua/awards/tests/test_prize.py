"""Prize money pure rules: exact arithmetic, rounding up to the next 10,000 đ, totals (no database)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.awards.prize import (
    PrizeLine,
    prize_amount,
    round_up_10k,
    total,
    totals_by,
    totals_per_decision,
    totals_per_fund,
)

coefficients = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)
salaries = st.integers(min_value=1, max_value=50_000_000)
multipliers = st.sampled_from([Decimal(1), Decimal(2), Decimal("1.5"), Decimal(3)])


@pytest.mark.parametrize(
    ("coefficient", "base", "multiplier", "expected"),
    [
        (Decimal("0.8"), 2_340_000, 1, 1_880_000),  # Tập thể lao động tiên tiến: 1,872,000 → 1,880,000
        (Decimal("12"), 2_340_000, 1, 28_080_000),  # Cờ thi đua của Chính phủ
        (Decimal("0.3"), 2_340_000, 1, 710_000),  # Lao động tiên tiến: 702,000 → 710,000
        (Decimal("1.0"), 2_340_000, 1, 2_340_000),  # Chiến sĩ thi đua cơ sở
        (Decimal("8.0"), 2_340_000, 1, 18_720_000),  # Cờ thi đua tỉnh
        (Decimal("4.5"), 2_340_000, 1, 10_530_000),  # Chiến sĩ thi đua toàn quốc (Bắc Ninh)
        (Decimal("0.3"), 2_340_000, Decimal(2), 1_410_000),  # Giấy khen to a collective: 1,404,000 → 1,410,000
        (Decimal("1.5"), 2_340_000, 2, 7_020_000),  # Bằng khen tỉnh to a collective
        (5, 1_490_000, 1, 7_450_000),  # an int coefficient is exact too
    ],
)
def test_worked_amounts(coefficient: Decimal, base: int, multiplier: Decimal, expected: int) -> None:
    assert prize_amount(coefficient, base, multiplier=multiplier) == expected


def test_round_up_10k_edges() -> None:
    assert round_up_10k(0) == 0
    assert round_up_10k(1) == 10_000
    assert round_up_10k(10_000) == 10_000
    assert round_up_10k(10_001) == 20_000
    assert round_up_10k(Decimal("9999.99")) == 10_000
    assert isinstance(round_up_10k(Decimal("1872000.0")), int)


@pytest.mark.parametrize("bad", [0.3, "0.3", None, True])
def test_inexact_or_wrong_types_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        prize_amount(bad, 2_340_000)  # type: ignore[arg-type]


def test_negative_and_non_finite_are_refused() -> None:
    with pytest.raises(ValueError, match="coefficient"):
        prize_amount(Decimal("-0.1"), 2_340_000)
    with pytest.raises(ValueError, match="multiplier"):
        prize_amount(Decimal(1), 2_340_000, multiplier=Decimal("NaN"))
    with pytest.raises(TypeError):
        prize_amount(Decimal(1), 2_340_000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="amount"):
        round_up_10k(-1)


@given(coefficients, salaries, multipliers)
def test_never_rounds_down_and_less_than_a_step_up(coefficient: Decimal, base: int, multiplier: Decimal) -> None:
    raw = coefficient * base * multiplier
    amount = prize_amount(coefficient, base, multiplier=multiplier)
    assert isinstance(amount, int)
    assert amount % 10_000 == 0
    assert amount >= raw
    assert amount - raw < 10_000
    if raw == raw.to_integral_value():
        assert amount - int(raw) <= 9_999


@given(coefficients, salaries)
def test_equals_an_integer_reference(coefficient: Decimal, base: int) -> None:
    cents = int(coefficient * 100)
    reference = -(-(cents * base) // 1_000_000) * 10_000  # ceil(cents × base / 100 / 10,000) × 10,000
    assert prize_amount(coefficient, base) == reference


@given(coefficients, coefficients, salaries, multipliers)
def test_monotonic_in_the_coefficient(a: Decimal, b: Decimal, base: int, multiplier: Decimal) -> None:
    low, high = sorted([a, b])
    assert prize_amount(low, base, multiplier=multiplier) <= prize_amount(high, base, multiplier=multiplier)


@given(coefficients, salaries, salaries)
def test_monotonic_in_the_base_salary(coefficient: Decimal, a: int, b: int) -> None:
    low, high = sorted([a, b])
    assert prize_amount(coefficient, low) <= prize_amount(coefficient, high)


@given(st.integers(min_value=0, max_value=10**12))
def test_round_up_is_idempotent_and_minimal(amount: int) -> None:
    rounded = round_up_10k(amount)
    assert round_up_10k(rounded) == rounded
    assert rounded - amount <= 9_999
    assert rounded % 10_000 == 0


lines = st.lists(
    st.builds(
        PrizeLine,
        decision=st.sampled_from(["12/QĐ-UBND", "34/QĐ-SNV"]),
        fund=st.sampled_from(["Quỹ TĐKT tỉnh", "Quỹ TĐKT Sở"]),
        recipient=st.text(min_size=1, max_size=8),
        amount=st.integers(min_value=0, max_value=10**9).map(round_up_10k),
    ),
    max_size=30,
)


@given(lines)
def test_totals_partition_the_sum(items: list[PrizeLine]) -> None:
    grand = total(line.amount for line in items)
    assert sum(totals_per_decision(items).values()) == grand
    assert sum(totals_per_fund(items).values()) == grand
    by_both = totals_by(items, lambda line: (line.decision, line.fund))
    for (decision, _fund), amount in by_both.items():
        assert amount <= totals_per_decision(items)[decision]


def test_totals_example_and_bad_amounts() -> None:
    items = [
        PrizeLine("12/QĐ-UBND", "Quỹ TĐKT tỉnh", "TTA", 18_720_000),
        PrizeLine("12/QĐ-UBND", "Quỹ TĐKT tỉnh", "TTB", 3_510_000),
        PrizeLine("34/QĐ-SNV", "Quỹ TĐKT Sở", "Nguyễn Văn Đức", 710_000),
    ]
    assert totals_per_decision(items) == {"12/QĐ-UBND": 22_230_000, "34/QĐ-SNV": 710_000}
    assert totals_per_fund(items) == {"Quỹ TĐKT tỉnh": 22_230_000, "Quỹ TĐKT Sở": 710_000}
    with pytest.raises(ValueError, match="whole"):
        total([1, -1])
    with pytest.raises(ValueError, match="whole"):
        total([Decimal(1)])  # type: ignore[list-item]
