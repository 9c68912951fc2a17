"""The single server-side permission gate used by services, views and API endpoints,
and the rules of the core app itself.

| permission             | object | who                        |
|------------------------|--------|----------------------------|
| core.view_calendarday  | —      | any signed-in user         |
| core.manage_calendar   | —      | admin                      |
"""

from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser

from thidua.accounts.predicates import is_admin, is_authenticated
from thidua.core.exceptions import PermissionDenied


def require_perm(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` holds `perm` on `obj` (rules predicates decide)."""
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        raise PermissionDenied()
    if not actor.has_perm(perm, obj):
        raise PermissionDenied()


rules.add_perm("core.view_calendarday", is_authenticated)
rules.add_perm("core.manage_calendar", is_admin)
