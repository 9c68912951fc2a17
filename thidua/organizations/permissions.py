"""Object permissions of the organisations app (rules predicates).

Read this table as the specification; tests/test_permission_matrix.py checks every line for
every role on an object the user is responsible for and on one they are not.

| permission                          | object     | who                                               |
|-------------------------------------|------------|---------------------------------------------------|
| organizations.view_unit             | Unit       | any signed-in user                                |
| organizations.add_unit              | parent Unit| admin; officer over the parent                    |
| organizations.change_unit           | Unit       | admin; officer over it; its unit head             |
| organizations.view_person           | Person     | admin; officer over their unit; its head/clerk; self |
| organizations.add_person            | Unit       | admin; officer over it; its unit head or clerk    |
| organizations.change_person         | Person     | admin; officer over their unit; its head/clerk    |
| organizations.view_block(year)      | Block(Year)| any signed-in user                                |
| organizations.add_block             | owner Unit | admin; officer over the owner                     |
| organizations.change_block          | Block      | admin; officer over its owner                     |
| organizations.add_blockyear         | Block      | admin; officer over its owner                     |
| organizations.manage_members        | BlockYear  | admin; officer over the block's owner             |
| organizations.set_leadership        | BlockYear  | admin; officer over the block's owner             |
| organizations.change_blockyear      | BlockYear  | admin; officer over the owner; the block head     |
| organizations.advance_phase         | BlockYear  | admin; officer over the owner; the block head     |
| organizations.close_blockyear       | BlockYear  | admin; officer over the owner                     |
| organizations.hand_over             | BlockYear  | admin; officer over the owner; the block head (*) |
(*) hand over: give next year's seats to the units the members elected at the year-end conference.
"""

from typing import Any

import rules

from thidua.accounts.predicates import (
    block_role_on,
    is_admin,
    is_authenticated,
    officer_covers_path,
    unit_role_on,
)
from thidua.accounts.roles import Role


def _current_unit_paths(person: Any) -> list[tuple[int, str]]:
    cached = getattr(person, "_current_units", None)
    if cached is None:
        cached = [
            (m.unit_id, m.unit.path)
            for m in person.memberships.filter(end_date__isnull=True).select_related("unit").only("unit__path")
        ]
        person._current_units = cached
    return cached


@rules.predicate
def officer_over_unit(user: Any, unit: Any) -> bool:
    return unit is not None and officer_covers_path(user, unit.path)


@rules.predicate
def head_of_unit(user: Any, unit: Any) -> bool:
    return unit is not None and unit_role_on(user, unit.pk, Role.UNIT_HEAD)


@rules.predicate
def staff_officer_of_unit(user: Any, unit: Any) -> bool:
    return unit is not None and unit_role_on(user, unit.pk, Role.UNIT_HEAD, Role.UNIT_CLERK)


@rules.predicate
def officer_over_person(user: Any, person: Any) -> bool:
    return person is not None and any(officer_covers_path(user, path) for _, path in _current_unit_paths(person))


@rules.predicate
def staff_officer_of_person(user: Any, person: Any) -> bool:
    return person is not None and any(
        unit_role_on(user, unit_id, Role.UNIT_HEAD, Role.UNIT_CLERK) for unit_id, _ in _current_unit_paths(person)
    )


@rules.predicate
def is_self(user: Any, person: Any) -> bool:
    return person is not None and person.user_id is not None and person.user_id == user.pk


@rules.predicate
def officer_over_block(user: Any, block: Any) -> bool:
    return block is not None and officer_covers_path(user, block.owner.path)


@rules.predicate
def officer_over_block_year(user: Any, block_year: Any) -> bool:
    return block_year is not None and officer_covers_path(user, block_year.block.owner.path)


@rules.predicate
def head_of_block_year(user: Any, block_year: Any) -> bool:
    return block_year is not None and block_role_on(user, block_year.pk, Role.BLOCK_HEAD)


rules.add_perm("organizations.view_unit", is_authenticated)
rules.add_perm("organizations.add_unit", is_admin | officer_over_unit)
rules.add_perm("organizations.change_unit", is_admin | officer_over_unit | head_of_unit)
rules.add_perm("organizations.view_person", is_admin | officer_over_person | staff_officer_of_person | is_self)
rules.add_perm("organizations.add_person", is_admin | officer_over_unit | staff_officer_of_unit)
rules.add_perm("organizations.change_person", is_admin | officer_over_person | staff_officer_of_person)
rules.add_perm("organizations.view_block", is_authenticated)
rules.add_perm("organizations.view_blockyear", is_authenticated)
rules.add_perm("organizations.add_block", is_admin | officer_over_unit)
rules.add_perm("organizations.change_block", is_admin | officer_over_block)
rules.add_perm("organizations.add_blockyear", is_admin | officer_over_block)
rules.add_perm("organizations.manage_members", is_admin | officer_over_block_year)
rules.add_perm("organizations.set_leadership", is_admin | officer_over_block_year)
rules.add_perm("organizations.change_blockyear", is_admin | officer_over_block_year | head_of_block_year)
rules.add_perm("organizations.advance_phase", is_admin | officer_over_block_year | head_of_block_year)
rules.add_perm("organizations.close_blockyear", is_admin | officer_over_block_year)
rules.add_perm("organizations.hand_over", is_admin | officer_over_block_year | head_of_block_year)
