"""Pages of a block-year's emulation work: plan, covenant and its signatures, registrations and key tasks,
the block head's progress overview and the mid-year review.

Each view checks the object permission itself (403; 404 for what does not exist or is not a member),
reads through the selectors and writes only through the services, which check permission again and run
in one transaction. A DomainError from a service becomes a form error (on the field it names) or, for
the buttons, an error message; nothing is written either way. htmx requests get page fragments
(template partials) where that avoids a reload: signing, progress updates, the as-of filters.
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.core import web
from thidua.core.charts import bar_chart, doughnut_chart
from thidua.emulation import selectors, services
from thidua.emulation.forms import (
    AsOfForm,
    CovenantForm,
    MilestoneFormSet,
    PlanForm,
    ProgressForm,
    ReasonForm,
    RegistrationForm,
    ReviewForm,
    TaskForm,
    milestones_of,
    registration_field,
    target_field,
)
from thidua.emulation.models import (
    Covenant,
    CovenantStatus,
    KeyTask,
    KeyTaskUpdate,
    Registration,
    RegistrationStatus,
    ReviewStatus,
)
from thidua.emulation.selectors import LEADERSHIP_ROLES
from thidua.organizations.models import BlockYear, Person, Phase, Unit

_require = web.require
_action_form = web.action_form


# --- helpers -------------------------------------------------------------------------------------------------------


def _block_year(pk: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=pk)


def _member(block_year: BlockYear, unit_pk: int) -> Unit:
    return get_object_or_404(Unit, pk=unit_pk, block_memberships__block_year=block_year)


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


def _year_context(request: HttpRequest, block_year: BlockYear, tab: str) -> dict[str, Any]:
    """What the sub-navigation needs: the block-year, the active tab and which tabs the user may open."""
    user = request.user
    return {
        "block_year": block_year,
        "tab": tab,
        "nav_can_tasks": user.has_perm("emulation.view_tasks", block_year),
        "nav_can_progress": user.has_perm("emulation.view_progress_overview", block_year),
        "nav_can_midyear": user.has_perm("emulation.view_midyear", block_year),
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any], *, partial: str, status: int = 200) -> Any:
    """The whole page, or only its `partial` for htmx requests."""
    name = f"{template}#{partial}" if getattr(request, "htmx", False) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date | None]:
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data.get("as_of")
    return form, None


def _staff(unit: Unit) -> QuerySet[Person]:
    return selectors.unit_staff(unit=unit)


# --- plan ----------------------------------------------------------------------------------------------------------


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan (objectives, milestones) and where the covenant and registrations stand."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_plan", block_year)
    covenant = selectors.covenant_of(block_year=block_year)
    signed, members = selectors.covenant_progress(block_year)
    registered, _members = selectors.registration_progress(block_year)
    context = {
        **_year_context(request, block_year, "plan"),
        "plan": selectors.plan_of(block_year=block_year),
        "covenant": covenant,
        "signed": signed,
        "members": members,
        "registered": registered,
        "can_manage": request.user.has_perm("emulation.manage_plan", block_year) and _is_open(block_year),
    }
    return render(request, "emulation/plan.html", context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "emulation.manage_plan", block_year)
    current = selectors.plan_of(block_year=block_year)
    initial_milestones = [{"date": m.date, "title": m.title} for m in current.milestones.all()] if current else []
    form = PlanForm(request.POST or None, initial={"objectives": current.objectives if current else ""})
    formset = MilestoneFormSet(request.POST or None, initial=initial_milestones, prefix="milestones")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = web.call_service(
            form,
            services.plan_save,
            actor=request.user,
            block_year=block_year,
            objectives=form.cleaned_data["objectives"],
            milestones=milestones_of(formset),
        )
        if saved is not None:
            messages.success(request, _("The plan was saved."))
            return redirect("emulation:plan", block_year.pk)
    status = 400 if form.is_bound and (form.errors or formset.errors or formset.non_form_errors()) else 200
    context = {**_year_context(request, block_year, "plan"), "form": form, "formset": formset}
    return render(request, "emulation/plan_edit.html", context, status=status)


# --- covenant ------------------------------------------------------------------------------------------------------


def _covenant(block_year: BlockYear) -> Covenant:
    covenant = Covenant.objects.select_related("block_year__block__owner").filter(block_year=block_year).first()
    if covenant is None:
        raise Http404
    return covenant


def _board_context(request: HttpRequest, block_year: BlockYear) -> dict[str, Any]:
    covenant = selectors.covenant_of(block_year=block_year)
    board = selectors.covenant_board(block_year=block_year, covenant=covenant)
    signing = covenant is not None and covenant.status == CovenantStatus.OPEN and _is_open(block_year)
    rows = [
        {
            "unit": row.unit,
            "signature": row.signature,
            "role": LEADERSHIP_ROLES.get(row.leadership_role or "", ""),
            "can_sign": signing and request.user.has_perm("emulation.sign_covenant", row.unit),
        }
        for row in board
    ]
    signed = sum(1 for row in board if row.signature is not None)
    return {
        "covenant": covenant,
        "board": rows,
        "signed": signed,
        "members": len(board),
        "percent": round(100 * signed / len(board)) if board else 0,
    }


@login_required
def covenant(request: HttpRequest, pk: int) -> HttpResponse:
    """The covenant's text, its status and the board of who has signed and who has not."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_plan", block_year)
    can_manage = request.user.has_perm("emulation.manage_plan", block_year) and _is_open(block_year)
    context = {
        **_year_context(request, block_year, "covenant"),
        **_board_context(request, block_year),
        "can_manage": can_manage,
    }
    return _render(request, "emulation/covenant.html", context, partial="board")


@login_required
def covenant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "emulation.manage_plan", block_year)
    current = selectors.covenant_of(block_year=block_year)
    if request.method != "POST" and current is not None and current.status != CovenantStatus.DRAFT:
        messages.warning(request, _("The covenant is no longer a draft; reopen it to change its text."))
        return redirect("emulation:covenant", block_year.pk)
    initial = (
        {
            "title": current.title,
            "preamble": current.preamble,
            "commitments": "\n".join(c.text for c in current.commitments.all()),
        }
        if current
        else {"title": _("Emulation covenant of %(year)s") % {"year": block_year.year}}
    )
    form = CovenantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = web.call_service(
            form,
            services.covenant_save,
            actor=request.user,
            block_year=block_year,
            title=form.cleaned_data["title"],
            preamble=form.cleaned_data["preamble"],
            commitments=form.commitment_lines(),
        )
        if saved is not None:
            messages.success(request, _("The covenant was saved."))
            return redirect("emulation:covenant", block_year.pk)
    return web.form_page(
        request,
        form,
        title=_("Covenant of %(block_year)s") % {"block_year": block_year},
        intro=_(
            "The text can change only while the covenant is a draft; once opened, every unit signs the same words."
        ),
        cancel_url=reverse("emulation:covenant", args=[block_year.pk]),
    )


@login_required
def covenant_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A print-friendly page: title, introduction, commitments and the signature table."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_plan", block_year)
    context = {"block_year": block_year, **_board_context(request, block_year)}
    if context["covenant"] is None:
        raise Http404
    return render(request, "emulation/covenant_print.html", context)


def _covenant_action(request: HttpRequest, pk: int, service: Any, success: str) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "emulation.manage_plan", block_year)
    form = _action_form()
    web.call_service(form, service, actor=request.user, covenant=_covenant(block_year))
    _report(request, form, success)
    return redirect("emulation:covenant", block_year.pk)


@login_required
@require_POST
def covenant_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _covenant_action(
        request, pk, services.covenant_open_for_signing, _("The covenant is open for signing; its text is locked.")
    )


@login_required
@require_POST
def covenant_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _covenant_action(request, pk, services.covenant_close, _("The signing of the covenant is closed."))


@login_required
def covenant_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "emulation.manage_plan", block_year)
    current = _covenant(block_year)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reopened = web.call_service(
            form, services.covenant_reopen, actor=request.user, covenant=current, reason=form.cleaned_data["reason"]
        )
        if reopened is not None:
            messages.success(request, _("The covenant is a draft again; the signatures given were voided."))
            return redirect("emulation:covenant", block_year.pk)
    return web.form_page(
        request,
        form,
        title=_("Reopen the covenant"),
        intro=_("The covenant returns to draft so its text can change. Every signature given so far is voided."),
        cancel_url=reverse("emulation:covenant", args=[block_year.pk]),
        submit_label=_("Reopen"),
    )


def _signature_action(request: HttpRequest, pk: int, unit_pk: int, *, sign: bool) -> HttpResponse:
    block_year = _block_year(pk)
    unit = _member(block_year, unit_pk)
    _require(request, "emulation.sign_covenant", unit)
    form = _action_form()
    if sign:
        web.call_service(form, services.covenant_sign, actor=request.user, covenant=_covenant(block_year), unit=unit)
        success = _("%(unit)s signed the covenant.") % {"unit": unit}
    else:
        web.call_service(
            form, services.covenant_withdraw_signature, actor=request.user, covenant=_covenant(block_year), unit=unit
        )
        success = _("The signature of %(unit)s was withdrawn.") % {"unit": unit}
    if getattr(request, "htmx", False):
        context = {
            **_year_context(request, block_year, "covenant"),
            **_board_context(request, block_year),
            "board_errors": [str(e) for errors in form.errors.values() for e in errors],
            "board_message": "" if form.errors else success,
        }
        return _render(request, "emulation/covenant.html", context, partial="board")
    _report(request, form, success)
    return redirect("emulation:covenant", block_year.pk)


@login_required
@require_POST
def covenant_sign(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    return _signature_action(request, pk, unit_pk, sign=True)


@login_required
@require_POST
def covenant_withdraw(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    return _signature_action(request, pk, unit_pk, sign=False)


# --- registrations -------------------------------------------------------------------------------------------------


@login_required
def registration_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member unit's registration status, target titles and number of key tasks."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_registration", block_year)
    rows = [
        {
            "unit": row.unit,
            "registration": row.registration,
            "titles": selectors.collective_title_labels(row.registration.collective_titles) if row.registration else [],
            "targets": selectors.individual_target_rows(row.registration),
            "task_count": row.task_count,
        }
        for row in selectors.registration_overview(block_year=block_year)
    ]
    registered, members = selectors.registration_progress(block_year)
    context = {
        **_year_context(request, block_year, "registrations"),
        "rows": rows,
        "registered": registered,
        "members": members,
    }
    return render(request, "emulation/registration_list.html", context)


def _registration_or_new(block_year: BlockYear, unit: Unit) -> Registration:
    found = selectors.registration_detail(block_year=block_year, unit=unit)
    return found if found is not None else Registration(block_year=block_year, unit=unit)


def _registration_initial(registration: Registration) -> dict[str, Any]:
    initial: dict[str, Any] = {"collective_titles": list(registration.collective_titles), "note": registration.note}
    if registration.pk is not None:
        for target in registration.individual_targets.all():
            initial[target_field(target.title)] = target.count
    return initial


@login_required
def registration_detail(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's registration and key tasks; its staff edit them here, the block head acknowledges or returns."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_registration", block_year)
    unit = _member(block_year, unit_pk)
    registration = _registration_or_new(block_year, unit)
    user = request.user
    open_year = _is_open(block_year)
    can_change = open_year and user.has_perm("emulation.change_registration", registration)
    editable = can_change and registration.is_editable
    form = None
    if editable:
        form = RegistrationForm(request.POST or None, initial=_registration_initial(registration))
        if request.method == "POST" and form.is_valid():
            saved = web.call_service(
                form,
                services.registration_save,
                field_mapper=registration_field,
                actor=user,
                block_year=block_year,
                unit=unit,
                collective_titles=form.cleaned_data["collective_titles"],
                individual_targets=form.individual_targets(),
                note=form.cleaned_data["note"],
            )
            if saved is not None:
                messages.success(request, _("The registration was saved."))
                return redirect("emulation:registration_detail", block_year.pk, unit.pk)
    elif request.method == "POST":
        _require(request, "emulation.change_registration", registration)
        messages.error(request, _("The registration cannot change now."))
        return redirect("emulation:registration_detail", block_year.pk, unit.pk)
    can_view_tasks = user.has_perm("emulation.view_tasks", block_year)
    saved_registration = registration if registration.pk is not None else None
    can_review = (
        saved_registration is not None and open_year and user.has_perm("emulation.review_registration", registration)
    )
    context = {
        **_year_context(request, block_year, "registrations"),
        "unit": unit,
        "registration": saved_registration,
        "titles": selectors.collective_title_labels(registration.collective_titles),
        "targets": selectors.individual_target_rows(saved_registration),
        "form": form,
        "editable": editable,
        "can_submit": editable and saved_registration is not None,
        "can_acknowledge": can_review and registration.status == RegistrationStatus.SUBMITTED,
        "can_return": can_review
        and registration.status in (RegistrationStatus.SUBMITTED, RegistrationStatus.ACKNOWLEDGED),
        "can_view_tasks": can_view_tasks,
        "tasks": list(selectors.task_list(registration=registration)) if can_view_tasks and saved_registration else [],
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "emulation/registration_detail.html", context, status=status)


def _registration(block_year: BlockYear, unit: Unit) -> Registration:
    found = selectors.registration_detail(block_year=block_year, unit=unit)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def registration_submit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    registration = _registration(block_year, _member(block_year, unit_pk))
    _require(request, "emulation.change_registration", registration)
    form = _action_form()
    web.call_service(form, services.registration_submit, actor=request.user, registration=registration)
    _report(request, form, _("The registration was submitted to the block head."))
    return redirect("emulation:registration_detail", block_year.pk, unit_pk)


@login_required
@require_POST
def registration_acknowledge(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    registration = _registration(block_year, _member(block_year, unit_pk))
    _require(request, "emulation.review_registration", registration)
    form = _action_form()
    web.call_service(form, services.registration_acknowledge, actor=request.user, registration=registration)
    _report(request, form, _("The registration was acknowledged."))
    return redirect("emulation:registration_detail", block_year.pk, unit_pk)


@login_required
def registration_return(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    unit = _member(block_year, unit_pk)
    registration = _registration(block_year, unit)
    _require(request, "emulation.review_registration", registration)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        returned = web.call_service(
            form,
            services.registration_return,
            actor=request.user,
            registration=registration,
            reason=form.cleaned_data["reason"],
        )
        if returned is not None:
            messages.success(request, _("The registration was returned to the unit."))
            return redirect("emulation:registration_detail", block_year.pk, unit.pk)
    return web.form_page(
        request,
        form,
        title=_("Return the registration of %(unit)s") % {"unit": unit},
        intro=_("The unit can change its registration and key tasks, then submit it again."),
        cancel_url=reverse("emulation:registration_detail", args=[block_year.pk, unit.pk]),
        submit_label=_("Return"),
    )


# --- key tasks -----------------------------------------------------------------------------------------------------


def _task(pk: int) -> KeyTask:
    try:
        return selectors.task_detail(pk=pk)
    except KeyTask.DoesNotExist as exc:
        raise Http404 from exc


def _task_values(form: TaskForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in TaskForm.base_fields}


@login_required
def task_create(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    unit = _member(block_year, unit_pk)
    _require(request, "emulation.change_registration", _registration_or_new(block_year, unit))
    form = TaskForm(request.POST or None, staff=_staff(unit), initial={"due_date": dt.date(block_year.year, 12, 31)})
    if request.method == "POST" and form.is_valid():
        task = web.call_service(
            form, services.key_task_create, actor=request.user, block_year=block_year, unit=unit, **_task_values(form)
        )
        if task is not None:
            messages.success(request, _("The key task was added."))
            return redirect(reverse("emulation:registration_detail", args=[block_year.pk, unit.pk]) + "#tasks")
    return web.form_page(
        request,
        form,
        title=_("New key task of %(unit)s") % {"unit": unit},
        cancel_url=reverse("emulation:registration_detail", args=[block_year.pk, unit.pk]),
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    registration = task.registration
    _require(request, "emulation.change_registration", registration)
    initial = {name: getattr(task, name) for name in TaskForm.base_fields}
    form = TaskForm(request.POST or None, staff=_staff(registration.unit), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if web.call_service(form, services.key_task_update, actor=request.user, task=task, **changes) is not None:
            messages.success(request, _("The key task was saved."))
            return redirect("emulation:task_detail", task.pk)
    return web.form_page(
        request,
        form,
        title=_("Edit the key task"),
        cancel_url=reverse("emulation:task_detail", args=[task.pk]),
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(pk)
    registration = task.registration
    _require(request, "emulation.change_registration", registration)
    form = _action_form()
    web.call_service(form, services.key_task_delete, actor=request.user, task=task)
    _report(request, form, _("The key task was deleted."))
    if form.errors:
        return redirect("emulation:task_detail", task.pk)
    return redirect(reverse("emulation:registration_detail", args=[registration.block_year_id, registration.unit_id]))


def _task_context(request: HttpRequest, task: KeyTask, progress_form: ProgressForm | None = None) -> dict[str, Any]:
    registration = task.registration
    block_year = registration.block_year
    user = request.user
    open_year = _is_open(block_year)
    can_record = open_year and user.has_perm("emulation.record_progress", task)
    can_change = open_year and registration.is_editable and user.has_perm("emulation.change_registration", registration)
    return {
        **_year_context(request, block_year, "registrations"),
        "task": task,
        "registration": registration,
        "unit": registration.unit,
        "updates": selectors.task_updates(task=task),
        "can_record": can_record,
        "can_change": can_change,
        "progress_form": (progress_form or ProgressForm(initial={"date": min(timezone.localdate(), task.due_date)}))
        if can_record
        else None,
    }


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A key task, its progress updates with evidence, and the form to report progress."""
    task = _task(pk)
    _require(request, "emulation.view_keytask", task)
    return render(request, "emulation/task_detail.html", _task_context(request, task))


@login_required
@require_POST
def task_progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a progress update; htmx gets the refreshed progress section, others a redirect (or the form errors)."""
    task = _task(pk)
    _require(request, "emulation.record_progress", task)
    form = ProgressForm(request.POST, request.FILES)
    saved = None
    if form.is_valid():
        saved = web.call_service(
            form,
            services.key_task_record_progress,
            actor=request.user,
            task=task,
            date=form.cleaned_data["date"],
            progress=form.cleaned_data["progress"],
            actual_value=form.cleaned_data["actual_value"],
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
        )
    htmx = getattr(request, "htmx", False)
    if saved is not None and not htmx:
        messages.success(request, _("The progress update was recorded."))
        return redirect("emulation:task_detail", task.pk)
    task = _task(pk)
    context = _task_context(request, task, None if saved is not None else form)
    if saved is not None:
        context["progress_message"] = _("The progress update was recorded.")
    # htmx swaps only 2xx answers, so its form errors come back with 200.
    return _render(
        request, "emulation/task_detail.html", context, partial="progress", status=200 if htmx or saved else 400
    )


@login_required
@require_POST
def task_progress_delete(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    task = _task(pk)
    _require(request, "emulation.record_progress", task)
    update = get_object_or_404(KeyTaskUpdate, pk=update_pk, task=task)
    form = _action_form()
    web.call_service(form, services.key_task_progress_remove, actor=request.user, update=update)
    _report(request, form, _("The progress update was removed."))
    return redirect("emulation:task_detail", task.pk)


# --- progress overview ---------------------------------------------------------------------------------------------


@login_required
def progress_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The block head's one view: every member unit's tasks total / done / overdue / mean progress."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_progress_overview", block_year)
    filters, as_of = _as_of(request)
    rows = selectors.progress_overview(block_year=block_year, as_of=as_of)
    context = {
        **_year_context(request, block_year, "progress"),
        "filters": filters,
        "as_of": as_of,
        "rows": [{**row.__dict__, "role": LEADERSHIP_ROLES.get(row.leadership_role or "", "")} for row in rows],
        "totals": selectors.block_task_progress(block_year, as_of=as_of),
        "status_labels": dict(RegistrationStatus.choices),
    }
    return _render(request, "emulation/progress_overview.html", context, partial="table")


# --- mid-year review -----------------------------------------------------------------------------------------------


TASK_COLOURS = ["#198754", "#0d6efd", "#dc3545"]  # done green, in progress blue, overdue red


def _figure_charts(figures: dict[str, Any]) -> dict[str, Any]:
    units = figures["units"]
    labels = [u["unit_name"] for u in units]
    tasks = bar_chart(
        labels,
        [
            (_("Done"), [u["tasks"]["completed"] for u in units]),
            (_("In progress"), [u["tasks"]["in_progress"] for u in units]),
            (_("Overdue"), [u["tasks"]["overdue"] for u in units]),
        ],
        horizontal=True,
        stacked=True,
        y_title=_("Key tasks"),
    )
    for dataset, colour in zip(tasks["data"]["datasets"], TASK_COLOURS, strict=True):
        dataset["backgroundColor"] = colour
    by_kind = figures["block_movements"]["activities_by_kind"]
    activities = doughnut_chart(list(by_kind), list(by_kind.values()))
    return {"tasks_chart": tasks, "activities_chart": activities, "has_activities": any(by_kind.values())}


@login_required
def midyear(request: HttpRequest, pk: int) -> HttpResponse:
    """Figures as of a cut-off (tables and charts) and the block head's written review with remarks per unit."""
    block_year = _block_year(pk)
    _require(request, "emulation.view_midyear", block_year)
    review = selectors.midyear_review_of(block_year=block_year)
    published = review is not None and review.status == ReviewStatus.PUBLISHED
    filters, as_of = _as_of(request)
    if published and review is not None and review.figures:
        figures = review.figures
    else:
        cutoff = as_of or (review.cutoff_date if review else selectors.default_cutoff(block_year))
        figures = selectors.midyear_figures(block_year, as_of=cutoff)
        if not filters.is_bound:
            filters = AsOfForm(initial={"as_of": cutoff})
    units = list(selectors.member_units(block_year=block_year))
    can_manage = (
        request.user.has_perm("emulation.manage_midyear", block_year) and _is_open(block_year) and not published
    )
    form = None
    if can_manage:
        initial: dict[str, Any] = {
            "summary": review.summary if review else "",
            "cutoff_date": (review.cutoff_date if review else None) or dt.date.fromisoformat(figures["as_of"]),
        }
        if review is not None:
            initial.update({f"remark_{r.unit_id}": r.remark for r in review.remarks.all()})
        form = ReviewForm(request.POST or None, initial=initial, units=units)
        if request.method == "POST" and form.is_valid():
            saved = web.call_service(
                form,
                services.midyear_review_save,
                actor=request.user,
                block_year=block_year,
                summary=form.cleaned_data["summary"],
                cutoff_date=form.cleaned_data["cutoff_date"],
                remarks=form.remarks(),
            )
            if saved is not None:
                messages.success(request, _("The mid-year review was saved."))
                return redirect("emulation:midyear", block_year.pk)
    elif request.method == "POST":
        _require(request, "emulation.manage_midyear", block_year)
        messages.error(request, _("The mid-year review cannot change now."))
        return redirect("emulation:midyear", block_year.pk)
    remarks = {r.unit_id: r.remark for r in review.remarks.all()} if review else {}
    context = {
        **_year_context(request, block_year, "midyear"),
        "review": review,
        "published": published,
        "figures": figures,
        "as_of_date": dt.date.fromisoformat(figures["as_of"]),
        "filters": filters,
        "remarks": [(u, remarks.get(u.pk, "")) for u in units],
        "form": form,
        "can_publish": can_manage and review is not None,
        **_figure_charts(figures),
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return _render(request, "emulation/midyear.html", context, partial="figures", status=status)


@login_required
@require_POST
def midyear_publish(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "emulation.manage_midyear", block_year)
    review = selectors.midyear_review_of(block_year=block_year)
    if review is None:
        raise Http404
    form = _action_form()
    web.call_service(form, services.midyear_review_publish, actor=request.user, review=review)
    _report(request, form, _("The mid-year review was published."))
    return redirect("emulation:midyear", block_year.pk)
