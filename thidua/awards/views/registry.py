"""Pages of the registry of awards: search (live, htmx), unit and person profiles with their award timeline, one
award with its revocation, manual entry, the history import with its template, and the export of a search result.

Each view checks the permission itself (the registry is readable by every signed-in user; writes need the officer
over the recipient's unit, see permissions.py), reads through selectors_registry and writes only through
services/registry.py, which check again and run in one transaction: a refused import writes nothing and the page
lists every bad row.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from thidua.awards import registry_io
from thidua.awards import selectors_registry as registry
from thidua.awards.certificates import certificate_available
from thidua.awards.models import Recipient
from thidua.awards.services.registry import ImportRejected, award_import, award_record, award_revoke
from thidua.awards.views.forms import AwardImportForm, AwardRecordForm, AwardRevokeForm, RegistrySearchForm
from thidua.core import exceptions as domain
from thidua.core import web
from thidua.organizations.models import Person, Unit

EXPORT_LIMIT = 50_000


def _search_context(request: HttpRequest) -> tuple[RegistrySearchForm, dict[str, Any]]:
    form = RegistrySearchForm(request.GET)
    return form, form.filters()


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The registry with a live, tone-insensitive search; htmx requests get only the result rows."""
    web.require(request, "awards.view_award")
    form, filters = _search_context(request)
    page = web.paginate(request, registry.award_search(**filters), count_cap=registry.SEARCH_COUNT_CAP)
    context = {
        "filters": form,
        "page_obj": page,
        "query": filters["query"],
        "export_query": request.GET.urlencode(),
        "can_import": request.user.has_perm("awards.import_awards"),
    }
    template = "awards/registry/search.html#rows" if getattr(request, "htmx", False) else "awards/registry/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The current search result as CSV or XLSX (Vietnamese headers, for the office's spreadsheets)."""
    web.require(request, "awards.view_award")
    _form, filters = _search_context(request)
    awards = registry.award_search(**filters)[:EXPORT_LIMIT]
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "xlsx":
        response = HttpResponse(registry_io.export_xlsx(awards), content_type=registry_io.XLSX_CONTENT_TYPE)
    elif fmt == "csv":
        response = HttpResponse(registry_io.export_csv(awards), content_type=registry_io.CSV_CONTENT_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="so-khen-thuong-{stamp}.{fmt}"'
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(registry.awards_joined(), pk=pk)
    web.require(request, "awards.view_award", award)
    context = {
        "award": award,
        "can_revoke": not award.revoked and request.user.has_perm("awards.revoke_award", award),
        "has_certificate": certificate_available(award),
    }
    return render(request, "awards/registry/detail.html", context)


@login_required
def unit_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's award timeline, and the individual awards of its staff."""
    unit = get_object_or_404(Unit, pk=pk)
    web.require(request, "awards.view_award")
    context = {
        "unit": unit,
        "timeline": registry.unit_timeline(unit=unit),
        "staff_awards": registry.unit_staff_awards(unit=unit),
        "can_record": request.user.has_perm("awards.add_award", unit),
    }
    return render(request, "awards/registry/unit_profile.html", context)


@login_required
def person_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's award timeline: public data (name, titles, years, decisions), nothing private."""
    person = get_object_or_404(Person, pk=pk)
    web.require(request, "awards.view_award")
    context = {
        "person": person,
        "timeline": registry.person_timeline(person=person),
        "can_record": request.user.has_perm("awards.add_award", _person_unit(person)),
        "can_view_person": request.user.has_perm("organizations.view_person", person),
    }
    return render(request, "awards/registry/person_profile.html", context)


def _person_unit(person: Person) -> Unit | None:
    membership = person.memberships.filter(end_date__isnull=True).select_related("unit").order_by("-start_date").first()
    return membership.unit if membership is not None else None


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """Enter a past award by hand for the unit (?unit=) or the person (?person=)."""
    unit_id, person_id = web.int_param(request, "unit"), web.int_param(request, "person")
    person = get_object_or_404(Person, pk=person_id) if person_id else None
    unit = get_object_or_404(Unit, pk=unit_id) if unit_id and person is None else None
    if person is None and unit is None:
        raise Http404
    scope_unit = _person_unit(person) if person is not None else unit
    web.require(request, "awards.add_award", scope_unit)
    kind = Recipient.INDIVIDUAL if person is not None else Recipient.COLLECTIVE
    form = AwardRecordForm(request.POST or None, recipient=kind)
    if request.method == "POST" and form.is_valid():
        award = web.call_service(
            form, award_record, actor=request.user, unit=unit, person=person, **form.service_kwargs()
        )
        if award is not None:
            messages.success(request, _("The award was recorded."))
            return redirect("awards:detail", award.pk)
    name = person.full_name if person is not None else unit.name if unit is not None else ""
    cancel = (
        reverse("awards:person_profile", args=[person.pk])
        if person is not None
        else reverse("awards:unit_profile", args=[unit.pk if unit is not None else 0])
    )
    return web.form_page(request, form, title=_("Record an award of %(name)s") % {"name": name}, cancel_url=cancel)


@login_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(registry.awards_joined(), pk=pk)
    web.require(request, "awards.revoke_award", award)
    form = AwardRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = web.call_service(form, award_revoke, actor=request.user, award=award, **form.cleaned_data)
        if done is not None:
            messages.success(request, _("The award was revoked."))
            return redirect("awards:detail", award.pk)
    return web.form_page(
        request,
        form,
        title=_("Revoke %(award)s of %(name)s (%(year)d)")
        % {"award": award.award_type.name, "name": award.recipient_name, "year": award.year},
        cancel_url=reverse("awards:detail", args=[award.pk]),
        submit_label=_("Revoke"),
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a history file: all its awards are written, or none and the page lists every bad row."""
    web.require(request, "awards.import_awards")
    form = AwardImportForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = award_import(actor=request.user, upload=form.cleaned_data["file"])
            except ImportRejected as exc:
                form.add_error(None, str(exc.message))
                row_errors = exc.errors
            except domain.PermissionDenied as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except domain.DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(
                    request,
                    _("%(count)d awards were imported from %(file)s.")
                    % {"count": len(result.awards), "file": result.batch.file_name},
                )
                return redirect(f"{reverse('awards:search')}?batch={result.batch.pk}")
        status = 400
    context = {"form": form, "row_errors": row_errors, "batches": registry.import_batches()[:10]}
    return render(request, "awards/registry/import.html", context, status=status)


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    web.require(request, "awards.view_award")
    if fmt == "xlsx":
        response = HttpResponse(registry_io.template_xlsx(), content_type=registry_io.XLSX_CONTENT_TYPE)
    elif fmt == "csv":
        response = HttpResponse(registry_io.template_csv(), content_type=registry_io.CSV_CONTENT_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-khen-thuong.{fmt}"'
    return response
