"""The final score of a unit, computed from the totals its reviewers gave.

Blocks decide differently who has the last word (domain.md §4.3: self-scoring, then cross-scoring
or a review by the head unit): the block head's review, or a mean, trimmed mean or median of all
reviews. The rule is chosen per block; this module only computes it.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from ._common import quantize
from .errors import RuleViolation


class FinalRule(StrEnum):
    HEAD = "head"  # the total given by the block head's review
    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"  # drop the single highest and lowest; plain mean below 3 reviews
    MEDIAN = "median"


@dataclass(frozen=True)
class Review:
    reviewer: Hashable
    total: Decimal
    is_head: bool = False


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def final_score(reviews: Sequence[Review], *, rule: FinalRule) -> Decimal | None:
    """The final score under `rule`, rounded half-up to 0.01; None when there is nothing to go on.

    None when there are no reviews, or for HEAD when no review is the head's. A reviewer may review
    a unit once ("duplicate_review"), and only one review can be the head's ("multiple_head_reviews").
    """
    rule = FinalRule(rule)
    reviewers = [r.reviewer for r in reviews]
    if len(set(reviewers)) != len(reviewers):
        raise RuleViolation("duplicate_review", _("A reviewer has reviewed the same unit more than once."))
    if not reviews:
        return None
    totals = sorted(Decimal(r.total) for r in reviews)
    if rule == FinalRule.HEAD:
        heads = [r for r in reviews if r.is_head]
        if len(heads) > 1:
            raise RuleViolation("multiple_head_reviews", _("Only one review can be the block head's."))
        return quantize(Decimal(heads[0].total)) if heads else None
    if rule == FinalRule.TRIMMED_MEAN and len(totals) >= 3:
        return quantize(_mean(totals[1:-1]))
    if rule == FinalRule.MEDIAN:
        middle = len(totals) // 2
        if len(totals) % 2:
            return quantize(totals[middle])
        return quantize((totals[middle - 1] + totals[middle]) / 2)
    return quantize(_mean(totals))
