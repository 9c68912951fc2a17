"""Writes of the accounts app: personal API tokens.

Like every service, these check who may act, run in one transaction and record an audit event.
The clear token exists only in the return value of api_token_create; the database keeps its
SHA-256, and the audit log keeps the name and the short prefix that owners use to tell tokens apart.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.models import ApiToken
from thidua.accounts.predicates import user_is_admin
from thidua.audit.services import audit_record
from thidua.core.exceptions import PermissionDenied, ValidationFailed

MAX_ACTIVE_TOKENS = 20
PREFIX_LENGTH = 8


def _require_signed_in(actor: Any) -> None:
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied()


@transaction.atomic
def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for `actor` itself; returns the row and the clear token (shown once)."""
    _require_signed_in(actor)
    clean_name = (name or "").strip()
    if not clean_name:
        raise ValidationFailed(_("This field is required."), code="required", field="name")
    if len(clean_name) > 100:
        raise ValidationFailed(
            _("Ensure this value has at most %(max)d characters.") % {"max": 100}, code="too_long", field="name"
        )
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You already have %(max)d active tokens; revoke one first.") % {"max": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    clear = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=actor, name=clean_name, key_hash=ApiToken.hash_key(clear), prefix=clear[:PREFIX_LENGTH]
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"user": [None, actor.pk], "name": [None, token.name], "prefix": [None, token.prefix]},
    )
    return token, clear


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may an administrator."""
    _require_signed_in(actor)
    if token.user_id != actor.pk and not user_is_admin(actor):
        raise PermissionDenied()
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationFailed(_("This token has already been revoked."), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        obj=token,
        changes={"user": token.user_id, "revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token
