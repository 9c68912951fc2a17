"""The ranking table of a block: ranks per track, with the block's tie-break steps.

Units are ranked by their final total, separately in each ranking track (An Giang ranks schools and
offices of one block apart, domain.md §4.3). How equal totals are separated is not fixed by any text
found (§4.4, UNCONFIRMED), so each block lists its own tie-break steps: a criteria group's score,
fewer deductions, the self score, the bonus. Units still equal after every step share a rank
(standard competition ranking: 1, 2, 2, 4).

`rank_cents` is the same ranking for the national recompute's hot path (60,000 units at once): entries
are plain tuples with the figures in whole hundredths, the result a dict, and the tie-break values are
built only for the entries that share a total (a unit alone on its total is decided by the total). Its
property test checks that it gives exactly what `rank` gives, entry by entry.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from ._common import order_key_function
from .errors import RuleViolation


class TieBreak(StrEnum):
    GROUP = "group"  # higher score in a named criteria group
    FEWER_DEDUCTIONS = "fewer_deductions"
    SELF_SCORE = "self_score"  # higher self score; no self score counts below any
    BONUS = "bonus"  # higher bonus


@dataclass(frozen=True)
class TieBreakStep:
    kind: TieBreak
    group: str | None = None

    @property
    def label(self) -> str:
        """The name used in `Ranked.decided_by`: "fewer_deductions", "group:B", …"""
        return f"group:{self.group}" if self.kind == TieBreak.GROUP else str(self.kind)


@dataclass(frozen=True)
class RankInput:
    key: Hashable
    total: Decimal
    track: str = ""
    # Left out of the hash (a dict is not hashable) but compared; equal inputs still hash equal.
    group_scores: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    deductions: Decimal = Decimal(0)  # the points taken away (sign ignored)
    self_score: Decimal | None = None
    bonus: Decimal = Decimal(0)


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    track: str
    rank: int
    tied: bool
    decided_by: str | None  # the last step needed to separate it from its neighbours; None if tied or alone


def _step_value(entry: RankInput, step: TieBreakStep) -> tuple[Any, ...]:
    """A tuple where higher is better."""
    if step.kind == TieBreak.GROUP:
        return (Decimal(entry.group_scores.get(step.group or "", 0)),)
    if step.kind == TieBreak.FEWER_DEDUCTIONS:
        return (-abs(Decimal(entry.deductions)),)
    if step.kind == TieBreak.SELF_SCORE:
        return (entry.self_score is not None, Decimal(entry.self_score or 0))
    return (Decimal(entry.bonus),)


def _check_steps(tie_breaks: Sequence[TieBreakStep]) -> list[TieBreakStep]:
    steps = []
    for step in tie_breaks:
        step = TieBreakStep(TieBreak(step.kind), step.group)
        if step.kind == TieBreak.GROUP and not step.group:
            raise RuleViolation("invalid_tie_break", _("A tie-break by criteria group must name the group."))
        steps.append(step)
    return steps


def _first_difference(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    for i, value in enumerate(a):
        if value != b[i]:
            return i
    raise ValueError("equal sort keys")  # never: groups hold the entries with equal keys


def rank(entries: Iterable[RankInput], *, tie_breaks: Sequence[TieBreakStep] = ()) -> list[Ranked]:
    """Rank `entries` within each track: total first, then each tie-break step in order.

    The result is sorted by track, rank and key, and does not depend on the order of `entries`.
    `decided_by` names the deepest step ("total", "group:B", "bonus", …) that was needed to separate
    an entry from the entries just above and just below it.
    """
    items = list(entries)
    steps = _check_steps(tie_breaks)
    labels = ["total", *(s.label for s in steps)]
    if len({entry.key for entry in items}) != len(items):
        seen: set[Hashable] = set()
        for entry in items:
            if entry.key in seen:
                raise RuleViolation(
                    "duplicate_entry",
                    _("The unit %(key)s appears more than once in the ranking.") % {"key": entry.key},
                )
            seen.add(entry.key)
    key_order = order_key_function(e.key for e in items)

    def sort_key(entry: RankInput) -> tuple[tuple[Any, ...], ...]:
        return ((Decimal(entry.total),), *(_step_value(entry, s) for s in steps))

    by_track: dict[str, list[tuple[tuple[tuple[Any, ...], ...], RankInput]]] = defaultdict(list)
    for entry in items:
        by_track[entry.track].append((sort_key(entry), entry))

    result: list[Ranked] = []
    for track in sorted(by_track):
        # Groups of entries equal on every step, best first, with their common sort key.
        groups: list[tuple[tuple[tuple[Any, ...], ...], list[RankInput]]] = []
        for keyed, entry in sorted(by_track[track], key=lambda pair: pair[0], reverse=True):
            if groups and groups[-1][0] == keyed:
                groups[-1][1].append(entry)
            else:
                groups.append((keyed, [entry]))
        # depths[i]: the first step that separates group i from group i + 1.
        depths = [_first_difference(groups[i][0], groups[i + 1][0]) for i in range(len(groups) - 1)]

        position = 1
        for index, (_keyed, group) in enumerate(groups):
            tied = len(group) > 1
            decided_by: str | None = None
            if not tied:
                around = depths[max(index - 1, 0) : index + 1]
                decided_by = labels[max(around)] if around else None
                result.append(Ranked(key=group[0].key, track=track, rank=position, tied=False, decided_by=decided_by))
            else:
                for entry in sorted(group, key=lambda e: key_order(e.key)):
                    result.append(Ranked(key=entry.key, track=track, rank=position, tied=True, decided_by=None))
            position += len(group)
    return result


# (key, track, total, group scores, deductions, self score, bonus), the figures in whole hundredths.
type CentsEntry = tuple[Hashable, str, int, Mapping[str, int], int, int | None, int]


def _step_value_cents(entry: CentsEntry, step: TieBreakStep) -> tuple[Any, ...]:
    """`_step_value` of a `CentsEntry` (higher is better)."""
    if step.kind == TieBreak.GROUP:
        return (entry[3].get(step.group or "", 0),)
    if step.kind == TieBreak.FEWER_DEDUCTIONS:
        return (-abs(entry[4]),)
    if step.kind == TieBreak.SELF_SCORE:
        return (entry[5] is not None, entry[5] or 0)
    return (entry[6],)


def _rank_equal_totals(
    entries: Sequence[CentsEntry],
    start: int,
    steps: Sequence[TieBreakStep],
    labels: Sequence[str],
    result: dict[Hashable, tuple[int, bool, str | None]],
) -> None:
    """Rank entries that share a total, from rank `start`: the tie-break steps decide among them.

    Their neighbours outside differ on the total (depth 0), so only the neighbours inside can name a
    deeper step: the entries are ranked as `rank` does, within this run of equal totals alone.
    """
    keyed = sorted(
        (((*(_step_value_cents(e, s) for s in steps),), e) for e in entries), key=lambda p: p[0], reverse=True
    )
    groups: list[tuple[tuple[Any, ...], list[CentsEntry]]] = []
    for values, entry in keyed:
        if groups and groups[-1][0] == values:
            groups[-1][1].append(entry)
        else:
            groups.append((values, [entry]))
    # depths[i]: the label of the first step that separates group i from group i + 1 (1 = the first step).
    depths = [_first_difference(groups[i][0], groups[i + 1][0]) + 1 for i in range(len(groups) - 1)]
    position = start
    for index, (_values, group) in enumerate(groups):
        if len(group) > 1:
            for entry in group:
                result[entry[0]] = (position, True, None)
        else:
            around = depths[max(index - 1, 0) : index + 1]
            result[group[0][0]] = (position, False, labels[max(around)])
        position += len(group)


def rank_cents(
    entries: Sequence[CentsEntry], *, tie_breaks: Sequence[TieBreakStep] = ()
) -> dict[Hashable, tuple[int, bool, str | None]]:
    """`rank` of entries given as tuples in whole hundredths: key → (rank, tied, decided_by).

    Each entry is `(key, track, total, group_scores, deductions, self_score, bonus)`, as `RankInput`
    but with ints (9550 = 95.50). Same ranks, ties and `decided_by` as `rank`, same errors
    ("invalid_tie_break", "duplicate_entry").
    """
    steps = _check_steps(tie_breaks)
    labels = ["total", *(s.label for s in steps)]
    if len({entry[0] for entry in entries}) != len(entries):
        seen: set[Hashable] = set()
        for entry in entries:
            if entry[0] in seen:
                raise RuleViolation(
                    "duplicate_entry",
                    _("The unit %(key)s appears more than once in the ranking.") % {"key": entry[0]},
                )
            seen.add(entry[0])
    by_track: dict[str, list[CentsEntry]] = defaultdict(list)
    for entry in entries:
        by_track[entry[1]].append(entry)
    result: dict[Hashable, tuple[int, bool, str | None]] = {}
    for items in by_track.values():
        items.sort(key=lambda e: e[2], reverse=True)
        count = len(items)
        alone = "total" if count > 1 else None  # a unit alone on its total: decided by it (if it has neighbours)
        i = 0
        while i < count:
            total = items[i][2]
            j = i + 1
            while j < count and items[j][2] == total:
                j += 1
            if j == i + 1:
                result[items[i][0]] = (i + 1, False, alone)
            else:
                _rank_equal_totals(items[i:j], i + 1, steps, labels, result)
            i = j
    return result
