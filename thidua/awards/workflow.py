"""The rules of a proposal's journey, as data (pure: no database, no clock).

Which action moves a proposal from which status to which, and which permission the actor needs for it, is a
table here so that the services (`services/proposals.py`), the pages (which buttons to show) and the tests read the
same rules (awards_wf_common: unit → unit head → block head → department officer → council → decision; a return with
a reason from any office back to the unit; a withdrawal by the unit). The council's arithmetic — strictly more than
a share of the members present — is exact (fractions, never floats), since a one-vote margin decides an award.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from thidua.awards.models.proposals import ProposalStatus

S = ProposalStatus


class Action(StrEnum):
    """What a step does; stored in `ProposalStep.action` and in the audit action "proposal.<action>"."""

    CREATE = "create"
    SUBMIT = "submit"
    APPROVE = "approve"
    SUBMIT_BATCH = "submit_batch"
    COUNCIL = "council"
    RETURN = "return"
    WITHDRAW = "withdraw"
    DECIDE = "decide"


@dataclass(frozen=True)
class Move:
    """One allowed move: `action` from `from_status` to one of `to_statuses`, by a holder of `permission`."""

    action: Action
    from_status: str
    to_statuses: tuple[str, ...]
    permission: str | None

    @property
    def to_status(self) -> str:
        """The target when there is one (every move but the council's vote, which accepts or rejects)."""
        return self.to_statuses[0]


CHANGE = "awards.change_proposal"
APPROVE_UNIT = "awards.approve_unit"
REVIEW_BLOCK = "awards.review_block"
REVIEW_DEPARTMENT = "awards.review_department"
RECORD_COUNCIL = "awards.record_council"

# Statuses that end the journey: nothing moves out of them.
FINAL_STATUSES = frozenset({S.DECIDED, S.REJECTED, S.WITHDRAWN})
# A live proposal counts for "one achievement, one award": everything but returned, withdrawn and rejected.
LIVE_STATUSES = frozenset(set(S.values) - {S.RETURNED, S.WITHDRAWN, S.REJECTED})
# The unit may edit the proposal's texts only while it holds it.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})
# Papers may be added or removed until the journey ends.
ATTACHABLE_STATUSES = frozenset(set(S.values) - FINAL_STATUSES)
FORWARD_ACTIONS = frozenset({Action.SUBMIT, Action.APPROVE, Action.SUBMIT_BATCH, Action.COUNCIL, Action.DECIDE})

# Who must act on a proposal in each status (for pages: "awaiting …").
HOLDER: dict[str, object] = {
    S.DRAFT: _("the unit"),
    S.SUBMITTED: _("the unit head"),
    S.UNIT_APPROVED: _("the block head"),
    S.BLOCK_APPROVED: _("the block head (batch submission)"),
    S.AT_DEPARTMENT: _("the department's emulation officer"),
    S.AT_COUNCIL: _("the provincial council"),
    S.ACCEPTED: _("the deciding authority"),
    S.REJECTED: _("nobody"),
    S.DECIDED: _("nobody"),
    S.RETURNED: _("the unit"),
    S.WITHDRAWN: _("nobody"),
}

# The approval step of each status; a return from that status needs the same permission.
_APPROVER = {
    S.SUBMITTED: APPROVE_UNIT,
    S.UNIT_APPROVED: REVIEW_BLOCK,
    S.BLOCK_APPROVED: REVIEW_BLOCK,
    S.AT_DEPARTMENT: REVIEW_DEPARTMENT,
    S.AT_COUNCIL: RECORD_COUNCIL,
}


def _moves() -> tuple[Move, ...]:
    moves = [
        Move(Action.SUBMIT, S.DRAFT, (S.SUBMITTED,), CHANGE),
        Move(Action.SUBMIT, S.RETURNED, (S.SUBMITTED,), CHANGE),
        Move(Action.APPROVE, S.SUBMITTED, (S.UNIT_APPROVED,), APPROVE_UNIT),
        Move(Action.APPROVE, S.UNIT_APPROVED, (S.BLOCK_APPROVED,), REVIEW_BLOCK),
        Move(Action.SUBMIT_BATCH, S.BLOCK_APPROVED, (S.AT_DEPARTMENT,), REVIEW_BLOCK),
        Move(Action.APPROVE, S.AT_DEPARTMENT, (S.AT_COUNCIL,), REVIEW_DEPARTMENT),
        Move(Action.COUNCIL, S.AT_COUNCIL, (S.ACCEPTED, S.REJECTED), RECORD_COUNCIL),
        # Set by the decisions service inside decision_issue; its own permission (manage_decision) is checked there.
        Move(Action.DECIDE, S.ACCEPTED, (S.DECIDED,), None),
    ]
    moves += [Move(Action.RETURN, status, (S.RETURNED,), permission) for status, permission in _APPROVER.items()]
    moves += [
        Move(Action.WITHDRAW, status, (S.WITHDRAWN,), CHANGE) for status in S.values if status not in FINAL_STATUSES
    ]
    return tuple(moves)


MOVES: tuple[Move, ...] = _moves()
_BY_KEY: dict[tuple[str, str], Move] = {(move.action, move.from_status): move for move in MOVES}

# The parameter (AwardParameter key, in working days) that sets how long the holder of each status has.
DEADLINE_KEYS: dict[str, str] = {
    S.SUBMITTED: "deadline_unit_head_days",
    S.UNIT_APPROVED: "deadline_block_head_days",
    S.AT_DEPARTMENT: "deadline_department_days",
    S.AT_COUNCIL: "deadline_council_days",
    S.ACCEPTED: "deadline_decision_days",
}


def move_for(action: str, status: str) -> Move | None:
    """The move `action` from `status`, or None when that action is not possible from that status."""
    return _BY_KEY.get((str(action), str(status)))


def allowed(action: str, status: str) -> bool:
    return move_for(action, status) is not None


def permission_for(action: str, status: str) -> str | None:
    """The permission code the actor needs for `action` from `status` (None: not possible, or checked elsewhere)."""
    move = move_for(action, status)
    return move.permission if move is not None else None


def actions_from(status: str) -> list[Action]:
    """The actions possible from `status`, in the table's order."""
    seen: list[Action] = []
    for move in MOVES:
        if move.from_status == status and move.action not in seen:
            seen.append(move.action)
    return seen


def targets(status: str) -> set[str]:
    """Every status one move from `status` can reach."""
    return {to for move in MOVES if move.from_status == status for to in move.to_statuses}


def reachable(start: str, moves: Iterable[Move] = MOVES) -> set[str]:
    """Every status reachable from `start` (itself included)."""
    table = list(moves)
    seen = {start}
    frontier = [start]
    while frontier:
        status = frontier.pop()
        for move in table:
            if move.from_status == status:
                for to in move.to_statuses:
                    if to not in seen:
                        seen.add(to)
                        frontier.append(to)
    return seen


def deadline_key(status: str) -> str | None:
    """The AwardParameter key of the number of working days the holder of `status` has (None: no deadline)."""
    return DEADLINE_KEYS.get(str(status))


def is_forward(action: str) -> bool:
    """A forward move re-evaluates eligibility and is refused under a disciplinary hold."""
    return action in FORWARD_ACTIONS


def council_passes(*, votes_for: int, members_present: int, share: Fraction | Decimal) -> bool:
    """True when `votes_for` is strictly more than `share` × `members_present` (exact arithmetic).

    `share` 0.5 is "more than half": 4 of 7 pass, 3 of 6 do not.
    """
    if members_present <= 0:
        return False
    return Fraction(votes_for) > Fraction(share) * members_present
