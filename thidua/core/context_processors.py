"""Template context shared by every page: the navigation entries the user's roles allow.

Navigation is built here rather than in base.html so that which entries a role sees is decided
in Python next to the permission predicates, and every page gets the same menu.
"""

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
        (reverse("home"), _("My work"), "list-check"),
        (reverse("organizations:block_list"), _("Blocks"), "collection"),
        (reverse("conferences:list"), _("Conferences"), "easel"),
        (reverse("organizations:unit_list"), _("Units"), "building"),
        (reverse("organizations:person_list"), _("People"), "people"),
        (reverse("movements:practice_library"), _("Good practices"), "lightbulb"),
        (reverse("awards:search"), _("Awards registry"), "award"),
        (reverse("awards:decision_list"), _("Decisions"), "file-earmark-text"),
        (reverse("awards:proposals"), _("Proposals"), "send"),
    ]
    if is_officer_anywhere(user):
        items.append((reverse("audit:event_list"), _("Audit log"), "journal-text"))
    if user_is_admin(user) or user.is_staff:
        items.append((reverse("admin:index"), _("Administration"), "gear"))
    path = request.path
    return {
        "nav_items": [
            {"url": url, "label": label, "icon": icon, "active": path == url or (url != "/" and path.startswith(url))}
            for url, label, icon in items
        ]
    }
