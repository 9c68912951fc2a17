"""Which permission lets a user download the attachments of each kind of owner.

Apps register their owner models in `AppConfig.ready()`; an owner that is not registered has no
downloadable attachments, so a file can never be served without an object permission check.
"""

from django.db import models

_VIEW_PERMS: dict[str, str] = {}


def register_owner(model: type[models.Model], view_perm: str) -> None:
    _VIEW_PERMS[model._meta.label_lower] = view_perm


def view_perm_for(model: type[models.Model]) -> str | None:
    return _VIEW_PERMS.get(model._meta.label_lower)
