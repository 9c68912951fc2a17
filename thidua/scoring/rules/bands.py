"""Point bands that suggest a title from a total.

Sector practice (domain.md §4.3, Ministry of Labour, Thông tư 08/2019): "Tập thể lao động tiên tiến"
for 70 to 90 points, "Chiến sĩ thi đua cơ sở" for 91 to 100. The suggestion is only a suggestion: the
title itself is voted on (§4.4).

Bands are inclusive at both ends. Totals have two decimals, so bands written as whole numbers leave
gaps: with 70–90 and 91–100, a total of 90.5 lies in no band and no title is suggested. Use
`contiguous_bands` to build gap-free bands from lower thresholds (70–90.99, 91–∞). Bonus points can
take a total above 100 (97 + 10 = 107), so the top band should usually have no upper bound.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from ._common import CENT, has_at_most_two_decimals
from .errors import RuleViolation


@dataclass(frozen=True)
class Band:
    minimum: Decimal
    maximum: Decimal | None  # None = no upper bound
    title: str


def check_bands(bands: Sequence[Band]) -> None:
    """Raise "band_inverted" if a band ends below its start, "bands_overlap" if two bands share a point."""
    for band in bands:
        if band.maximum is not None and band.minimum > band.maximum:
            raise RuleViolation(
                "band_inverted",
                _("The band “%(title)s” starts at %(minimum)s, above its end %(maximum)s.")
                % {"title": band.title, "minimum": band.minimum, "maximum": band.maximum},
            )
    ordered = sorted(bands, key=lambda b: b.minimum)
    for lower, upper in itertools.pairwise(ordered):
        if lower.maximum is None or upper.minimum <= lower.maximum:
            raise RuleViolation(
                "bands_overlap",
                _("The bands “%(first)s” and “%(second)s” overlap.") % {"first": lower.title, "second": upper.title},
            )


def suggest_title(total: Decimal | None, bands: Sequence[Band]) -> str | None:
    """The title of the band holding `total`; None for no total or a total outside every band."""
    check_bands(bands)
    if total is None:
        return None
    for band in bands:
        if band.minimum <= total and (band.maximum is None or total <= band.maximum):
            return band.title
    return None


def suggest_titles(totals: Sequence[Decimal | None], bands: Sequence[Band]) -> list[str | None]:
    """`suggest_title` of each total, checking the bands once (for a whole block-year at a time)."""
    if any(total is not None for total in totals):
        check_bands(bands)
    spans = [(band.minimum, band.maximum, band.title) for band in bands]
    titles: list[str | None] = []
    for total in totals:
        title = None
        if total is not None:
            for minimum, maximum, band_title in spans:
                if minimum <= total and (maximum is None or total <= maximum):
                    title = band_title
                    break
        titles.append(title)
    return titles


def contiguous_bands(thresholds: Sequence[tuple[Decimal, str]]) -> list[Band]:
    """Gap-free bands from (lower threshold, title) pairs: [(70, A), (91, B)] → A 70–90.99, B 91–∞.

    Thresholds need at most two decimals ("too_many_decimals") and must differ ("bands_overlap").
    """
    ordered = sorted(thresholds, key=lambda t: t[0])
    for minimum, title in ordered:
        if not has_at_most_two_decimals(Decimal(minimum)):
            raise RuleViolation(
                "too_many_decimals",
                _("The threshold of “%(title)s” can have at most two decimals.") % {"title": title},
            )
    for (first, first_title), (second, second_title) in itertools.pairwise(ordered):
        if first == second:
            raise RuleViolation(
                "bands_overlap",
                _("The bands “%(first)s” and “%(second)s” overlap.") % {"first": first_title, "second": second_title},
            )
    uppers: list[Decimal | None] = [Decimal(following) - CENT for following, _title in ordered[1:]]
    bands = [
        Band(minimum=Decimal(minimum), maximum=maximum, title=title)
        for (minimum, title), maximum in zip(ordered, [*uppers, None], strict=False)
    ]
    check_bands(bands)
    return bands
