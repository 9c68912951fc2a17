"""Small pieces every app's API router needs: the acting user, a referenced object by id, the write responses.

Apps written before this module keep local copies; new routers import these instead of repeating them.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import PageNumberPagination

from thidua.api.errors import ERROR_RESPONSES, ErrorOut, InvalidReference
from thidua.core.web import CappedPaginator

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


class CappedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose `count` stops at `count_cap` (`capped` is then true): for searches over millions
    of rows, where an exact count would visit every match (core.web.CappedPaginator)."""

    count_cap = 1000

    class Output(Schema):
        items: list[Any]
        count: int
        capped: bool

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: PageNumberPagination.Input, request: HttpRequest, **params: Any
    ) -> Any:
        paginator = CappedPaginator(queryset, self._get_page_size(pagination.page_size), count_cap=self.count_cap)
        items = paginator.page(pagination.page).object_list if pagination.page <= paginator.num_pages else []
        return {"items": items, "count": paginator.count, "capped": paginator.capped}
