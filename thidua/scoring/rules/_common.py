"""Small helpers shared by the scoring rules: rounding of points and a deterministic order of keys.

Points carry at most two decimals and every published result is rounded half-up to 0.01, the way a
person rounds a score on paper. Keys (units, reviewers, criteria lines) are opaque `Hashable`s, so
sorting them needs care: numbers and strings sort naturally, anything else by its text.
"""

import math
from collections.abc import Hashable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

CENT = Decimal("0.01")
ZERO = Decimal(0)


def quantize(value: Decimal) -> Decimal:
    """Round to 0.01, half up (2.345 → 2.35, −2.345 → −2.35)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal | int) -> int:
    """`value` in whole hundredths, rounded half up like `quantize` (12.345 → 1235, −2.345 → −235)."""
    return int(quantize(Decimal(value)).scaleb(2))


def from_cents(cents: int) -> Decimal:
    """Whole hundredths back to a Decimal with two places (1235 → 12.35, 100 → 1.00), as `quantize` gives."""
    return Decimal(cents).scaleb(-2)


def round_div(numerator: int, denominator: int) -> int:
    """`numerator / denominator` (denominator > 0) rounded half away from zero, in integers only.

    Applied to sums of hundredths this is `quantize(Decimal sum / n)`: the mean of cents, rounded half up.
    """
    cents = (2 * abs(numerator) + denominator) // (2 * denominator)
    return cents if numerator >= 0 else -cents


def has_at_most_two_decimals(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def _natural_family(key: Hashable) -> str | None:
    if isinstance(key, bool):
        return None
    if isinstance(key, int | Decimal):
        return "number"
    if isinstance(key, str):
        return "str"
    if isinstance(key, UUID):
        return "uuid"
    return None


def order_key_function(keys: Iterable[Hashable]) -> Any:
    """A sort key for `keys` that does not depend on the order they arrive in.

    Integers/decimals, strings or UUIDs of a single family sort naturally (2 before 10); a mix of
    types, or any other kind of key, sorts by (type name, str, repr).
    """
    families = {_natural_family(k) for k in keys}
    if len(families) == 1 and None not in families:
        return lambda k: k
    return lambda k: (type(k).__name__, str(k), repr(k))


def sorted_keys[K: Hashable](keys: Iterable[K]) -> list[K]:
    items = list(keys)
    return sorted(items, key=order_key_function(items))


def quantize_fraction(value: Fraction) -> Decimal:
    """Round an exact fraction to 0.01, half up (away from zero), without an inexact division first."""
    cents = abs(value) * 100
    rounded = math.floor(cents + Fraction(1, 2))
    return (Decimal(rounded if value >= 0 else -rounded) / 100).quantize(CENT) + ZERO
