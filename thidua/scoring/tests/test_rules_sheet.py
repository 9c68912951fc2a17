"""Totals of a scoring sheet: the 97 + 10 = 107 worked example (domain.md §4.3) and properties."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.scoring.rules import (
    ItemSpec,
    ItemType,
    SheetTotals,
    criteria_maximum,
    line_points,
    sheet_totals,
    sheet_totals_cents,
    to_cents,
)

D = Decimal
points = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
lines = st.lists(
    st.tuples(st.sampled_from(list(ItemType)), points).map(
        lambda t: (t[0], -t[1] if t[0] == ItemType.DEDUCTION else t[1])
    ),
    max_size=30,
)


def test_bonus_takes_the_total_above_the_base_maximum() -> None:
    """ "97 + 10 = 107 điểm": no cap at 100 unless the block says so."""
    flag = ItemSpec(ItemType.BONUS, D(0), per_occurrence=D(10), cap=D(10))
    totals = sheet_totals([(ItemType.POINTS, D(97)), (ItemType.BONUS, line_points(flag, count=1))])
    assert totals == SheetTotals(base=D("97.00"), bonus=D("10.00"), deduction=D("0.00"), total=D("107.00"))


def test_block_may_cap_the_total_and_the_bonus() -> None:
    lines = [(ItemType.POINTS, D(97)), (ItemType.BONUS, D(10)), (ItemType.BONUS, D(15))]
    assert sheet_totals(lines).total == D(122)
    assert sheet_totals(lines, total_cap=D(100)).total == D(100)
    capped = sheet_totals(lines, bonus_cap=D(15))
    assert (capped.bonus, capped.total) == (D(15), D(112))


def test_lines_of_ten_and_twenty_with_a_deduction() -> None:
    late = ItemSpec(ItemType.DEDUCTION, D(0), per_occurrence=D(2), cap=D(6))
    sheet = [
        (ItemType.POINTS, D(10)),  # registration on time
        (ItemType.POINTS, D(10)),  # block activities
        (ItemType.POINTS, D(18)),  # plans, sơ kết/tổng kết (of 20)
        (ItemType.YES_NO, D(10)),  # inspection
        (ItemType.DEDUCTION, line_points(late, count=2)),
    ]
    assert sheet_totals(sheet) == SheetTotals(base=D(48), bonus=D(0), deduction=D(4), total=D(44))


def test_deductions_count_whatever_their_sign() -> None:
    assert sheet_totals([(ItemType.POINTS, D(50)), (ItemType.DEDUCTION, D(5))]).total == D(45)
    assert sheet_totals([(ItemType.POINTS, D(50)), (ItemType.DEDUCTION, D(-5))]).total == D(45)


def test_total_is_not_floored_at_zero() -> None:
    assert sheet_totals([(ItemType.POINTS, D(3)), (ItemType.DEDUCTION, D(-5))]).total == D(-2)


def test_empty_sheet() -> None:
    assert sheet_totals([]) == SheetTotals(D(0), D(0), D(0), D(0))


def test_criteria_maximum_counts_base_lines_only() -> None:
    specs = [
        ItemSpec(ItemType.POINTS, D(10)),
        ItemSpec(ItemType.POINTS, D(20)),
        ItemSpec(ItemType.YES_NO, D(10)),
        ItemSpec(ItemType.BONUS, D(15), per_occurrence=D(15), cap=D(15)),
        ItemSpec(ItemType.DEDUCTION, D(10), per_occurrence=D(2)),
    ]
    assert criteria_maximum(specs) == D("40.00")
    assert criteria_maximum([]) == D(0)


@settings(max_examples=200, deadline=None)
@given(lines=lines)
def test_total_is_base_plus_bonus_minus_deduction(lines: list[tuple[ItemType, Decimal]]) -> None:
    totals = sheet_totals(lines)
    assert totals.total == totals.base + totals.bonus - totals.deduction
    assert totals.deduction >= 0
    assert totals.bonus >= 0
    assert totals.base == sum((p for t, p in lines if t in (ItemType.POINTS, ItemType.YES_NO)), D(0))


@settings(max_examples=200, deadline=None)
@given(lines=lines, total_cap=st.none() | points, bonus_cap=st.none() | points)
def test_caps_only_lower_and_order_does_not_matter(
    lines: list[tuple[ItemType, Decimal]], total_cap: Decimal | None, bonus_cap: Decimal | None
) -> None:
    free = sheet_totals(lines)
    capped = sheet_totals(lines, total_cap=total_cap, bonus_cap=bonus_cap)
    assert capped.total <= free.total
    assert capped.bonus <= free.bonus
    if total_cap is not None:
        assert capped.total <= total_cap
    if bonus_cap is not None:
        assert capped.bonus <= bonus_cap
    assert sheet_totals(list(reversed(lines)), total_cap=total_cap, bonus_cap=bonus_cap) == capped


@settings(max_examples=300, deadline=None)
@given(
    lines=lines,
    total_cap=st.none() | st.decimals(min_value=-50, max_value=150, places=2, allow_nan=False),
    bonus_cap=st.none() | st.decimals(min_value=0, max_value=30, places=2, allow_nan=False),
)
def test_sheet_totals_cents_is_sheet_totals_on_the_sums(
    lines: list[tuple[ItemType, Decimal]], total_cap: Decimal | None, bonus_cap: Decimal | None
) -> None:
    """The recompute's fast path (sums and caps in hundredths, as stored) gives exactly `sheet_totals`."""
    reference = sheet_totals(lines, total_cap=total_cap, bonus_cap=bonus_cap)
    base = sum((to_cents(p) for t, p in lines if t in (ItemType.POINTS, ItemType.YES_NO)), 0)
    bonus = sum((to_cents(p) for t, p in lines if t == ItemType.BONUS), 0)
    deduction = -sum((abs(to_cents(p)) for t, p in lines if t == ItemType.DEDUCTION), 0)
    fast = sheet_totals_cents(
        base,
        bonus,
        deduction,
        total_cap=None if total_cap is None else to_cents(total_cap),
        bonus_cap=None if bonus_cap is None else to_cents(bonus_cap),
    )
    assert fast == tuple(to_cents(v) for v in (reference.base, reference.bonus, reference.deduction, reference.total))
