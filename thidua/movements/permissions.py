"""Object permissions of the movements app (rules predicates).

Read this table as the specification; tests/test_permissions.py checks each line per role.
"Leaders" hold block_head or block_deputy on the block-year. "Officers over the block" are
provincial/department officers over the block's organising body. "Staff of X" hold unit_head or
unit_clerk on unit X; "officers over X" are officers over unit X's subtree.

| permission                     | object           | who                                                         |
|--------------------------------|------------------|-------------------------------------------------------------|
| movements.view_movement        | Movement         | any signed-in user                                          |
| movements.manage_movements     | BlockYear        | admin; officers over the block; leaders                     |
| movements.add_movement         | BlockYear        | = manage_movements                                          |
| movements.change_movement      | Movement         | admin; officers over the block; leaders (of its block-year) |
| movements.delete_movement      | Movement         | = change_movement                                           |
| movements.represent_unit       | Unit             | admin; officers over the unit; staff of the unit            |
| (join / leave a movement)      | Movement + Unit  | change_movement, or represent_unit on the joining unit      |
| movements.view_activity        | Activity         | any signed-in user                                          |
| movements.add_activity         | BlockYear        | manage_movements; staff of, or officers over, a member unit |
| (create for an organiser)      | BlockYear + Unit | manage_movements, or represent_unit on the organiser        |
| movements.change_activity      | Activity         | admin; officers over the block; leaders; staff of, or       |
|                                |                  | officers over, the organiser                                |
| movements.delete_activity      | Activity         | = change_activity                                           |
| movements.view_practice        | Practice         | published: any signed-in user; otherwise admin; officers    |
|                                |                  | over the block or the unit; leaders; staff of the unit      |
| movements.add_practice         | Unit             | = represent_unit                                            |
| movements.change_practice      | Practice         | admin; officers over the unit; staff of the unit            |
| movements.publish_practice     | Practice         | = change_practice                                           |
| movements.withdraw_practice    | Practice         | change_practice; officers over the block                    |
| movements.delete_practice      | Practice         | = change_practice                                           |
| movements.comment_practice     | Practice         | = view_practice (the service also requires it published)    |
| movements.delete_comment       | PracticeComment  | admin; its author                                           |
| (adopt a practice)             | Practice + Unit  | view_practice, and represent_unit on the adopting unit      |
| movements.delete_adoption      | PracticeAdoption | admin; officers over, or staff of, the adopting unit        |
"""

from typing import Any

import rules

from thidua.accounts.predicates import (
    block_role_on,
    grants_of,
    is_admin,
    is_authenticated,
    officer_covers_path,
)
from thidua.accounts.roles import Role
from thidua.organizations.permissions import (
    officer_over_block_year,
    officer_over_unit,
    staff_officer_of_unit,
)

STAFF_ROLES = (Role.UNIT_HEAD, Role.UNIT_CLERK)


def _member_units(block_year: Any) -> list[tuple[int, str]]:
    """(unit id, unit path) of the block-year's members, loaded once per object."""
    cached = getattr(block_year, "_movement_member_units", None)
    if cached is None:
        cached = list(block_year.memberships.values_list("unit_id", "unit__path"))
        block_year._movement_member_units = cached
    return cached


@rules.predicate
def leader_of_block_year(user: Any, block_year: Any) -> bool:
    return block_year is not None and block_role_on(user, block_year.pk, Role.BLOCK_HEAD, Role.BLOCK_DEPUTY)


@rules.predicate
def acts_for_member_unit(user: Any, block_year: Any) -> bool:
    """Staff of, or an officer over, at least one member unit of the block-year."""
    if block_year is None:
        return False
    own = {g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id is not None}
    return any(unit_id in own or officer_covers_path(user, path) for unit_id, path in _member_units(block_year))


def _on_block_year(predicate: Any) -> Any:
    """Lift a block-year predicate to an object that has a block_year (movement, activity, practice)."""

    @rules.predicate(name=f"{predicate.name}_of_object")
    def lifted(user: Any, obj: Any) -> bool:
        return obj is not None and bool(predicate.test(user, obj.block_year))

    return lifted


def _on_unit(predicate: Any, attr: str) -> Any:
    """Lift a unit predicate to an object's unit held in `attr` (organiser, unit)."""

    @rules.predicate(name=f"{predicate.name}_{attr}")
    def lifted(user: Any, obj: Any) -> bool:
        return obj is not None and bool(predicate.test(user, getattr(obj, attr)))

    return lifted


@rules.predicate
def is_published(user: Any, practice: Any) -> bool:
    return practice is not None and practice.status == "published"


@rules.predicate
def is_comment_author(user: Any, comment: Any) -> bool:
    return comment is not None and comment.author_id is not None and comment.author_id == user.pk


manage_movements = is_admin | officer_over_block_year | leader_of_block_year
represent_unit = is_admin | officer_over_unit | staff_officer_of_unit
manage_object_year = is_admin | _on_block_year(officer_over_block_year) | _on_block_year(leader_of_block_year)
change_activity = (
    manage_object_year | _on_unit(staff_officer_of_unit, "organiser") | _on_unit(officer_over_unit, "organiser")
)
change_practice = is_admin | _on_unit(officer_over_unit, "unit") | _on_unit(staff_officer_of_unit, "unit")
view_practice = (is_authenticated & is_published) | change_practice | manage_object_year
withdraw_practice = change_practice | _on_block_year(officer_over_block_year)
unit_of_adoption = _on_unit(represent_unit, "unit")

rules.add_perm("movements.view_movement", is_authenticated)
rules.add_perm("movements.manage_movements", manage_movements)
rules.add_perm("movements.add_movement", manage_movements)
rules.add_perm("movements.change_movement", manage_object_year)
rules.add_perm("movements.delete_movement", manage_object_year)
rules.add_perm("movements.represent_unit", represent_unit)
rules.add_perm("movements.view_activity", is_authenticated)
rules.add_perm("movements.add_activity", manage_movements | acts_for_member_unit)
rules.add_perm("movements.change_activity", change_activity)
rules.add_perm("movements.delete_activity", change_activity)
rules.add_perm("movements.view_practice", view_practice)
rules.add_perm("movements.add_practice", represent_unit)
rules.add_perm("movements.change_practice", change_practice)
rules.add_perm("movements.publish_practice", change_practice)
rules.add_perm("movements.withdraw_practice", withdraw_practice)
rules.add_perm("movements.delete_practice", change_practice)
rules.add_perm("movements.comment_practice", view_practice)
rules.add_perm("movements.delete_comment", is_admin | is_comment_author)
rules.add_perm("movements.delete_adoption", unit_of_adoption)
