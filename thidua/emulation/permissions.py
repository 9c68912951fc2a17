"""Object permissions of the emulation app (rules predicates).

Read this table as the specification; tests/test_permissions.py checks each line per role.
"Leaders" hold block_head or block_deputy on the block-year. "Officers" are provincial/department
officers over the block's organising body. "Staff of X" hold unit_head or unit_clerk on unit X.
"Members' people" are staff of, or officers over, a member unit of the block-year.

| permission                        | object                 | who                                                |
|-----------------------------------|------------------------|----------------------------------------------------|
| emulation.view_plan               | BlockYear              | any signed-in user (plan, covenant and its board)  |
| emulation.manage_plan             | BlockYear              | admin; officers; leaders (edit plan and covenant,  |
|                                   |                        | open, close or reopen the covenant)                |
| emulation.sign_covenant           | Unit                   | the unit head of that unit (superusers, for data   |
|                                   |                        | entry; the service also requires a member unit)    |
| emulation.view_registration       | Registration/BlockYear | any signed-in user                                 |
| emulation.change_registration     | Registration           | admin; staff of its unit (also its key tasks and   |
|                                   |                        | their progress updates)                            |
| emulation.review_registration     | Registration           | admin; the block head of its block-year            |
| emulation.view_tasks              | BlockYear              | admin; officers; leaders; members' people          |
| emulation.view_keytask            | KeyTask                | view_tasks on its block-year                       |
| emulation.view_keytaskupdate      | KeyTaskUpdate          | view_tasks on its block-year (evidence downloads)  |
| emulation.record_progress         | KeyTask                | admin; staff of its unit                           |
| emulation.view_progress_overview  | BlockYear              | admin; officers; leaders                           |
| emulation.view_midyear            | BlockYear              | = view_tasks                                       |
| emulation.manage_midyear          | BlockYear              | admin; officers; the block head                    |
"""

from typing import Any

import rules

from thidua.accounts.predicates import block_role_on, grants_of, is_admin, is_authenticated, officer_covers_path
from thidua.accounts.roles import Role
from thidua.organizations.permissions import (
    head_of_block_year,
    head_of_unit,
    officer_over_block_year,
    staff_officer_of_unit,
)

STAFF_ROLES = (Role.UNIT_HEAD, Role.UNIT_CLERK)


def _member_units(block_year: Any) -> list[tuple[int, str]]:
    """(unit id, unit path) of the block-year's members, loaded once per object."""
    cached = getattr(block_year, "_emulation_member_units", None)
    if cached is None:
        cached = list(block_year.memberships.values_list("unit_id", "unit__path"))
        block_year._emulation_member_units = cached
    return cached


@rules.predicate
def leader_of_block_year(user: Any, block_year: Any) -> bool:
    return block_year is not None and block_role_on(user, block_year.pk, Role.BLOCK_HEAD, Role.BLOCK_DEPUTY)


@rules.predicate
def people_of_member_unit(user: Any, block_year: Any) -> bool:
    """Staff of, or an officer over, at least one member unit of the block-year."""
    if block_year is None:
        return False
    own = {g.unit_id for g in grants_of(user) if g.role in STAFF_ROLES and g.unit_id is not None}
    return any(unit_id in own or officer_covers_path(user, path) for unit_id, path in _member_units(block_year))


@rules.predicate
def staff_of_registration_unit(user: Any, registration: Any) -> bool:
    return registration is not None and staff_officer_of_unit.test(user, registration.unit)


@rules.predicate
def head_of_registration_block_year(user: Any, registration: Any) -> bool:
    return registration is not None and head_of_block_year.test(user, registration.block_year)


@rules.predicate
def staff_of_task_unit(user: Any, task: Any) -> bool:
    return task is not None and staff_officer_of_unit.test(user, task.registration.unit)


manage_plan = is_admin | officer_over_block_year | leader_of_block_year
view_tasks = is_admin | officer_over_block_year | leader_of_block_year | people_of_member_unit


@rules.predicate
def can_view_task(user: Any, task: Any) -> bool:
    return task is not None and bool(view_tasks.test(user, task.registration.block_year))


@rules.predicate
def can_view_task_update(user: Any, update: Any) -> bool:
    return update is not None and bool(can_view_task.test(user, update.task))


rules.add_perm("emulation.view_plan", is_authenticated)
rules.add_perm("emulation.manage_plan", manage_plan)
rules.add_perm("emulation.sign_covenant", head_of_unit)
rules.add_perm("emulation.view_registration", is_authenticated)
rules.add_perm("emulation.change_registration", is_admin | staff_of_registration_unit)
rules.add_perm("emulation.review_registration", is_admin | head_of_registration_block_year)
rules.add_perm("emulation.view_tasks", view_tasks)
rules.add_perm("emulation.view_keytask", can_view_task)
rules.add_perm("emulation.view_keytaskupdate", can_view_task_update)
rules.add_perm("emulation.record_progress", is_admin | staff_of_task_unit)
rules.add_perm("emulation.view_progress_overview", is_admin | officer_over_block_year | leader_of_block_year)
rules.add_perm("emulation.view_midyear", view_tasks)
rules.add_perm("emulation.manage_midyear", is_admin | officer_over_block_year | head_of_block_year)
