"""Next year's head and deputies proposed by a block's rotation rule (a pure function).

Practice (domain.md §4.1): the members choose the head and deputies "luân phiên" at the year-end
conference. Blocks write this down differently, so the rule is configurable: a fixed order, the
first deputy moving up to head, or nothing proposed because the conference elects freely.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

FIXED_ORDER = "fixed_order"
DEPUTY_BECOMES_HEAD = "deputy_becomes_head"
ELECTION = "election"


@dataclass(frozen=True)
class RotationProposal:
    head: int | None
    deputies: list[int] = field(default_factory=list)
    needs_election: bool = False


def _cycle_after(members: Sequence[int], start: int | None) -> list[int]:
    """Members in rotation order, beginning just after `start` (or at the first member)."""
    if not members:
        return []
    if start is None or start not in members:
        return list(members)
    i = members.index(start) + 1
    return list(members[i:]) + list(members[:i])


def propose_rotation(
    *,
    rule: str,
    members: Sequence[int],
    head: int | None,
    deputies: Sequence[int],
    deputy_count: int,
) -> RotationProposal:
    """Propose next year's leadership.

    `members` are next year's member ids in rotation order; `head` and `deputies` are this year's.
    The result only names members, never names one unit twice, and has min(deputy_count, n-1) deputies.
    """
    members = list(dict.fromkeys(members))
    if rule == ELECTION or not members:
        return RotationProposal(head=None, deputies=[], needs_election=True)
    wanted = max(0, min(deputy_count, len(members) - 1))
    current_deputies = [d for d in dict.fromkeys(deputies) if d in members and d != head]

    if rule == DEPUTY_BECOMES_HEAD and current_deputies:
        new_head = current_deputies[0]
        chosen = current_deputies[1 : wanted + 1]
        anchor = current_deputies[-1]
    else:
        new_head = _cycle_after(members, head)[0]
        chosen = []
        anchor = new_head

    # Fill deputies in rotation order after the anchor, preferring units that did not just lead.
    outgoing = {head} if head is not None else set()
    for preferred in (True, False):
        for candidate in _cycle_after(members, anchor):
            if len(chosen) >= wanted:
                break
            if candidate == new_head or candidate in chosen:
                continue
            if preferred and candidate in outgoing:
                continue
            chosen.append(candidate)
    return RotationProposal(head=new_head, deputies=chosen[:wanted], needs_election=False)
