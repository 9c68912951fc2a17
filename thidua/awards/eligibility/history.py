"""A candidate's award history as the rules read it: only awards that count, and runs of consecutive years.

"Consecutive" (liên tục, domain.md §2.2) means adjacent assessment years, each with the award: a gap
of one year breaks the run. Revoked awards and awards that do not count as history (thematic,
ad-hoc) are dropped before any rule looks, so adding one can never change a verdict.

A run is counted backwards from its last year; `max_gap` generalises "adjacent" for titles that
cannot be earned in adjacent years: a Provincial emulation fighter needs three new Grassroots
emulation fighter years, so two provincial awards three years apart are "02 lần liên tục"
(parameter `cstd_tinh_max_gap`, see `parameters`).

Everything here is O(records): the history is split by award code once per evaluation.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date

from .data import AwardRecord


def run_years(years: Iterable[int], end: int, *, max_gap: int = 1) -> tuple[int, ...]:
    """The run of awards ending at `end`, oldest first; () when `end` itself has no award.

    Walking back from `end`, the previous award must be at most `max_gap` years earlier (the
    nearest one is taken). `run_years({2019, 2020, 2021, 2023}, 2023)` is (2023,): 2022 is missing.
    """
    present = set(years)
    if end not in present:
        return ()
    run = [end]
    current = end
    while True:
        previous = next((current - d for d in range(1, max_gap + 1) if current - d in present), None)
        if previous is None:
            break
        run.append(previous)
        current = previous
    return tuple(reversed(run))


def consecutive_count(years: Iterable[int], end: int, *, max_gap: int = 1) -> int:
    """How many awards the run ending at `end` holds (0 when `end` has none)."""
    return len(run_years(years, end, max_gap=max_gap))


@dataclass(frozen=True)
class Run:
    """The run a rule used: its years (oldest first), empty when there is none."""

    years: tuple[int, ...] = ()

    @property
    def length(self) -> int:
        return len(self.years)

    @property
    def end(self) -> int | None:
        return self.years[-1] if self.years else None


def run_ends(year: int, run_end: str) -> tuple[int, ...]:
    """The years a run of earlier awards may end in, for an evaluation of `year` (parameter `history_run_end`)."""
    return {"this_year": (year,), "previous_year": (year - 1,), "either": (year, year - 1)}[run_end]


def best_run(years: Iterable[int], *, ends: Iterable[int], max_gap: int = 1, after: int | None = None) -> Run:
    """The longest run ending in one of `ends`, counting only years after `after` (None = all years).

    On equal lengths the later end wins (the more recent achievement).
    """
    usable = {y for y in years if after is None or y > after}
    best = Run()
    for end in sorted(set(ends), reverse=True):
        run = Run(run_years(usable, end, max_gap=max_gap))
        if run.length > best.length:
            best = run
    return best


def _record_order(record: AwardRecord) -> tuple[int, str, date, bool, bool, str]:
    return (
        record.year,
        record.award_code,
        record.decision_date or date.min,
        record.counts_as_history,
        record.revoked,
        repr(record.recipient),
    )


@dataclass(frozen=True)
class History:
    """The candidate's awards that count, split by award code and sorted (year, code, decision date)."""

    by_code: dict[str, tuple[AwardRecord, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, recipient: Hashable, records: Iterable[AwardRecord]) -> "History":
        """Keep `recipient`'s awards that count (not revoked, counting as history); the order given does not matter."""
        grouped: dict[str, list[AwardRecord]] = defaultdict(list)
        for record in records:
            if record.counts and record.recipient == recipient:
                grouped[record.award_code].append(record)
        return cls({code: tuple(sorted(items, key=_record_order)) for code, items in grouped.items()})

    def records(self, code: str) -> tuple[AwardRecord, ...]:
        return self.by_code.get(code, ())

    def years(self, code: str, *, up_to: int | None = None) -> set[int]:
        """The years `code` was awarded, up to and including `up_to`."""
        return {r.year for r in self.records(code) if up_to is None or r.year <= up_to}

    def in_year(self, code: str, year: int) -> tuple[AwardRecord, ...]:
        return tuple(r for r in self.records(code) if r.year == year)

    def last_before(self, code: str, year: int) -> int | None:
        """The latest year before `year` in which `code` was awarded (None if never)."""
        earlier = [r.year for r in self.records(code) if r.year < year]
        return max(earlier) if earlier else None

    def records_in(self, code: str, years: Iterable[int]) -> tuple[AwardRecord, ...]:
        wanted = set(years)
        return tuple(r for r in self.records(code) if r.year in wanted)
