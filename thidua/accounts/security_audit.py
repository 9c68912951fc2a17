"""Audit events for security writes that django-allauth makes itself (2FA and password changes).

allauth saves these rows in its own views, so they cannot go through our services; its signals
are the framework glue that lets the same hash-chained audit log record them.
"""

from typing import Any

from django.db import transaction

from thidua.audit.services import audit_record


def _record(action: str, user: Any, **changes: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=action, obj=user, changes=changes)


def on_authenticator_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _record("user.mfa_added", user, type=authenticator.type)


def on_authenticator_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _record("user.mfa_removed", user, type=authenticator.type)


def on_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _record("user.password_changed", user)


def connect() -> None:
    from allauth.account.signals import password_changed, password_reset, password_set
    from allauth.mfa.signals import authenticator_added, authenticator_removed

    authenticator_added.connect(on_authenticator_added, dispatch_uid="thidua_mfa_added")
    authenticator_removed.connect(on_authenticator_removed, dispatch_uid="thidua_mfa_removed")
    for signal in (password_changed, password_set, password_reset):
        signal.connect(on_password_changed, dispatch_uid=f"thidua_{id(signal)}")
