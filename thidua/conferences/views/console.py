"""The organisers' console of a year-end conference: the list, planning, the session page, the agenda, minutes.

The roll (console_roll.py) and the polls with their paper fallback (console_polls.py) live beside this
module and share its helpers. Every view checks the permission on the object itself: a conference the
user may not see answers 404 (its existence is not revealed), one they may see but not run answers 403.
Writes go through the services; a DomainError becomes a form error, or for the buttons of a page an
error box on that page (status 400), in both cases with its stable code beside the translated message;
nothing was written because the service rolled back.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.attachments.services import attachments_of
from thidua.conferences import rules, selectors
from thidua.conferences.forms import (
    AgendaItemForm,
    AttachmentForm,
    CloseForm,
    ConferenceForm,
    CurrentItemForm,
    MoveForm,
)
from thidua.conferences.models import AgendaItem, AgendaKind, Conference, ConferenceStatus, Delegate, PollStatus
from thidua.conferences.services import conference as services
from thidua.conferences.services.polls import recount_poll
from thidua.core import web
from thidua.organizations.models import BlockYear

VIEW = "conferences.view_conference"
MANAGE = "conferences.manage_conference"
CLOSE = "conferences.close_conference"


# --- shared helpers (also used by console_roll and console_polls) -------------------------------------------------


def call[T](form: forms.BaseForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    """`web.call_service` (which keeps each domain error's stable code on the form)."""
    return web.call_service(form, service, **kwargs)


def errors_of(form: forms.BaseForm) -> list[dict[str, str]]:
    """Every error of the form as {"code", "message"} (codes are stable, for tests and scripts)."""
    return [
        {"code": error.code or "invalid", "message": " ".join(error.messages)}
        for errors in form.errors.as_data().values()
        for error in errors
    ]


def form_page(
    request: HttpRequest, form: forms.BaseForm, *, title: str, cancel_url: str, conference: Conference, **extra: Any
) -> HttpResponse:
    """A one-form console page; 400 when a bound form has errors (their codes are on the form element)."""
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "conference": conference,
        "error_codes": " ".join(e["code"] for e in errors_of(form)),
        **extra,
    }
    return render(request, "conferences/console/form.html", context, status=status)


def done(request: HttpRequest, message: str, url: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(url)


def visible_conference(request: HttpRequest, conference: Conference, perm: str) -> Conference:
    """404 when the user may not see the conference; 403 when they may see it but not do `perm`."""
    if not request.user.has_perm(VIEW, conference):
        raise Http404
    web.require(request, perm, conference)
    return conference


def conference_for(request: HttpRequest, pk: int, perm: str = MANAGE) -> Conference:
    conference = get_object_or_404(
        Conference.objects.select_related("block_year__block__owner", "secretary", "current_item"), pk=pk
    )
    return visible_conference(request, conference, perm)


def item_for(request: HttpRequest, pk: int, perm: str = MANAGE) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("conference__block_year__block"), pk=pk)
    visible_conference(request, item.conference, perm)
    return item


def console_url(conference: Conference, anchor: str = "") -> str:
    return reverse("conferences:console", args=[conference.pk]) + (f"#{anchor}" if anchor else "")


def _users() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True).order_by("full_name", "username", "pk")


# --- the list and planning ----------------------------------------------------------------------------------------


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    """The conferences the user may see; with ?block_year=, that block-year's (and the button to plan one)."""
    conferences = selectors.conferences_visible_to(request.user)
    block_year = None
    year_id = web.int_param(request, "block_year")
    if year_id is not None:
        block_year = get_object_or_404(BlockYear.objects.select_related("block"), pk=year_id)
        if not request.user.has_perm("organizations.view_blockyear", block_year):
            raise Http404
        conferences = [c for c in conferences if c.block_year_id == block_year.pk]
    seats = set(
        Delegate.objects.filter(conference__in=conferences, person__user__pk=request.user.pk or 0).values_list(
            "conference_id", flat=True
        )
    )
    for conference in conferences:  # where each row leads: the console, the minutes, and the ballot for a delegate
        conference.can_manage = request.user.has_perm("conferences.manage_conference", conference)  # type: ignore[attr-defined]
        conference.has_seat = conference.pk in seats  # type: ignore[attr-defined]
    context = {
        "conferences": conferences,
        "block_year": block_year,
        "can_add": block_year is not None and request.user.has_perm("conferences.add_conference", block_year),
    }
    return render(request, "conferences/console/list.html", context)


@login_required
def conference_create(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = get_object_or_404(BlockYear.objects.select_related("block"), pk=pk)
    if not request.user.has_perm("organizations.view_blockyear", block_year):
        raise Http404
    web.require(request, "conferences.add_conference", block_year)
    initial = {
        "title": _("Year-end conference on the emulation work of %(year)s") % {"year": block_year.year},
        "quorum_rule": "more_half",
        "default_agenda": True,
    }
    form = ConferenceForm(request.POST or None, initial=initial, users=_users())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numerator, denominator, strict = form.fraction()
        conference = call(
            form,
            services.conference_create,
            actor=request.user,
            block_year=block_year,
            title=data["title"],
            starts_at=data["starts_at"],
            place=data["place"],
            chair=data["chair"],
            secretary=data["secretary"],
            quorum=(numerator, denominator),
            quorum_strict=strict,
            default_agenda=data["default_agenda"],
        )
        if conference is not None:
            return done(request, _("The conference was planned."), console_url(conference))
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "title": _("Plan the conference of %(block)s, %(year)s") % {"block": block_year.block, "year": block_year.year},
        "cancel_url": reverse("conferences:list") + f"?block_year={block_year.pk}",
        "conference": None,
        "block_year": block_year,
        "error_codes": " ".join(e["code"] for e in errors_of(form)),
    }
    return render(request, "conferences/console/form.html", context, status=status)


@login_required
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_for(request, pk)
    initial = {
        "title": conference.title,
        "starts_at": conference.starts_at,
        "place": conference.place,
        "chair": conference.chair,
        "secretary": conference.secretary_id,
    }
    form = ConferenceForm(request.POST or None, initial=initial, users=_users(), creating=False)
    form.set_fraction(conference.quorum_numerator, conference.quorum_denominator, conference.quorum_strict)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numerator, denominator, strict = form.fraction()
        saved = call(
            form,
            services.conference_update,
            actor=request.user,
            conference=conference,
            title=data["title"],
            starts_at=data["starts_at"],
            place=data["place"],
            chair=data["chair"],
            secretary=data["secretary"],
            quorum=(numerator, denominator),
            quorum_strict=strict,
        )
        if saved is not None:
            return done(request, _("The conference was saved."), console_url(conference))
    return form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": conference.title},
        cancel_url=console_url(conference),
        conference=conference,
    )


# --- the session page ---------------------------------------------------------------------------------------------


def _agenda(conference: Conference) -> list[AgendaItem]:
    return list(conference.agenda.order_by("position", "id"))


def render_console(
    request: HttpRequest, conference: Conference, *, errors: Sequence[dict[str, str]] = (), status: int = 200
) -> HttpResponse:
    agenda = _agenda(conference)
    summary = selectors.roll_summary(conference)
    context = {
        "conference": conference,
        "summary": summary,
        "agenda": agenda,
        "polls": list(selectors.polls_of(conference)),
        "action_errors": errors,
        "can_manage": request.user.has_perm(MANAGE, conference),
        "can_close": request.user.has_perm(CLOSE, conference),
        "is_closed": conference.status == ConferenceStatus.CLOSED,
        "current_form": CurrentItemForm(
            initial={"item": conference.current_item_id}, items=conference.agenda.order_by("position", "id")
        ),
    }
    return render(request, "conferences/console/console.html", context, status=status)


@login_required
def conference_console(request: HttpRequest, pk: int) -> HttpResponse:
    """Header, live quorum, the agenda and the polls of one conference."""
    return render_console(request, conference_for(request, pk))


@login_required
def conference_quorum(request: HttpRequest, pk: int) -> HttpResponse:
    """The live quorum box (htmx polls it every 3 seconds)."""
    conference = conference_for(request, pk)
    context = {"conference": conference, "summary": selectors.roll_summary(conference)}
    return render(request, "conferences/console/_quorum.html", context)


def _button(
    request: HttpRequest,
    page: Conference,
    service: Callable[..., Any],
    success: str,
    /,
    *,
    anchor: str = "",
    **kwargs: Any,
) -> HttpResponse:
    """A button-only action of the console page of `page`: redirect on success, the page with the error otherwise."""
    form = web.action_form()
    call(form, service, actor=request.user, **kwargs)
    if form.errors:
        page.refresh_from_db()
        return render_console(request, page, errors=errors_of(form), status=400)
    return done(request, success, console_url(page, anchor))


@login_required
@require_POST
def conference_open(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_for(request, pk)
    return _button(
        request, conference, services.conference_open, _("The conference is in session."), conference=conference
    )


@login_required
def conference_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows what closing will do (next year's leadership); POST closes with the conclusions."""
    conference = conference_for(request, pk, CLOSE)
    form = CloseForm(request.POST or None, initial={"conclusions": conference.conclusions})
    if request.method == "POST" and form.is_valid():
        closed = call(
            form,
            services.conference_close,
            actor=request.user,
            conference=conference,
            conclusions=form.cleaned_data["conclusions"],
        )
        if closed is not None:
            return done(request, _("The conference was closed."), console_url(conference))
    leadership = services.elected_leadership(conference)
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "conference": conference,
        "form": form,
        "leadership": leadership,
        "next_year": conference.block_year.year + 1,
        "open_polls": list(conference.polls.filter(status=PollStatus.OPEN).order_by("opened_at", "id")),
        "error_codes": " ".join(e["code"] for e in errors_of(form)),
    }
    return render(request, "conferences/console/close.html", context, status=status)


@login_required
@require_POST
def conference_set_current_item(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_for(request, pk)
    form = CurrentItemForm(request.POST, items=conference.agenda.all())
    if not form.is_valid():
        return render_console(request, conference, errors=errors_of(form), status=400)
    return _button(
        request,
        conference,
        services.conference_set_current_item,
        _("The current item was changed."),
        anchor="agenda",
        conference=conference,
        item=form.cleaned_data["item"],
    )


# --- the agenda -----------------------------------------------------------------------------------------------------


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = conference_for(request, pk)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = call(form, services.agenda_item_add, actor=request.user, conference=conference, **form.cleaned_data)
        if item is not None:
            return done(request, _("The item was added to the agenda."), console_url(conference, "agenda"))
    return form_page(
        request, form, title=_("New agenda item"), cancel_url=console_url(conference, "agenda"), conference=conference
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An agenda item: its notes, files and polls, with the buttons to prepare the polls it calls for."""
    item = item_for(request, pk)
    conference = item.conference
    presets = {
        AgendaKind.LEADING_UNIT: ["leading_unit"],
        AgendaKind.COMMENDATION: ["commendation_approval", "commendation_selection"],
        AgendaKind.LEADERSHIP: ["leadership"],
    }.get(AgendaKind(item.kind), [])
    can_change = conference.status != ConferenceStatus.CLOSED
    context = {
        "conference": conference,
        "item": item,
        "attachments": list(attachments_of(item).order_by("uploaded_at", "pk")),
        "attachment_form": AttachmentForm() if can_change else None,
        "polls": list(item.polls.order_by("created_at", "id")),
        "presets": presets,
        "can_change": can_change,
    }
    return render(request, "conferences/console/item.html", context)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    initial = {name: getattr(item, name) for name in AgendaItemForm.base_fields}
    form = AgendaItemForm(request.POST or None, initial=initial)
    detail = reverse("conferences:item_detail", args=[item.pk])
    if request.method == "POST" and form.is_valid():
        saved = call(form, services.agenda_item_update, actor=request.user, item=item, **form.cleaned_data)
        if saved is not None:
            return done(request, _("The item was saved."), detail)
    return form_page(
        request,
        form,
        title=_("Edit the item %(title)s") % {"title": item.title},
        cancel_url=detail,
        conference=item.conference,
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    conference = item.conference
    return _button(
        request,
        conference,
        services.agenda_item_remove,
        _("The item “%(title)s” was removed.") % {"title": item.title},
        anchor="agenda",
        item=item,
    )


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an item one place up or down (the whole order goes to `agenda_reorder`)."""
    item = item_for(request, pk)
    conference = item.conference
    form = MoveForm(request.POST)
    if not form.is_valid():
        return render_console(request, conference, errors=errors_of(form), status=400)
    order = [row.pk for row in _agenda(conference)]
    index = order.index(item.pk)
    other = index - 1 if form.cleaned_data["direction"] == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return _button(
        request,
        conference,
        services.agenda_reorder,
        _("The agenda was reordered."),
        anchor="agenda",
        conference=conference,
        item_ids=order,
    )


def _item_button(request: HttpRequest, item: AgendaItem, form: forms.BaseForm, success: str) -> HttpResponse:
    detail = reverse("conferences:item_detail", args=[item.pk]) + "#attachments"
    if form.errors:
        for error in errors_of(form):
            messages.error(request, error["message"])
        return redirect(detail)
    return done(request, success, detail)


@login_required
@require_POST
def item_attach(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        call(form, services.agenda_item_attach, actor=request.user, item=item, upload=form.cleaned_data["file"])
    return _item_button(request, item, form, _("The file was attached."))


@login_required
@require_POST
def item_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = item_for(request, pk)
    attachment = get_object_or_404(attachments_of(item), pk=attachment_pk)
    form = web.action_form()
    call(form, services.agenda_item_detach, actor=request.user, item=item, attachment=attachment)
    return _item_button(request, item, form, _("The file was removed."))


# --- the minutes ----------------------------------------------------------------------------------------------------


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes (biên bản hội nghị), printable: attendance, every closed poll with its arithmetic, handover."""
    conference = conference_for(request, pk, VIEW)
    delegates = list(selectors.roll(conference))
    by_unit: dict[str, list[Any]] = {}
    for delegate in delegates:
        if not delegate.is_guest:
            by_unit.setdefault(delegate.unit.name if delegate.unit else "", []).append(delegate)
    polls = []
    for poll in selectors.polls_of(conference).filter(status=PollStatus.CLOSED):
        outcome = recount_poll(poll)
        polls.append(
            {
                "poll": poll,
                "outcome": outcome,
                "sentences": rules.explain(outcome),
                "elected_names": [outcome.result(key).name for key in outcome.elected],
            }
        )
    leadership = services.elected_leadership(conference)
    context = {
        "conference": conference,
        "block_year": conference.block_year,
        "agenda": _agenda(conference),
        "summary": selectors.roll_summary(conference),
        "units": sorted(by_unit.items()),
        "guests": [d for d in delegates if d.is_guest],
        "polls": polls,
        "leadership": leadership,
        "next_year": conference.block_year.year + 1,
    }
    return render(request, "conferences/console/minutes.html", context)
