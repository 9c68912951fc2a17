"""Pages for a block-year's movements and activities, and for the good-practice library.

Each view checks the object permission itself (403; 404 for a practice the user may not see),
reads through the selectors and writes only through the services, which check permission again
and run in one transaction. A DomainError from a service becomes a form error (on the field it
names) or, for the buttons of a detail page, an error message; nothing is written either way.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachments_of
from thidua.core import web
from thidua.core.charts import bar_chart, doughnut_chart
from thidua.movements import selectors, services
from thidua.movements.forms import (
    ActivityFilterForm,
    ActivityForm,
    AdoptForm,
    AttachmentForm,
    CommentForm,
    CriteriaForm,
    JoinForm,
    MovementForm,
    PracticeFilterForm,
    PracticeForm,
    WithdrawForm,
)
from thidua.movements.models import (
    Activity,
    Movement,
    Practice,
    PracticeAdoption,
    PracticeComment,
    PracticeStatus,
)
from thidua.organizations.models import BlockYear, Phase, Unit

call_service = web.call_service
_require = web.require
_action_form = web.action_form


# --- helpers -------------------------------------------------------------------------------------------------------


def _block_year(pk: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=pk)


def _movement(pk: int) -> Movement:
    try:
        return selectors.movement_detail(pk=pk)
    except Movement.DoesNotExist as exc:
        raise Http404 from exc


def _activity(pk: int) -> Activity:
    try:
        return selectors.activity_detail(pk=pk)
    except Activity.DoesNotExist as exc:
        raise Http404 from exc


def _practice(request: HttpRequest, pk: int) -> Practice:
    """The practice, or 404 when the user may not see it (a hidden draft is not confirmed to exist)."""
    if not selectors.practices_visible_to(user=request.user).filter(pk=pk).exists():
        raise Http404
    return selectors.practice_detail(pk=pk)


def _is_open(block_year: BlockYear) -> bool:
    return block_year.phase != Phase.CLOSED


def _report(request: HttpRequest, form: forms.BaseForm, success: str) -> None:
    """Turn the outcome of a button-only action into a message."""
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, success)


def _year_context(block_year: BlockYear, tab: str) -> dict[str, Any]:
    return {"block_year": block_year, "tab": tab}


def _organiser_choices(request: HttpRequest, block_year: BlockYear, *, keep: Unit | None = None) -> QuerySet[Unit]:
    """Member units the user may record an activity for: all for leaders and officers, else their own."""
    members = selectors.member_units(block_year=block_year)
    if request.user.has_perm("movements.manage_movements", block_year):
        return members
    own = set(selectors.units_represented_by(user=request.user).values_list("pk", flat=True))
    allowed = [unit.pk for unit in members if unit.pk in own or (keep is not None and unit.pk == keep.pk)]
    return Unit.objects.filter(pk__in=allowed).order_by("name", "id")


# --- block-year pages ----------------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The block-year's movements, activities and practices in numbers, with two charts."""
    block_year = _block_year(pk)
    _require(request, "organizations.view_blockyear", block_year)
    summary = selectors.block_movement_summary(block_year)
    per_unit = selectors.unit_movement_summary(block_year)
    units = {unit.pk: unit for unit in selectors.member_units(block_year=block_year)}
    rows = [(units[unit_id], row) for unit_id, row in per_unit.items() if unit_id in units]
    kinds = [(label, count) for label, count in summary.activities_by_kind.items() if count]
    labels = [unit.short_name or unit.name for unit, _row in rows]
    context = {
        **_year_context(block_year, "overview"),
        "summary": summary,
        "rows": rows,
        "kind_chart": doughnut_chart([k for k, _n in kinds], [n for _k, n in kinds]) if kinds else None,
        "unit_chart": bar_chart(
            labels,
            [
                (_("Movements joined"), [row.movements_joined for _u, row in rows]),
                (_("Activities organised"), [row.activities_organised for _u, row in rows]),
                (_("Activities attended"), [row.activities_attended for _u, row in rows]),
                (_("Practices published"), [row.practices_published for _u, row in rows]),
            ],
            horizontal=True,
        )
        if rows
        else None,
        "tall_chart": len(rows) > 8,
    }
    return render(request, "movements/overview.html", context)


@login_required
def movement_list(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "organizations.view_blockyear", block_year)
    context = {
        **_year_context(block_year, "movements"),
        "movements": list(selectors.movement_list(block_year=block_year)),
        "can_add": request.user.has_perm("movements.add_movement", block_year) and _is_open(block_year),
        "today": timezone.localdate(),
    }
    return render(request, "movements/movement_list.html", context)


@login_required
def movement_create(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "movements.add_movement", block_year)
    form = MovementForm(request.POST or None, members=selectors.member_units(block_year=block_year))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        movement = call_service(
            form,
            services.movement_create,
            actor=request.user,
            block_year=block_year,
            **{**data, "participants": list(data["participants"])},
        )
        if movement is not None:
            messages.success(request, _("The movement “%(title)s” was launched.") % {"title": movement.title})
            return redirect("movements:movement_detail", movement.pk)
    return web.form_page(
        request,
        form,
        title=_("New movement in %(block_year)s") % {"block_year": block_year},
        cancel_url=reverse("movements:movement_list", args=[block_year.pk]),
    )


@login_required
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The block-year's activities, month by month, filtered by kind and month."""
    block_year = _block_year(pk)
    _require(request, "organizations.view_blockyear", block_year)
    filters = ActivityFilterForm(request.GET)
    filters.is_valid()
    activities = selectors.activity_list(
        block_year=block_year,
        kind=filters.cleaned_data.get("kind") or None,
        month=filters.cleaned_data.get("month") or None,
    )
    context = {
        **_year_context(block_year, "activities"),
        "filters": filters,
        "months": selectors.activities_by_month(activities),
        "can_add": request.user.has_perm("movements.add_activity", block_year) and _is_open(block_year),
    }
    return render(request, "movements/activity_list.html", context)


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "movements.add_activity", block_year)
    form = ActivityForm(
        request.POST or None,
        organisers=_organiser_choices(request, block_year),
        members=selectors.member_units(block_year=block_year),
        movements=selectors.movement_list(block_year=block_year),
        initial={"movement": web.int_param(request, "movement")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = call_service(
            form,
            services.activity_create,
            actor=request.user,
            block_year=block_year,
            **{**data, "participants": list(data["participants"])},
        )
        if activity is not None:
            messages.success(request, _("The activity “%(title)s” was recorded.") % {"title": activity.title})
            return redirect("movements:activity_detail", activity.pk)
    return web.form_page(
        request,
        form,
        title=_("New activity in %(block_year)s") % {"block_year": block_year},
        cancel_url=reverse("movements:activity_list", args=[block_year.pk]),
    )


@login_required
def practice_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a practice for one of the user's units that is a member of the block-year."""
    block_year = _block_year(pk)
    _require(request, "organizations.view_blockyear", block_year)
    member_ids = [unit.pk for unit in selectors.member_units(block_year=block_year)]
    units = selectors.units_represented_by(user=request.user).filter(pk__in=member_ids)
    if not units.exists():
        raise PermissionDenied
    form = PracticeForm(
        request.POST or None,
        units=units,
        movements=selectors.movement_list(block_year=block_year),
        initial={"movement": web.int_param(request, "movement")},
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "theme": form.cleaned_data["theme"] or None}
        practice = call_service(
            form, services.practice_create, permission_field="unit", actor=request.user, block_year=block_year, **data
        )
        if practice is not None:
            messages.success(request, _("The draft “%(title)s” was saved.") % {"title": practice.title})
            return redirect("movements:practice_detail", practice.pk)
    return web.form_page(
        request,
        form,
        title=_("New good practice in %(block_year)s") % {"block_year": block_year},
        intro=_("The practice stays a draft, seen only by your unit and the block's leaders, until you publish it."),
        cancel_url=reverse("movements:practice_library"),
    )


# --- movements -----------------------------------------------------------------------------------------------------


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(pk)
    user = request.user
    _require(request, "movements.view_movement", movement)
    block_year = movement.block_year
    is_open = _is_open(block_year)
    can_change = is_open and user.has_perm("movements.change_movement", movement)
    participations = list(movement.participations.all())
    joined = {row.unit_id for row in participations}
    can_leave = {
        row.unit_id
        for row in participations
        if is_open and (can_change or user.has_perm("movements.represent_unit", row.unit))
    }
    join_form = _join_form(request, movement, joined, can_change) if is_open else None
    context = {
        "movement": movement,
        "block_year": block_year,
        "tab": "movements",
        "participations": participations,
        "can_leave": can_leave,
        "join_form": join_form,
        "criteria": list(movement.criteria.all()),
        "activities": list(movement.activities.all()),
        "practices": list(selectors.movement_practices(movement=movement, user=user)),
        "can_change": can_change,
        "can_add_activity": is_open and user.has_perm("movements.add_activity", block_year),
    }
    return render(request, "movements/movement_detail.html", context)


def _join_form(request: HttpRequest, movement: Movement, joined: set[int], can_change: bool) -> JoinForm | None:
    """The join box: member units not yet taking part that the user may act for (any of them for managers)."""
    units = selectors.member_units(block_year=movement.block_year).exclude(pk__in=joined)
    if not can_change:
        units = units.filter(pk__in=selectors.units_represented_by(user=request.user).values("pk"))
    if not units.exists():
        return None
    return JoinForm(request.POST or None, units=units)


@login_required
def movement_update(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(pk)
    _require(request, "movements.change_movement", movement)
    initial = {name: getattr(movement, name) for name in ("title", "theme", "goals", "start_date", "end_date")}
    initial["participants"] = [row.unit_id for row in movement.participations.all()]
    form = MovementForm(
        request.POST or None, initial=initial, members=selectors.member_units(block_year=movement.block_year)
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "participants" in changes:
            changes["participants"] = list(changes["participants"])
        if call_service(form, services.movement_update, actor=request.user, movement=movement, **changes) is not None:
            messages.success(request, _("The movement was saved."))
            return redirect("movements:movement_detail", movement.pk)
    return web.form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": movement.title},
        cancel_url=reverse("movements:movement_detail", args=[movement.pk]),
    )


@login_required
@require_POST
def movement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(pk)
    _require(request, "movements.delete_movement", movement)
    form = _action_form()
    call_service(form, services.movement_delete, actor=request.user, movement=movement)
    _report(request, form, _("The movement “%(title)s” was deleted.") % {"title": movement.title})
    if form.errors:
        return redirect("movements:movement_detail", movement.pk)
    return redirect("movements:movement_list", movement.block_year_id)


@login_required
@require_POST
def movement_join(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(pk)
    _require(request, "movements.view_movement", movement)
    units = selectors.member_units(block_year=movement.block_year)
    form = JoinForm(request.POST, units=units)
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        call_service(
            form, services.movement_join, permission_field="unit", actor=request.user, movement=movement, unit=unit
        )
        _report(request, form, _("%(unit)s joined the movement.") % {"unit": unit})
    else:
        _report(request, form, "")
    return redirect(reverse("movements:movement_detail", args=[movement.pk]) + "#participants")


@login_required
@require_POST
def movement_leave(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    movement = _movement(pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    form = _action_form()
    call_service(form, services.movement_leave, actor=request.user, movement=movement, unit=unit)
    _report(request, form, _("%(unit)s left the movement.") % {"unit": unit})
    return redirect(reverse("movements:movement_detail", args=[movement.pk]) + "#participants")


@login_required
def movement_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    movement = _movement(pk)
    _require(request, "movements.change_movement", movement)
    items = selectors.criteria_items_of(block_year=movement.block_year)
    form = CriteriaForm(
        request.POST or None, items=items, initial={"items": [item.pk for item in movement.criteria.all()]}
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.movement_set_criteria,
            actor=request.user,
            movement=movement,
            items=list(form.cleaned_data["items"]),
        )
        if saved is not None:
            messages.success(request, _("The linked criteria were saved."))
            return redirect("movements:movement_detail", movement.pk)
    intro = (
        _("Choose the lines of the scoring table that this movement serves.")
        if items.exists()
        else _("This block-year has no scoring table yet.")
    )
    return web.form_page(
        request,
        form,
        title=_("Criteria linked to %(title)s") % {"title": movement.title},
        intro=intro,
        cancel_url=reverse("movements:movement_detail", args=[movement.pk]),
    )


# --- activities ----------------------------------------------------------------------------------------------------


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(pk)
    _require(request, "movements.view_activity", activity)
    can_change = _is_open(activity.block_year) and request.user.has_perm("movements.change_activity", activity)
    context = {
        "activity": activity,
        "block_year": activity.block_year,
        "tab": "activities",
        "attachments": list(attachments_of(activity)),
        "can_change": can_change,
        "can_attach": request.user.has_perm("movements.change_activity", activity),
        "attachment_form": AttachmentForm(),
    }
    return render(request, "movements/activity_detail.html", context)


@login_required
def activity_update(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(pk)
    _require(request, "movements.change_activity", activity)
    block_year = activity.block_year
    fields = ["kind", "title", "date", "end_date", "place", "organiser", "movement", "attendee_count", "description"]
    initial: dict[str, Any] = {name: getattr(activity, name) for name in fields}
    initial["participants"] = [unit.pk for unit in activity.participants.all()]
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        organisers=_organiser_choices(request, block_year, keep=activity.organiser),
        members=selectors.member_units(block_year=block_year),
        movements=selectors.movement_list(block_year=block_year),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "participants" in changes:
            changes["participants"] = list(changes["participants"])
        updated = call_service(
            form,
            services.activity_update,
            permission_field="organiser",
            actor=request.user,
            activity=activity,
            **changes,
        )
        if updated is not None:
            messages.success(request, _("The activity was saved."))
            return redirect("movements:activity_detail", activity.pk)
    return web.form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": activity.title},
        cancel_url=reverse("movements:activity_detail", args=[activity.pk]),
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(pk)
    _require(request, "movements.delete_activity", activity)
    form = _action_form()
    call_service(form, services.activity_delete, actor=request.user, activity=activity)
    _report(request, form, _("The activity “%(title)s” was deleted.") % {"title": activity.title})
    if form.errors:
        return redirect("movements:activity_detail", activity.pk)
    return redirect("movements:activity_list", activity.block_year_id)


@login_required
@require_POST
def activity_attach(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(pk)
    _require(request, "movements.change_activity", activity)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            form, services.activity_attach, actor=request.user, activity=activity, upload=form.cleaned_data["file"]
        )
    _report(request, form, _("The file was attached."))
    return redirect(reverse("movements:activity_detail", args=[activity.pk]) + "#attachments")


def _owned_attachment(owner: Activity | Practice, pk: int) -> Attachment:
    return get_object_or_404(attachments_of(owner), pk=pk)


@login_required
@require_POST
def activity_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    activity = _activity(pk)
    _require(request, "movements.change_activity", activity)
    attachment = _owned_attachment(activity, attachment_pk)
    form = _action_form()
    call_service(form, services.activity_detach, actor=request.user, activity=activity, attachment=attachment)
    _report(request, form, _("The file was removed."))
    return redirect(reverse("movements:activity_detail", args=[activity.pk]) + "#attachments")


# --- good practices ------------------------------------------------------------------------------------------------


@login_required
def practice_library(request: HttpRequest) -> HttpResponse:
    """Published practices of every block-year, searchable without tone marks; htmx requests get the rows."""
    user = request.user
    filters = PracticeFilterForm(
        request.GET,
        block_years=selectors.block_years_for_filter(),
        units=selectors.units_with_practices(),
    )
    filters.is_valid()
    data = filters.cleaned_data
    movement_id = data.get("movement")
    movement = Movement.objects.filter(pk=movement_id).first() if movement_id else None
    practices = selectors.practice_library(
        user=user,
        query=data.get("q", ""),
        block_year=data.get("block_year"),
        theme=data.get("theme") or None,
        movement=movement,
        unit=data.get("unit"),
    )
    context: dict[str, Any] = {
        "filters": filters,
        "page_obj": web.paginate(request, practices),
        "query": data.get("q", ""),
        "movement": movement,
    }
    is_htmx = bool(getattr(request, "htmx", False))
    if not is_htmx:
        context["drafts"] = list(selectors.practice_drafts_for(user=user)[:20])
        context["new_in"] = selectors.block_years_for_new_practice(user=user)
    template = "movements/practice_library.html#rows" if is_htmx else "movements/practice_library.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _adopt_units(request: HttpRequest, practice: Practice) -> QuerySet[Unit]:
    taken = [row.unit_id for row in practice.adoptions.all()]
    return selectors.units_represented_by(user=request.user).exclude(pk__in=[practice.unit_id, *taken])


def _adopt_form(units: QuerySet[Unit]) -> AdoptForm:
    """The adoption box, with the unit chosen already when the user acts for only one."""
    only = list(units[:2])
    return AdoptForm(units=units, initial={"unit": only[0].pk} if len(only) == 1 else None)


def _practice_page(
    request: HttpRequest,
    practice: Practice,
    *,
    comment_form: CommentForm | None = None,
    adopt_form: AdoptForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    published = practice.status == PracticeStatus.PUBLISHED
    comments = list(practice.comments.all())
    adoptions = list(practice.adoptions.all())
    adopt_units = _adopt_units(request, practice) if published else Unit.objects.none()
    can_change = practice.status != PracticeStatus.WITHDRAWN and user.has_perm("movements.change_practice", practice)
    context = {
        "practice": practice,
        "comments": comments,
        "adoptions": adoptions,
        "attachments": list(attachments_of(practice)),
        "deletable_comments": {c.pk for c in comments if user.has_perm("movements.delete_comment", c)},
        "removable_adoptions": {a.pk for a in adoptions if user.has_perm("movements.delete_adoption", a)},
        "can_change": can_change,
        "can_publish": practice.status == PracticeStatus.DRAFT
        and user.has_perm("movements.publish_practice", practice),
        "can_withdraw": published and user.has_perm("movements.withdraw_practice", practice),
        "can_delete": practice.status == PracticeStatus.DRAFT and user.has_perm("movements.delete_practice", practice),
        "comment_form": (comment_form or CommentForm())
        if published and user.has_perm("movements.comment_practice", practice)
        else None,
        "adopt_form": (adopt_form or _adopt_form(adopt_units)) if adopt_units.exists() else None,
        "attachment_form": AttachmentForm() if can_change else None,
    }
    return render(request, "movements/practice_detail.html", context, status=status)


@login_required
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _practice_page(request, _practice(request, pk))


@login_required
def practice_update(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.change_practice", practice)
    fields = ["title", "movement", "theme", "problem", "approach", "results", "contact"]
    form = PracticeForm(
        request.POST or None,
        units=None,
        movements=selectors.movement_list(block_year=practice.block_year),
        initial={name: getattr(practice, name) for name in fields},
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if "theme" in changes and not changes["theme"]:
            movement = changes.get("movement", practice.movement)
            changes["theme"] = movement.theme if movement else practice.theme
        if call_service(form, services.practice_update, actor=request.user, practice=practice, **changes) is not None:
            messages.success(request, _("The practice was saved."))
            return redirect("movements:practice_detail", practice.pk)
    return web.form_page(
        request,
        form,
        title=_("Edit %(title)s") % {"title": practice.title},
        cancel_url=reverse("movements:practice_detail", args=[practice.pk]),
    )


@login_required
@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.publish_practice", practice)
    form = _action_form()
    call_service(form, services.practice_publish, actor=request.user, practice=practice)
    _report(request, form, _("The practice was published in the library."))
    return redirect("movements:practice_detail", practice.pk)


@login_required
def practice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.withdraw_practice", practice)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.practice_withdraw, actor=request.user, practice=practice, reason=form.cleaned_data["reason"]
        )
        if done is not None:
            messages.success(request, _("The practice was withdrawn from the library."))
            return redirect("movements:practice_detail", practice.pk)
    return web.form_page(
        request,
        form,
        title=_("Withdraw %(title)s") % {"title": practice.title},
        intro=_("A withdrawn practice leaves the library; its comments and adoptions stay on record."),
        cancel_url=reverse("movements:practice_detail", args=[practice.pk]),
        submit_label=_("Withdraw"),
    )


@login_required
@require_POST
def practice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.delete_practice", practice)
    form = _action_form()
    call_service(form, services.practice_delete, actor=request.user, practice=practice)
    _report(request, form, _("The draft “%(title)s” was deleted.") % {"title": practice.title})
    if form.errors:
        return redirect("movements:practice_detail", practice.pk)
    return redirect("movements:practice_library")


@login_required
@require_POST
def practice_comment(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.comment_practice", practice)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = call_service(
            form, services.practice_comment_add, actor=request.user, practice=practice, text=form.cleaned_data["text"]
        )
        if comment is not None:
            messages.success(request, _("Your comment was added."))
            return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#comments")
    return _practice_page(request, practice, comment_form=form, status=400)


@login_required
@require_POST
def practice_comment_delete(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    comment = get_object_or_404(PracticeComment.objects.select_related("practice"), pk=comment_pk, practice=practice)
    _require(request, "movements.delete_comment", comment)
    form = _action_form()
    call_service(form, services.practice_comment_delete, actor=request.user, comment=comment)
    _report(request, form, _("The comment was deleted."))
    return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#comments")


@login_required
@require_POST
def practice_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    units = _adopt_units(request, practice)
    if not units.exists():
        raise PermissionDenied
    form = AdoptForm(request.POST, units=units)
    if form.is_valid():
        adoption = call_service(
            form,
            services.practice_adopt,
            permission_field="unit",
            actor=request.user,
            practice=practice,
            **form.cleaned_data,
        )
        if adoption is not None:
            messages.success(request, _("%(unit)s adopted this practice.") % {"unit": adoption.unit})
            return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#adoptions")
    return _practice_page(request, practice, adopt_form=form, status=400)


@login_required
@require_POST
def practice_adoption_remove(request: HttpRequest, pk: int, adoption_pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    adoption = get_object_or_404(
        PracticeAdoption.objects.select_related("practice", "unit"), pk=adoption_pk, practice=practice
    )
    _require(request, "movements.delete_adoption", adoption)
    form = _action_form()
    call_service(form, services.practice_adoption_remove, actor=request.user, adoption=adoption)
    _report(request, form, _("The adoption was removed."))
    return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#adoptions")


@login_required
@require_POST
def practice_attach(request: HttpRequest, pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.change_practice", practice)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            form, services.practice_attach, actor=request.user, practice=practice, upload=form.cleaned_data["file"]
        )
    _report(request, form, _("The file was attached."))
    return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#attachments")


@login_required
@require_POST
def practice_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    practice = _practice(request, pk)
    _require(request, "movements.change_practice", practice)
    attachment = _owned_attachment(practice, attachment_pk)
    form = _action_form()
    call_service(form, services.practice_detach, actor=request.user, practice=practice, attachment=attachment)
    _report(request, form, _("The file was removed."))
    return redirect(reverse("movements:practice_detail", args=[practice.pk]) + "#attachments")
