"""Domain errors raised by services and mapped to translated messages by views and the API.

Each error carries a stable machine `code` (for API clients and tests) and a translated,
human `message` (for the person who made the request). Services raise them; they never return
half-done work, because every service runs in one transaction.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class: something the user asked for cannot be done."""

    code = "error"
    status = 400
    default_message: Any = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, code: str | None = None, field: str | None = None, **params: Any):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        self.params = params
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        return data


class ValidationFailed(DomainError):
    code = "invalid"
    status = 400
    default_message = _("The data is not valid.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("The object was not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("The request conflicts with the current state.")
