"""Helpers every app's views share: run a service into a form, check a permission, paginate.

Views stay thin: they check the object permission, read through selectors and write through
services. These helpers make the three common moves look the same in every app: a DomainError from
a service becomes a form error on the field it names (nothing was written: the service rolled
back), a refused permission becomes 403, and a missing object 404.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from thidua.core import exceptions as domain

PAGE_SIZE = 25


def form_field_for(form: forms.BaseForm, field: str | None, mapper: Callable[[str], str] | None = None) -> str | None:
    """The form field a service error names, or None (a non-field error) if the form has no such field."""
    if not field:
        return None
    if mapper is not None:
        field = mapper(field)
    return field if field in form.fields and not form.fields[field].disabled else None


def call_service[T](
    form: forms.BaseForm,
    service: Callable[..., T],
    *,
    permission_field: str | None = None,
    field_mapper: Callable[[str], str] | None = None,
    **kwargs: Any,
) -> T | None:
    """Run a service; on a DomainError add it to `form` and return None (the service wrote nothing).

    A refused permission is a 403, unless `permission_field` says which input chose the object the
    user may not act on (then it is shown on that field).
    """
    try:
        return service(**kwargs)
    except domain.PermissionDenied as exc:
        if permission_field is None:
            raise PermissionDenied(str(exc.message)) from exc
        form.add_error(permission_field, str(exc.message))
    except domain.NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except domain.DomainError as exc:
        # Keep the stable code with the message (`form.errors.as_data()`): pages and tests can tell errors apart.
        form.add_error(
            form_field_for(form, exc.field, field_mapper), forms.ValidationError(str(exc.message), code=exc.code)
        )
    return None


def require(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """403 unless the signed-in user holds `perm` on `obj`."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class CappedPaginator(Paginator):
    """A paginator that reads at most `count_cap` + 1 ids of a queryset, in its order, in one pass.

    An exact count of a search over millions of rows visits every match (bench/awards_registry.py), while "more than
    1,000" is all a reader needs. The same pass gives the ids of every page, so a page is then fetched by primary key
    instead of walking the search again. `capped` says whether the count stopped at the cap; pages beyond it are not
    offered."""

    def __init__(self, object_list: Any, per_page: int, *, count_cap: int = 1000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.count_cap = count_cap

    @cached_property
    def _ids(self) -> list[Any]:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        return list(rows.values_list("pk", flat=True)[: self.count_cap + 1])

    @cached_property
    def count(self) -> int:
        return min(len(self._ids), self.count_cap)

    @property
    def capped(self) -> bool:
        return len(self._ids) > self.count_cap

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : min(bottom + self.per_page, self.count)]
        return Page(self._fetch(ids), number, self)

    def _fetch(self, ids: list[Any]) -> list[Any]:
        """The rows of `ids` by primary key alone (not the search's conditions again), with the queryset's joins, in
        the order of `ids`."""
        if not ids:
            return []
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        fetch = rows.model._default_manager.filter(pk__in=ids)
        fetch.query.select_related = rows.query.select_related
        by_pk = {row.pk: row for row in fetch}
        return [by_pk[pk] for pk in ids if pk in by_pk]


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE, *, count_cap: int | None = None
) -> Page[Any]:
    """The requested page; with `count_cap`, a CappedPaginator that counts no further than the cap."""
    if count_cap is not None:
        return CappedPaginator(queryset, per_page, count_cap=count_cap).get_page(request.GET.get("page"))
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def form_page(request: HttpRequest, form: forms.BaseForm, *, title: str, cancel_url: str, **extra: Any) -> HttpResponse:
    """The generic one-form page; answers 400 when a bound form has errors."""
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "title": title, "cancel_url": cancel_url, **extra}
    return render(request, "includes/form_page.html", context, status=status)


def action_form() -> forms.Form:
    """An empty, validated form that collects the errors of a button-only action (no inputs)."""
    form = forms.Form(data={})
    form.is_valid()
    return form


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name) or request.POST.get(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None
