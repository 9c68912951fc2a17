"""The roll of a conference in the organisers' console: delegates, check-in, and the printable delegate cards.

Check-in and its undo answer an htmx request with the delegate's table row only (errors shown in the
row), so the secretary can work down the list at the door without page reloads. Each card carries a QR
code of its absolute card URL (the hall's `conferences:card` page), drawn on the server as inline SVG.
"""

from collections.abc import Callable, Sequence
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from thidua.conferences import selectors
from thidua.conferences.forms import DelegateEditForm, DelegateForm, GuestForm
from thidua.conferences.models import Conference, ConferenceStatus, Delegate
from thidua.conferences.services import delegates as services
from thidua.conferences.views.console import call, conference_for, done, errors_of, form_page, visible_conference
from thidua.core import selectors as core_selectors
from thidua.core import web
from thidua.organizations.models import Person, Unit

CARDS_PER_PAGE = 8  # 2 × 4 on an A4 sheet (see static/css/conferences-console.css)


def _delegate_for(request: HttpRequest, pk: int) -> Delegate:
    delegate = get_object_or_404(
        Delegate.objects.select_related("conference__block_year__block", "unit", "person"), pk=pk
    )
    visible_conference(request, delegate.conference, "conferences.manage_conference")
    return delegate


def roll_url(conference: Conference, anchor: str = "") -> str:
    return reverse("conferences:roll", args=[conference.pk]) + (f"#{anchor}" if anchor else "")


def _member_units(conference: Conference) -> Any:
    return Unit.objects.filter(block_memberships__block_year=conference.block_year_id).order_by("name", "pk")


def _delegate_form(conference: Conference, data: Any = None) -> DelegateForm:
    units = _member_units(conference)
    staff = core_selectors.current_staff_by_unit(units.values_list("pk", flat=True))
    names = {unit.pk: unit.name for unit in units}
    units_of: dict[int, list[str]] = {}
    for unit_id, staff_of_unit in staff.items():
        for person in staff_of_unit:
            units_of.setdefault(person.pk, []).append(names[unit_id])
    people = Person.objects.filter(pk__in=units_of).order_by("full_name", "pk")
    labels = {pk: ", ".join(sorted(unit_names)) for pk, unit_names in units_of.items()}
    return DelegateForm(data, units=units, people=people, units_of=labels)


def render_roll(
    request: HttpRequest,
    conference: Conference,
    *,
    errors: Sequence[dict[str, str]] = (),
    delegate_form: DelegateForm | None = None,
    guest_form: GuestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    delegate_form = delegate_form or _delegate_form(conference)
    guest_form = guest_form or GuestForm()
    form_errors = [*errors_of(delegate_form), *errors_of(guest_form)] if status == 400 else []
    context = {
        "conference": conference,
        "delegates": list(selectors.roll(conference)),
        "summary": selectors.roll_summary(conference),
        "is_closed": conference.status == ConferenceStatus.CLOSED,
        "can_manage": True,
        "delegate_form": delegate_form,
        "guest_form": guest_form,
        "action_errors": [*errors, *form_errors],
    }
    return render(request, "conferences/console/roll.html", context, status=status)


@login_required
def roll(request: HttpRequest, pk: int) -> HttpResponse:
    """The roll: who represents each member unit, with what weight, and who is present."""
    return render_roll(request, conference_for(request, pk))


@login_required
@require_POST
def roll_fill(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_for(request, pk)
    form = web.action_form()
    created = call(form, services.delegates_fill_from_members, actor=request.user, conference=conference)
    if created is None:
        return render_roll(request, conference, errors=errors_of(form), status=400)
    message = ngettext("%(count)s delegate was added.", "%(count)s delegates were added.", len(created)) % {
        "count": len(created)
    }
    return done(request, message, roll_url(conference))


@login_required
@require_POST
def delegate_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A delegate of a member unit: a staff record of the unit, or a name."""
    conference = conference_for(request, pk)
    form = _delegate_form(conference, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        delegate = call(
            form,
            services.delegate_add,
            actor=request.user,
            conference=conference,
            unit=data["unit"],
            person=data["person"],
            full_name=data["full_name"],
            job_title=data["job_title"],
            weight=data["weight"],
        )
        if delegate is not None:
            return done(request, _("%(name)s is on the roll.") % {"name": delegate.full_name}, roll_url(conference))
    return render_roll(request, conference, delegate_form=form, status=400)


@login_required
@require_POST
def guest_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A guest (no vote), usually from outside the block."""
    conference = conference_for(request, pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        delegate = call(
            form, services.delegate_add, actor=request.user, conference=conference, is_guest=True, **form.cleaned_data
        )
        if delegate is not None:
            return done(request, _("%(name)s is on the roll.") % {"name": delegate.full_name}, roll_url(conference))
    return render_roll(request, conference, guest_form=form, status=400)


@login_required
def delegate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = _delegate_for(request, pk)
    conference = delegate.conference
    form = DelegateEditForm(request.POST or None, initial=DelegateEditForm.initial_for(delegate))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes.get("weight", 0) is None:
            del changes["weight"]
        saved = call(form, services.delegate_update, actor=request.user, delegate=delegate, **changes)
        if saved is not None:
            return done(request, _("%(name)s was saved.") % {"name": saved.full_name}, roll_url(conference))
    return form_page(
        request,
        form,
        title=_("Edit the delegate %(name)s") % {"name": delegate.full_name},
        cancel_url=roll_url(conference),
        conference=conference,
    )


def _row_action(
    request: HttpRequest, delegate: Delegate, service: Callable[..., Any], success: str, *, anchor: str = ""
) -> HttpResponse:
    """Run a button of a roll row; htmx gets the row back (with the error in it), others the page."""
    conference = delegate.conference
    form = web.action_form()
    call(form, service, actor=request.user, delegate=delegate)
    if getattr(request, "htmx", False):
        delegate.refresh_from_db()
        context = {"d": delegate, "conference": conference, "can_manage": True, "row_errors": errors_of(form)}
        context["is_closed"] = conference.status == ConferenceStatus.CLOSED
        return render(request, "conferences/console/roll.html#row", context)
    if form.errors:
        return render_roll(request, conference, errors=errors_of(form), status=400)
    return done(request, success, roll_url(conference, anchor))


@login_required
@require_POST
def delegate_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = _delegate_for(request, pk)
    return _row_action(
        request,
        delegate,
        services.delegate_check_in,
        _("%(name)s is checked in.") % {"name": delegate.full_name},
        anchor=f"delegate-{delegate.pk}",
    )


@login_required
@require_POST
def delegate_undo_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = _delegate_for(request, pk)
    return _row_action(
        request,
        delegate,
        services.delegate_undo_check_in,
        _("The check-in of %(name)s was undone.") % {"name": delegate.full_name},
        anchor=f"delegate-{delegate.pk}",
    )


@login_required
@require_POST
def delegate_reissue_card(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = _delegate_for(request, pk)
    conference = delegate.conference
    form = web.action_form()
    call(form, services.delegate_reissue_card, actor=request.user, delegate=delegate)
    if form.errors:
        return render_roll(request, conference, errors=errors_of(form), status=400)
    message = _("A new card was issued for %(name)s; the old card no longer works. Print the new one.") % {
        "name": delegate.full_name
    }
    return done(request, message, reverse("conferences:cards", args=[conference.pk]) + f"?delegate={delegate.pk}")


@login_required
@require_POST
def delegate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = _delegate_for(request, pk)
    conference = delegate.conference
    name = delegate.full_name
    form = web.action_form()
    call(form, services.delegate_remove, actor=request.user, delegate=delegate)
    if form.errors:
        return render_roll(request, conference, errors=errors_of(form), status=400)
    return done(request, _("%(name)s was taken off the roll.") % {"name": name}, roll_url(conference))


def card_url(request: HttpRequest, token: str) -> str:
    """The absolute URL a card's QR code carries (the hall's card page, `/conferences/card/<token>/`)."""
    try:
        path = reverse("conferences:card", args=[token])
    except NoReverseMatch:  # the hall's URLs are not mounted (yet): the documented path
        path = reverse("conferences:list") + f"card/{token}/"
    return request.build_absolute_uri(path)


@login_required
def cards(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable delegate cards (?delegate= for one): name, unit and the QR code, 8 to an A4 sheet."""
    conference = conference_for(request, pk)
    delegates = selectors.roll(conference)
    one = web.int_param(request, "delegate")
    if one is not None:
        delegates = delegates.filter(pk=one)
    rows = []
    for delegate in delegates:
        url = card_url(request, services.delegate_card_token(delegate))
        svg = segno.make(url, error="m").svg_inline(scale=3, omitsize=True)
        rows.append({"delegate": delegate, "qr": mark_safe(svg)})  # noqa: S308 (segno's own SVG markup)
    sheets = [rows[i : i + CARDS_PER_PAGE] for i in range(0, len(rows), CARDS_PER_PAGE)]
    return render(request, "conferences/console/cards.html", {"conference": conference, "sheets": sheets})
