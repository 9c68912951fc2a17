"""Automatic cross-scoring (chấm chéo) assignment: which member units review which.

In cross-scoring the reviewers are the block's member units themselves (domain.md §4.3). Each unit
must get exactly `per_unit` reviewers, never itself and never a reviewer with a declared conflict of
interest, and the work should be shared fairly: with no conflicts every unit reviews exactly
`per_unit` others, and with conflicts the spread between the busiest and the idlest reviewer is as
small as the conflicts allow. The result is reproducible: same units (in any order), same conflicts,
same seed → same assignment.

Method: a seeded shuffle of the units arranged in a circle, each unit reviewed by the `per_unit`
units after it (perfectly balanced); other shuffles are tried when that hits a conflict. If none
fits, each unit (most constrained first) takes its least-loaded allowed reviewers, and reviews are
then moved from busier to idler reviewers along exchange paths until no move evens the loads out
further; the result has the smallest possible spread of loads (see `_balance`). Blocks have at most a
few dozen units, so plain breadth-first searches are fast enough.
"""

import random
from collections import deque
from collections.abc import Collection, Hashable, Sequence

from django.utils.translation import gettext as _

from ._common import order_key_function, sorted_keys
from .errors import RuleViolation

SHUFFLE_ATTEMPTS = 300


def _greedy(allowed: dict[int, list[int]], per_unit: int, rank_of: list[int], order: list[int]) -> dict[int, set[int]]:
    """A first assignment: each unit, in `order`, takes its least-loaded allowed reviewers."""
    load = [0] * len(order)
    plan: dict[int, set[int]] = {}
    for unit in order:
        chosen = sorted(allowed[unit], key=lambda r: (load[r], rank_of[r]))[:per_unit]
        for reviewer in chosen:
            load[reviewer] += 1
        plan[unit] = set(chosen)
    return plan


def _exchange_path(
    start: int, plan: dict[int, set[int]], allowed_set: dict[int, set[int]], n: int
) -> dict[int, tuple[int, int]]:
    """Breadth-first search from reviewer `start` over "can take a review from" steps.

    Returns, for every reviewer reachable, (previous reviewer, unit): the previous reviewer can take
    that unit's review over from it. Shifting along a path start → … → x moves one review from x to
    `start` and leaves every other load unchanged.
    """
    came_from: dict[int, tuple[int, int]] = {start: (start, -1)}
    queue = deque([start])
    while queue:
        taker = queue.popleft()
        for unit in range(n):
            if taker in plan[unit] or unit not in allowed_set[taker]:
                continue
            for giver in sorted(plan[unit]):
                if giver not in came_from:
                    came_from[giver] = (taker, unit)
                    queue.append(giver)
    return came_from


def _balance(plan: dict[int, set[int]], allowed: dict[int, list[int]], n: int, rank_of: list[int]) -> None:
    """Even out reviewer loads in place until no review can move from a busier to an idler reviewer.

    A review moves from x to b along an exchange path whenever load(x) ≥ load(b) + 2. When no such
    move exists the load vector is decreasingly minimal (the possible load vectors form an M-convex
    set; Frank & Murota, "Discrete decreasing minimization"), hence it has the smallest possible
    spread between the busiest and the idlest reviewer, and is perfectly balanced whenever a balanced
    assignment exists (checked against brute force in the tests). Each move lowers the sum of squared
    loads, so this ends.
    """
    allowed_set = {reviewer: {u for u in range(n) if reviewer in allowed[u]} for reviewer in range(n)}
    while True:
        load = [0] * n
        for reviewers in plan.values():
            for reviewer in reviewers:
                load[reviewer] += 1
        highest = max(load)
        for idle in sorted(range(n), key=lambda r: (load[r], rank_of[r])):
            if load[idle] + 2 > highest:
                return  # every later reviewer is at least as busy: nothing left to even out
            came_from = _exchange_path(idle, plan, allowed_set, n)
            busy = max(came_from, key=lambda r: (load[r], -rank_of[r]))
            if load[busy] >= load[idle] + 2:
                giver = busy
                while giver != idle:
                    taker, unit = came_from[giver]
                    plan[unit].remove(giver)
                    plan[unit].add(taker)
                    giver = taker
                break
        else:
            return


def assign_reviewers(
    units: Sequence[Hashable],
    *,
    per_unit: int,
    conflicts: Collection[tuple[Hashable, Hashable]] = (),
    seed: int = 0,
) -> dict[Hashable, list[Hashable]]:
    """For each unit, the sorted list of the `per_unit` member units that review it.

    `conflicts` are (reviewer, reviewed unit) pairs that must never be assigned; pairs naming units
    outside `units` are ignored. Raises "invalid_reviewer_count" if `per_unit` < 1, "duplicate_entry"
    for a unit listed twice and "assignment_impossible" when some unit cannot get `per_unit` reviewers.
    """
    if isinstance(per_unit, bool) or not isinstance(per_unit, int) or per_unit < 1:
        raise RuleViolation("invalid_reviewer_count", _("Each unit needs at least one reviewer."), field="per_unit")
    ordered = sorted_keys(units)
    if len(set(ordered)) != len(ordered):
        raise RuleViolation("duplicate_entry", _("A unit is listed more than once."))
    n = len(ordered)
    if per_unit > n - 1:
        raise RuleViolation(
            "assignment_impossible",
            _("A block of %(count)s units cannot give each unit %(per_unit)s reviewers from the other units.")
            % {"count": n, "per_unit": per_unit},
            field="per_unit",
        )
    index = {unit: i for i, unit in enumerate(ordered)}
    banned = {(index[r], index[u]) for r, u in conflicts if r in index and u in index}
    allowed = {u: [r for r in range(n) if r != u and (r, u) not in banned] for u in range(n)}
    short = [ordered[u] for u in range(n) if len(allowed[u]) < per_unit]
    if short:
        raise RuleViolation(
            "assignment_impossible",
            _("Because of conflicts of interest, %(unit)s cannot get %(per_unit)s reviewers.")
            % {"unit": short[0], "per_unit": per_unit},
        )

    rng = random.Random(seed)
    plan: dict[int, list[int]] | None = None
    for _attempt in range(SHUFFLE_ATTEMPTS):
        circle = list(range(n))
        rng.shuffle(circle)
        candidate = {circle[i]: [circle[(i + step) % n] for step in range(1, per_unit + 1)] for i in range(n)}
        if all((r, u) not in banned for u, reviewers in candidate.items() for r in reviewers):
            plan = candidate
            break
    if plan is None:
        rank_of = list(range(n))
        rng.shuffle(rank_of)
        order = sorted(range(n), key=lambda u: (len(allowed[u]), rank_of[u]))  # most constrained first
        greedy = _greedy(allowed, per_unit, rank_of, order)
        _balance(greedy, allowed, n, rank_of)
        plan = {unit: sorted(reviewers) for unit, reviewers in greedy.items()}

    key_order = order_key_function(ordered)
    return {ordered[u]: sorted((ordered[r] for r in plan[u]), key=key_order) for u in range(n)}
