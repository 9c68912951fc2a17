"""The workflow table (pure): every status reachable, nothing leaves a final status, the permissions of each move,
the deadlines, and the council's exact arithmetic (hypothesis)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thidua.awards import workflow
from thidua.awards.models import ProposalStatus
from thidua.awards.workflow import Action

S = ProposalStatus
statuses = st.sampled_from(list(S.values))
actions = st.sampled_from(list(Action))


def test_every_status_is_reachable_from_draft() -> None:
    assert workflow.reachable(S.DRAFT) == set(S.values)


@given(statuses)
def test_nothing_moves_out_of_a_final_status(status: str) -> None:
    if status in workflow.FINAL_STATUSES:
        assert workflow.actions_from(status) == []
        assert workflow.targets(status) == set()
        assert workflow.reachable(status) == {status}
    else:
        assert workflow.allowed(Action.WITHDRAW, status)


@given(actions, statuses)
def test_a_move_is_allowed_exactly_when_it_has_a_target(action: Action, status: str) -> None:
    move = workflow.move_for(action, status)
    assert (move is not None) == workflow.allowed(action, status)
    if move is not None:
        assert move.to_statuses
        assert all(to in S.values for to in move.to_statuses)
        assert move.from_status not in workflow.FINAL_STATUSES


@given(statuses)
def test_a_return_needs_the_permission_of_the_approval_of_that_status(status: str) -> None:
    returned = workflow.permission_for(Action.RETURN, status)
    forward = workflow.permission_for(Action.APPROVE, status) or workflow.permission_for(Action.SUBMIT_BATCH, status)
    forward = forward or workflow.permission_for(Action.COUNCIL, status)
    if returned is not None:
        assert returned == forward
        assert workflow.move_for(Action.RETURN, status).to_status == S.RETURNED  # type: ignore[union-attr]


def test_the_table_of_the_brief() -> None:
    expected = {
        (Action.SUBMIT, S.DRAFT): (S.SUBMITTED, "awards.change_proposal"),
        (Action.SUBMIT, S.RETURNED): (S.SUBMITTED, "awards.change_proposal"),
        (Action.APPROVE, S.SUBMITTED): (S.UNIT_APPROVED, "awards.approve_unit"),
        (Action.APPROVE, S.UNIT_APPROVED): (S.BLOCK_APPROVED, "awards.review_block"),
        (Action.SUBMIT_BATCH, S.BLOCK_APPROVED): (S.AT_DEPARTMENT, "awards.review_block"),
        (Action.APPROVE, S.AT_DEPARTMENT): (S.AT_COUNCIL, "awards.review_department"),
        (Action.RETURN, S.BLOCK_APPROVED): (S.RETURNED, "awards.review_block"),
        (Action.RETURN, S.AT_DEPARTMENT): (S.RETURNED, "awards.review_department"),
        (Action.RETURN, S.AT_COUNCIL): (S.RETURNED, "awards.record_council"),
        (Action.WITHDRAW, S.ACCEPTED): (S.WITHDRAWN, "awards.change_proposal"),
        (Action.DECIDE, S.ACCEPTED): (S.DECIDED, None),
    }
    for (action, status), (to, permission) in expected.items():
        move = workflow.move_for(action, status)
        assert move is not None, (action, status)
        assert (move.to_status, move.permission) == (to, permission)
    council = workflow.move_for(Action.COUNCIL, S.AT_COUNCIL)
    assert council is not None
    assert set(council.to_statuses) == {S.ACCEPTED, S.REJECTED}
    assert not workflow.allowed(Action.APPROVE, S.BLOCK_APPROVED)  # the batch moves it
    assert not workflow.allowed(Action.RETURN, S.DRAFT)
    assert not workflow.allowed(Action.RETURN, S.ACCEPTED)


def test_deadlines_and_live_statuses() -> None:
    assert workflow.deadline_key(S.SUBMITTED) == "deadline_unit_head_days"
    assert workflow.deadline_key(S.UNIT_APPROVED) == "deadline_block_head_days"
    assert workflow.deadline_key(S.AT_DEPARTMENT) == "deadline_department_days"
    assert workflow.deadline_key(S.AT_COUNCIL) == "deadline_council_days"
    assert workflow.deadline_key(S.ACCEPTED) == "deadline_decision_days"
    for status in (S.DRAFT, S.BLOCK_APPROVED, S.RETURNED, S.DECIDED, S.REJECTED, S.WITHDRAWN):
        assert workflow.deadline_key(status) is None
    assert set(S.values) - workflow.LIVE_STATUSES == {S.RETURNED, S.WITHDRAWN, S.REJECTED}
    assert set(workflow.HOLDER) == set(S.values)


@pytest.mark.parametrize(
    ("votes", "present", "share", "passes"),
    [
        (4, 7, Decimal("0.5"), True),
        (3, 6, Decimal("0.5"), False),
        (4, 6, Decimal("0.5"), True),
        (0, 1, Decimal("0"), False),
        (1, 1, Decimal("0"), True),
        (2, 3, Fraction(2, 3), False),
        (3, 3, Fraction(2, 3), True),
        (5, 0, Decimal("0.5"), False),
    ],
)
def test_council_passes_worked_examples(votes: int, present: int, share: Decimal | Fraction, passes: bool) -> None:
    assert workflow.council_passes(votes_for=votes, members_present=present, share=share) is passes


shares = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)


@given(st.integers(0, 200), st.integers(0, 200), st.integers(1, 200), shares)
def test_council_passes_is_monotonic_in_votes_for(a: int, b: int, present: int, share: Decimal) -> None:
    low, high = sorted((a, b))
    if workflow.council_passes(votes_for=low, members_present=present, share=share):
        assert workflow.council_passes(votes_for=high, members_present=present, share=share)


@given(st.integers(0, 200), st.integers(1, 200), shares)
def test_council_passes_is_exact(votes: int, present: int, share: Decimal) -> None:
    # strictly more than share × present, computed in integers: votes × 1000 > share×1000 × present
    scaled = int(share * 1000)
    assert workflow.council_passes(votes_for=votes, members_present=present, share=share) is (
        votes * 1000 > scaled * present
    )


@given(st.integers(1, 200), shares, shares)
def test_a_higher_share_never_passes_more(present: int, s1: Decimal, s2: Decimal) -> None:
    low, high = sorted((s1, s2))
    for votes in range(present + 1):
        if workflow.council_passes(votes_for=votes, members_present=present, share=high):
            assert workflow.council_passes(votes_for=votes, members_present=present, share=low)
