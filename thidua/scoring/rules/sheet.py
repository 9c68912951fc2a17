"""Totals of one scoring sheet: base points, bonus, deductions and the total.

Practice (domain.md §4.3): bonus points come on top of the base table, so a total can exceed the
base maximum ("97 + 10 = 107 điểm"). The system therefore never caps a total at 100 by itself; a
block that does cap the total, or caps the bonus, says so in its rules (`total_cap`, `bonus_cap`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ._common import ZERO, quantize
from .items import ItemSpec, ItemType

_BASE_TYPES = (ItemType.POINTS, ItemType.YES_NO)


@dataclass(frozen=True)
class SheetTotals:
    base: Decimal
    bonus: Decimal
    deduction: Decimal  # a positive number: the points taken away
    total: Decimal


def sheet_totals(
    lines: Iterable[tuple[ItemType, Decimal]],
    *,
    total_cap: Decimal | None = None,
    bonus_cap: Decimal | None = None,
) -> SheetTotals:
    """Add up `(item_type, points)` lines, as returned by `line_points`.

    A deduction line counts as points taken away whatever its sign (−5 and 5 both take 5 away), so
    callers may pass stored positive deductions as well. `bonus_cap` and `total_cap` apply only when
    given (None = no cap). The total is not floored at 0: deductions larger than the base give a
    negative total, which the caller may show as it is.
    """
    base = bonus = deduction = ZERO
    for item_type, points in lines:
        if item_type in _BASE_TYPES:
            base += points
        elif item_type == ItemType.BONUS:
            bonus += points
        else:
            deduction += abs(points)
    if bonus_cap is not None:
        bonus = min(bonus, bonus_cap)
    total = base + bonus - deduction
    if total_cap is not None:
        total = min(total, total_cap)
    return SheetTotals(base=quantize(base), bonus=quantize(bonus), deduction=quantize(deduction), total=quantize(total))


def sheet_totals_cents(
    base: int, bonus: int, deduction: int, *, total_cap: int | None = None, bonus_cap: int | None = None
) -> tuple[int, int, int, int]:
    """`sheet_totals` of already-summed lines in whole hundredths: (base, bonus, deduction, total).

    `base`, `bonus` and `deduction` are the sums of a sheet's base, bonus and deduction lines (the
    deduction as points taken away: its sign is ignored), the caps the table's caps in hundredths.
    For lines and caps of at most two decimals (as stored) this is `sheet_totals` times 100, exactly
    (a property test checks it); the national recompute uses it on the sums its SQL aggregation returns.
    """
    deduction = abs(deduction)
    if bonus_cap is not None and bonus > bonus_cap:
        bonus = bonus_cap
    total = base + bonus - deduction
    if total_cap is not None and total > total_cap:
        total = total_cap
    return base, bonus, deduction, total


def criteria_maximum(specs: Iterable[ItemSpec]) -> Decimal:
    """The base maximum of a table: the sum of the maxima of its POINTS and YES_NO lines."""
    return quantize(sum((s.max_points for s in specs if s.item_type in _BASE_TYPES), ZERO))
