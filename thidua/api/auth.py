"""How an API request proves who it comes from: a personal bearer token, or the browser session.

Tokens are for scripts and integrations: only their SHA-256 is stored, a revoked token stops
working at once, and each use stamps `last_used_at` so owners can spot stale or leaked tokens.
Sessions are for the web pages and the interactive docs; because a browser sends the cookie on
its own, unsafe methods also need the CSRF token. The officers' two-factor rule that the page
middleware enforces by redirecting is enforced here with a 403, since an API client cannot follow
a redirect to a set-up page.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from thidua.accounts.models import ApiToken
from thidua.accounts.predicates import is_officer_anywhere
from thidua.api.errors import CsrfFailed, MfaRequired

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer td_…` checked against ApiToken.key_hash."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token:
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


class SessionAuth(APIKeyCookie):
    """The Django session, with CSRF on unsafe methods and the officers' two-factor rule."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        return self.authenticate(request, request.COOKIES.get(self.param_name))

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if (
            self.csrf
            and request.method not in SAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed()
        if getattr(settings, "THIDUA_REQUIRE_MFA_FOR_OFFICERS", False) and is_officer_anywhere(user):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                raise MfaRequired()
        return user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
# Tokens first: a script never has a session, and a token request must not trip the session's CSRF check.
default_auth = [token_auth, session_auth]
