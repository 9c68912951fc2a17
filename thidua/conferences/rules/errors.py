"""The one error the conference rules raise: a `RuleViolation` carrying a stable code.

The rules engine is pure (no database), but its errors must reach the voter or the block head the
same way as every other domain error, so `RuleViolation` is a `ValidationFailed`: views and the API
already map it to HTTP 400 with `code`, a translated `message` and, when known, the `field` it is about.
"""

from typing import Any

from thidua.core.exceptions import ValidationFailed


class RuleViolation(ValidationFailed):
    """A conference rule was broken; `code` is stable (tests, API clients), `message` is translated."""

    def __init__(self, code: str, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, field=field, **params)
