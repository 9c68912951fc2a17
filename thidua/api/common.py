"""Small pieces every app's API router needs: the acting user, a referenced object by id, the write responses.

Apps written before this module keep local copies; new routers import these instead of repeating them.
"""

from typing import Any

from django.http import HttpRequest

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference

WRITE_RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 409: ErrorOut, 413: ErrorOut}


def actor_of(request: HttpRequest) -> Any:
    """The user the request acts for (set by the session or token authentication)."""
    return request.auth  # type: ignore[attr-defined]


def ref(model: type[Any], pk: int | None, *, field: str) -> Any:
    """The `model` row with primary key `pk` (None for None); an unknown id is the client's error on `field`."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise InvalidReference(field=field)
    return obj
