"""Pass thresholds, the base they are taken over, and the quorum — in exact integer arithmetic.

How many votes a unit needs at a block conference is not fixed by any text found (domain.md §4.4,
UNCONFIRMED): blocks use "more than half", "at least two thirds", "at least three quarters", or
their own fraction, over the delegates present, all entitled delegates, or the valid ballots. So a
`Threshold` is a fraction with a strictness flag, and `passes` compares cross-multiplied integers:
no floats, no rounding, no off-by-one at exactly one half.

Votes and bases are weighted integers: a delegate may carry a weight w ≥ 1 (default 1).
A base of 0 is a poll nobody can pass: `passes` is False and `required_votes` is None.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from .errors import RuleViolation


class Base(StrEnum):
    """What the threshold is a fraction of."""

    PRESENT = "present"  # the weight of the delegates present (checked in)
    ENTITLED = "entitled"  # the weight of every delegate entitled to vote
    VALID = "valid"  # the weight of the ballots that are neither blank nor invalid

    @property
    def label(self) -> str:
        return {
            Base.PRESENT: _("delegates present"),
            Base.ENTITLED: _("all entitled delegates"),
            Base.VALID: _("valid ballots"),
        }[self]


@dataclass(frozen=True)
class Threshold:
    """`numerator/denominator` of the base: strictly more than it (`strict`), or at least it.

    The fraction lies in (0, 1]; "more than all" (strict 1/1) can never pass and is refused.
    The fraction is kept as configured (3/6 stays 3/6) so the rule reads back as the block wrote it.
    """

    numerator: int
    denominator: int
    strict: bool = False

    def __post_init__(self) -> None:
        numbers = (self.numerator, self.denominator)
        if (
            any(isinstance(n, bool) or not isinstance(n, int) for n in numbers)
            or self.denominator < 1
            or not 1 <= self.numerator <= self.denominator
            or (self.strict and self.numerator == self.denominator)
        ):
            raise RuleViolation(
                "invalid_threshold",
                _("A threshold must be a fraction above 0 and at most 1 (and not more than all of the base)."),
                field="threshold",
            )

    @property
    def fraction(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def label(self) -> str:
        """ "more than 1/2", "at least 2/3" (translated)."""
        if self.strict:
            return _("more than %(fraction)s") % {"fraction": self.fraction}
        return _("at least %(fraction)s") % {"fraction": self.fraction}


MORE_THAN_HALF = Threshold(1, 2, strict=True)
TWO_THIRDS = Threshold(2, 3)
THREE_QUARTERS = Threshold(3, 4)


def _check_weight(value: int, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleViolation("invalid_weight", _("Weights and votes must be whole numbers, 0 or more."), field=field)


def passes(votes: int, base: int, threshold: Threshold) -> bool:
    """Whether `votes` out of `base` meet `threshold`: votes·den > num·base (strict) or ≥ (at least).

    Nothing passes with a base of 0, not even 0 votes "at least" a fraction of nothing.
    """
    _check_weight(votes, "votes")
    _check_weight(base, "base")
    if base == 0:
        return False
    left, right = votes * threshold.denominator, threshold.numerator * base
    return left > right if threshold.strict else left >= right


def required_votes(base: int, threshold: Threshold) -> int | None:
    """The least number of votes that passes `threshold` over `base`; None when nothing passes (base 0).

    For base > 0 the answer lies between 1 and base: 6 of 11 for "more than 1/2", 8 of 11 for
    "at least 2/3", 8 of 10 for "at least 3/4".
    """
    _check_weight(base, "base")
    if base == 0:
        return None
    product = threshold.numerator * base
    if threshold.strict:
        return product // threshold.denominator + 1
    return -(-product // threshold.denominator)


def quorum_met(present_weight: int, entitled_weight: int, threshold: Threshold) -> bool:
    """Whether the weight present meets the quorum `threshold` of the entitled weight.

    A present weight above the entitled weight is an error ("inconsistent_counts").
    """
    _check_weight(present_weight, "present_weight")
    _check_weight(entitled_weight, "entitled_weight")
    if present_weight > entitled_weight:
        raise RuleViolation(
            "inconsistent_counts",
            _("The weight present (%(present)s) is above the entitled weight (%(entitled)s).")
            % {"present": present_weight, "entitled": entitled_weight},
            field="present_weight",
        )
    return passes(present_weight, entitled_weight, threshold)
