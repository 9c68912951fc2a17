"""Prize money, pure rules (no database): coefficient × base salary × multiplier, rounded up to 10,000 đồng.

ND98 (kept in ND152): the prize is computed on the base salary in force on the decision date, and "Tiền thưởng sau
khi nhân với hệ số mức lương cơ sở được làm tròn số lên hàng chục nghìn đồng" — rounded *up* to the next ten
thousand đồng (domain.md §3.1). Arithmetic is exact (Decimal in, int đồng out); floats are refused because 0.3 as a
float is not 0.3. The numbers themselves (coefficients, base salary, multiplier) are dated catalogue rows, fetched by
thidua.awards.selectors.prize_for; nothing here knows a value of law.

The collective multiplier is applied before rounding (coefficient × multiplier is the collective's coefficient,
then one rounding). Paying twice the already rounded individual prize would differ by at most 10,000 đ; which
reading ND152 means is part of the UNCONFIRMED ×2 rule.
"""

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

ROUNDING_STEP = 10_000


def _exact(value: Decimal | int, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0")
    return number


def round_up_10k(amount: Decimal | int) -> int:
    """The smallest multiple of 10,000 that is ≥ `amount` (whole đồng)."""
    number = _exact(amount, "amount")
    steps = (number / ROUNDING_STEP).to_integral_value(rounding=ROUND_CEILING)
    return int(steps) * ROUNDING_STEP


def prize_amount(coefficient: Decimal | int, base_salary: int, *, multiplier: Decimal | int = 1) -> int:
    """coefficient × base_salary × multiplier, rounded up to the next 10,000 đồng."""
    if isinstance(base_salary, bool) or not isinstance(base_salary, int):
        raise TypeError("base_salary must be an int (đồng)")
    raw = _exact(coefficient, "coefficient") * _exact(base_salary, "base_salary") * _exact(multiplier, "multiplier")
    return round_up_10k(raw)


@dataclass(frozen=True)
class PrizeLine:
    """One recipient's prize on a decision, paid from a fund (e.g. "Quỹ thi đua, khen thưởng tỉnh")."""

    decision: str
    fund: str
    recipient: str
    amount: int


def total(amounts: Iterable[int]) -> int:
    """The sum of whole-đồng amounts (refuses anything that is not an int ≥ 0)."""
    result = 0
    for amount in amounts:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError("amounts must be whole đồng ≥ 0")
        result += amount
    return result


def totals_by[K: Hashable](lines: Iterable[PrizeLine], key: Callable[[PrizeLine], K]) -> dict[K, int]:
    """Sum of the amounts of `lines` grouped by `key(line)`, in first-seen order."""
    grouped: dict[K, list[int]] = {}
    for line in lines:
        grouped.setdefault(key(line), []).append(line.amount)
    return {group: total(amounts) for group, amounts in grouped.items()}


def totals_per_decision(lines: Iterable[PrizeLine]) -> dict[str, int]:
    return totals_by(lines, lambda line: line.decision)


def totals_per_fund(lines: Iterable[PrizeLine]) -> dict[str, int]:
    return totals_by(lines, lambda line: line.fund)
