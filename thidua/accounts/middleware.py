"""Sends officers without TOTP to the 2FA set-up page when THIDUA_REQUIRE_MFA_FOR_OFFICERS is on."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from thidua.accounts.predicates import is_officer_anywhere

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class RequireMfaForOfficersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            getattr(settings, "THIDUA_REQUIRE_MFA_FOR_OFFICERS", False)
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and is_officer_anywhere(request.user)
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)
