"""The roles a user can hold and what each one is scoped to.

A role is always held on an object (a unit or a block-year) except the system administrator's,
so a unit clerk of one centre can never act on another centre just because of the role's name.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    PROVINCIAL_OFFICER = "provincial_officer", _("Provincial emulation officer")
    DEPARTMENT_OFFICER = "department_officer", _("Department emulation officer")
    BLOCK_HEAD = "block_head", _("Block head")
    BLOCK_DEPUTY = "block_deputy", _("Block deputy head")
    UNIT_HEAD = "unit_head", _("Unit head")
    UNIT_CLERK = "unit_clerk", _("Unit emulation clerk")
    DELEGATE = "delegate", _("Conference delegate")
    VIEWER = "viewer", _("Viewer")


class Scope(models.TextChoices):
    NONE = "none", _("Whole system")
    UNIT = "unit", _("Unit")
    BLOCK_YEAR = "block_year", _("Block-year")


ROLE_SCOPE: dict[str, str] = {
    Role.ADMIN: Scope.NONE,
    Role.PROVINCIAL_OFFICER: Scope.UNIT,
    Role.DEPARTMENT_OFFICER: Scope.UNIT,
    Role.BLOCK_HEAD: Scope.BLOCK_YEAR,
    Role.BLOCK_DEPUTY: Scope.BLOCK_YEAR,
    Role.UNIT_HEAD: Scope.UNIT,
    Role.UNIT_CLERK: Scope.UNIT,
    Role.DELEGATE: Scope.BLOCK_YEAR,
    Role.VIEWER: Scope.NONE,
}

OFFICER_ROLES = frozenset({Role.ADMIN, Role.PROVINCIAL_OFFICER, Role.DEPARTMENT_OFFICER})
