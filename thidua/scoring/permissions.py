"""Object permissions of the scoring app (rules predicates).

Read this table as the specification; the permission tests check each line per role.
"Leaders" are the users holding block_head or block_deputy on the block-year. "Staff of X" are the
users holding unit_head or unit_clerk on unit X. Officers are provincial/department officers over
the block's organising body.

| permission                     | object      | who                                                          |
|--------------------------------|-------------|--------------------------------------------------------------|
| scoring.view_criteria          | BlockYear   | any signed-in user                                           |
| scoring.manage_criteria        | BlockYear   | admin; officers; the block head                              |
| scoring.unlock_criteria        | BlockYear   | admin; officers                                              |
| scoring.manage_config          | BlockYear   | admin; officers; the block head                              |
| scoring.manage_reviews         | BlockYear   | admin; officers; the block head (assignments, finalise all)  |
| scoring.declare_conflict       | BlockYear   | admin; officers; leaders; staff of a member unit             |
| scoring.view_ranking           | BlockYear   | admin; officers; leaders; staff of a member unit once published |
| scoring.view_all_sheets        | BlockYear   | admin; officers; leaders                                     |
| scoring.view_sheet             | ScoreSheet  | admin; officers; leaders; reviewer's staff; scored unit's staff (*) |
| scoring.edit_self_sheet        | ScoreSheet  | staff of the scored unit                                     |
| scoring.approve_self_sheet     | ScoreSheet  | the unit head of the scored unit                             |
| scoring.edit_review_sheet      | ScoreSheet  | admin; leaders (head mode); reviewing unit's staff (cross mode) |
| scoring.finalise_sheet         | ScoreSheet  | admin; officers; the block head                              |
| scoring.correct_sheet          | ScoreSheet  | admin; officers; the block head                              |
| scoring.resolve_reconciliation | BlockYear   | admin; officers; the block head                              |
| scoring.view_line              | ScoreLine   | whoever may view the line's sheet (evidence downloads)    |
(*) the scored unit's staff see their self-score always and the reviews of their unit once finalised.
"""

from typing import Any

import rules

from thidua.accounts.predicates import block_role_on, grants_of, is_admin, is_authenticated, unit_role_on
from thidua.accounts.roles import Role
from thidua.organizations.permissions import head_of_block_year, officer_over_block_year

STAFF_ROLES = (Role.UNIT_HEAD, Role.UNIT_CLERK)


def member_unit_ids(block_year: Any) -> set[int]:
    """The member units of a block-year, loaded once per object."""
    cached = getattr(block_year, "_member_unit_ids", None)
    if cached is None:
        cached = set(block_year.memberships.values_list("unit_id", flat=True))
        block_year._member_unit_ids = cached
    return cached


def _review_mode(block_year: Any) -> str:
    """The block-year's review mode, read once per object (pages check many sheets of one year)."""
    cached = getattr(block_year, "_scoring_review_mode", None)
    if cached is None:
        from thidua.scoring.models import ReviewMode, ScoringConfig

        config = ScoringConfig.objects.filter(block_year=block_year).only("review_mode").first()
        cached = config.review_mode if config else ReviewMode.HEAD_AND_DEPUTIES
        block_year._scoring_review_mode = cached
    return cached


@rules.predicate
def leader_of_block_year(user: Any, block_year: Any) -> bool:
    return block_year is not None and block_role_on(user, block_year.pk, Role.BLOCK_HEAD, Role.BLOCK_DEPUTY)


@rules.predicate
def staff_of_member_unit(user: Any, block_year: Any) -> bool:
    if block_year is None:
        return False
    units = {g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id is not None}
    return bool(units & member_unit_ids(block_year))


@rules.predicate
def ranking_published(user: Any, block_year: Any) -> bool:
    from thidua.scoring.models import ScoringConfig

    return (
        block_year is not None
        and ScoringConfig.objects.filter(block_year=block_year, ranking_published_at__isnull=False).exists()
    )


def _on_sheet_year(predicate: Any) -> Any:
    """Lift a block-year predicate to a sheet (the sheet's block-year)."""

    @rules.predicate(name=f"sheet_{predicate.name}")
    def lifted(user: Any, sheet: Any) -> bool:
        return sheet is not None and bool(predicate.test(user, sheet.block_year))

    return lifted


@rules.predicate
def staff_of_scored_unit(user: Any, sheet: Any) -> bool:
    return sheet is not None and unit_role_on(user, sheet.unit_id, *STAFF_ROLES)


@rules.predicate
def head_of_scored_unit(user: Any, sheet: Any) -> bool:
    return sheet is not None and unit_role_on(user, sheet.unit_id, Role.UNIT_HEAD)


@rules.predicate
def staff_of_reviewing_unit(user: Any, sheet: Any) -> bool:
    return (
        sheet is not None
        and sheet.reviewer_unit_id is not None
        and unit_role_on(user, sheet.reviewer_unit_id, *STAFF_ROLES)
    )


@rules.predicate
def is_self_sheet(user: Any, sheet: Any) -> bool:
    return sheet is not None and sheet.kind == "self"


@rules.predicate
def is_finalised_sheet(user: Any, sheet: Any) -> bool:
    return sheet is not None and sheet.status == "finalised"


@rules.predicate
def is_review_sheet_in_head_mode(user: Any, sheet: Any) -> bool:
    return sheet is not None and sheet.kind == "review" and _review_mode(sheet.block_year) == "head_and_deputies"


@rules.predicate
def is_review_sheet_in_cross_mode(user: Any, sheet: Any) -> bool:
    return sheet is not None and sheet.kind == "review" and _review_mode(sheet.block_year) == "cross"


sheet_officer = _on_sheet_year(officer_over_block_year)
sheet_block_head = _on_sheet_year(head_of_block_year)
sheet_leader = _on_sheet_year(leader_of_block_year)

officers = is_admin | officer_over_block_year
organisers = officers | head_of_block_year

rules.add_perm("scoring.view_criteria", is_authenticated)
rules.add_perm("scoring.manage_criteria", organisers)
rules.add_perm("scoring.unlock_criteria", officers)
rules.add_perm("scoring.manage_config", organisers)
rules.add_perm("scoring.manage_reviews", organisers)
rules.add_perm("scoring.declare_conflict", officers | leader_of_block_year | staff_of_member_unit)
rules.add_perm("scoring.view_ranking", officers | leader_of_block_year | (staff_of_member_unit & ranking_published))
rules.add_perm("scoring.view_all_sheets", officers | leader_of_block_year)
rules.add_perm(
    "scoring.view_sheet",
    is_admin
    | sheet_officer
    | sheet_leader
    | (staff_of_scored_unit & (is_self_sheet | is_finalised_sheet))
    | staff_of_reviewing_unit,
)
rules.add_perm(
    "scoring.view_line",
    rules.predicate(lambda user, line: line is not None and user.has_perm("scoring.view_sheet", line.sheet)),
)
rules.add_perm("scoring.edit_self_sheet", is_self_sheet & staff_of_scored_unit)
rules.add_perm("scoring.approve_self_sheet", is_self_sheet & head_of_scored_unit)
rules.add_perm(
    "scoring.edit_review_sheet",
    (is_admin & ~is_self_sheet)
    | (is_review_sheet_in_head_mode & sheet_leader)
    | (is_review_sheet_in_cross_mode & staff_of_reviewing_unit),
)
rules.add_perm("scoring.finalise_sheet", is_admin | sheet_officer | sheet_block_head)
rules.add_perm("scoring.correct_sheet", is_admin | sheet_officer | sheet_block_head)
rules.add_perm("scoring.resolve_reconciliation", organisers)
