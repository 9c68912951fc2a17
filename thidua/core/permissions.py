"""The single server-side permission gate used by services, views and API endpoints."""

from typing import Any

from django.contrib.auth.models import AnonymousUser

from thidua.core.exceptions import PermissionDenied


def require_perm(actor: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` holds `perm` on `obj` (rules predicates decide)."""
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        raise PermissionDenied()
    if not actor.has_perm(perm, obj):
        raise PermissionDenied()
