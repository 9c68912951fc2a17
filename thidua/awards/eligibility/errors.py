"""The one error the eligibility engine raises: a `RuleViolation` carrying a stable code.

Eligibility answers PASS / FAIL / UNKNOWN for a candidate; it raises only when its *input* is wrong
(an unknown award code, a negative member count, a parameter that is not a share, a year no rule set
covers). Those errors must reach the clerk the same way as every other domain error, so
`RuleViolation` is a `ValidationFailed`: views and the API map it to HTTP 400 with `code`, a
translated `message` and, when known, the `field` it is about.
"""

from typing import Any

from thidua.core.exceptions import ValidationFailed


class RuleViolation(ValidationFailed):
    """Bad input to the eligibility engine; `code` is stable (tests, API clients), `message` is translated."""

    def __init__(self, code: str, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, field=field, **params)
