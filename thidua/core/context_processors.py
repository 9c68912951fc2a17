"""Template context shared by every page: the navigation entries the user's roles allow."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from thidua.accounts.predicates import is_officer_anywhere, user_is_admin


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (reverse("home"), _("My work")),
        (reverse("organizations:block_list"), _("Blocks")),
        (reverse("organizations:unit_list"), _("Units")),
        (reverse("organizations:person_list"), _("People")),
    ]
    if is_officer_anywhere(user):
        items.append((reverse("audit:event_list"), _("Audit log")))
    if user_is_admin(user) or user.is_staff:
        items.append((reverse("admin:index"), _("Administration")))
    return {"nav_items": [{"url": url, "label": label, "active": request.path.startswith(url) and url != "/" or request.path == url} for url, label in items]}
