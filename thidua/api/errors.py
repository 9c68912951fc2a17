"""One JSON error shape for every failure the API can answer with.

Clients program against the stable `code`; people read the translated `message`. Django and
django-ninja each raise their own exceptions (404, permission, validation, oversized or broken
bodies); the handlers here turn all of them into the same body, so no HTML error page or
ninja-specific `{"detail": ...}` ever reaches a client.
"""

import json
import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from thidua.core.exceptions import DomainError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    """The body of every error response."""

    code: str
    message: str
    field: str | None = None
    details: list[dict[str, Any]] | None = None


class MfaRequired(DomainError):
    code = "mfa_required"
    status = 403
    default_message = _("Set up two-factor authentication before using the API.")


class CsrfFailed(DomainError):
    code = "csrf_failed"
    status = 403
    default_message = _("The CSRF check failed; send the X-CSRFToken header with session requests.")


class InvalidReference(DomainError):
    """A body field names an object that does not exist (or that the user may not see)."""

    code = "invalid_reference"
    status = 400
    default_message = _("The referenced object does not exist.")


MESSAGES: dict[str, Any] = {
    "not_found": _("The object was not found."),
    "permission_denied": _("You do not have permission to do this."),
    "not_authenticated": _("Authentication is required: sign in or send an API token."),
    "invalid": _("The data is not valid."),
    "malformed_json": _("The request body is not valid JSON."),
    "payload_too_large": _("The request body is too large."),
    "throttled": _("Too many requests; try again later."),
    "server_error": _("An unexpected error occurred."),
    "error": _("The request could not be completed."),
}

HTTP_CODES = {400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found", 429: "throttled"}


def error_body(code: str, message: Any = None, *, field: str | None = None, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": str(message if message is not None else MESSAGES[code])}
    if field:
        body["field"] = field
    if details is not None:
        body["details"] = details
    return body


def _json_safe(value: Any) -> Any:
    """Validation contexts may hold exceptions or other objects that JSON cannot carry."""
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "code") names the field "code"; ("query", "kind") names "kind".
        field_parts = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
        details.append(
            {
                "loc": loc,
                "field": ".".join(field_parts) or None,
                "type": error.get("type"),
                "msg": _json_safe(error.get("msg")),
            }
        )
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the JSON handlers on `api` (they replace ninja's defaults)."""

    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.status, exc.as_dict())

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = _validation_details(exc.errors)
        field = details[0]["field"] if details else None
        return respond(request, 422, error_body("invalid", field=field, details=details))

    @api.exception_handler(Http404)
    def http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, error_body("not_found"))

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, 404, error_body("not_found"))

    @api.exception_handler(DjangoPermissionDenied)
    def permission_denied(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return respond(request, 403, error_body("permission_denied"))

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, error_body("not_authenticated"))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, error_body("payload_too_large"))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return respond(request, 429, error_body("throttled"))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps every failure to read the body in HttpError(400); the cause tells which one it was.
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):
            return respond(request, 413, error_body("payload_too_large"))
        if isinstance(cause, ValueError):  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
            return respond(request, 400, error_body("malformed_json"))
        code = HTTP_CODES.get(exc.status_code, "error")
        return respond(request, exc.status_code, error_body(code))

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unhandled API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, error_body("server_error"))


ERROR_RESPONSES: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
