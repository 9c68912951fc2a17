"""Pages for units, people, blocks and block-years.

Each view checks the object permission itself (403, or 404 for people the user may not see),
reads through selectors and writes only through the services, which check permission again and
run in one transaction. A DomainError from a service becomes a form error (on the field it names)
and nothing is written, because the service rolled back.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.core import selectors as core_selectors
from thidua.core import web
from thidua.organizations import selectors, services
from thidua.organizations.forms import (
    AdvancePhaseForm,
    BlockForm,
    BlockUpdateForm,
    BlockYearCreateForm,
    DeadlinesForm,
    LeadershipForm,
    MemberAddForm,
    MembershipAddForm,
    MembershipEndForm,
    PersonCreateForm,
    PersonForm,
    SearchForm,
    UnitFilterForm,
    UnitForm,
    deadline_field_name,
)
from thidua.organizations.models import (
    Block,
    BlockYear,
    LeadershipRole,
    Person,
    Phase,
    Unit,
)

PAGE_SIZE = web.PAGE_SIZE


# --- helpers -------------------------------------------------------------------------------------------------------


def _deadline_field(field: str) -> str:
    """Service errors name "deadlines.scoring"; the form field is deadline_field_name("scoring")."""
    return deadline_field_name(field.split(".", 1)[1]) if field.startswith("deadlines.") else field


def call_service[T](form: forms.BaseForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    return web.call_service(form, service, field_mapper=_deadline_field, **kwargs)


_require = web.require
_paginate = web.paginate
_form_page = web.form_page
_action_form = web.action_form
_int_param = web.int_param


# --- units ---------------------------------------------------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units with an accent-insensitive search; htmx requests get only the result rows."""
    _require(request, "organizations.view_unit")
    filters = UnitFilterForm(request.GET)
    filters.is_valid()
    query = filters.cleaned_data.get("q", "")
    kind = filters.cleaned_data.get("kind", "")
    page = _paginate(request, selectors.unit_list(query=query, kind=kind or None))
    context = {
        "filters": filters,
        "page_obj": page,
        "query": query,
        "can_add_top": request.user.has_perm("organizations.add_unit", None),
    }
    template = (
        "organizations/unit_list.html#rows" if getattr(request, "htmx", False) else "organizations/unit_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    _require(request, "organizations.view_unit", unit)
    context = {
        "unit": unit,
        "ancestors": selectors.unit_ancestors(unit=unit),
        "children": core_selectors.unit_children(unit=unit),
        "staff": selectors.person_list_visible_to(user=request.user, unit=unit),
        "block_memberships": core_selectors.unit_block_memberships(unit=unit),
        "can_change": request.user.has_perm("organizations.change_unit", unit),
        "can_add_child": request.user.has_perm("organizations.add_unit", unit),
        "can_add_person": request.user.has_perm("organizations.add_person", unit),
    }
    return render(request, "organizations/unit_detail.html", context)


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    """Create a unit under the parent given in ?parent= (a top-level unit needs an administrator)."""
    parent_id = _int_param(request, "parent")
    parent = get_object_or_404(Unit, pk=parent_id) if parent_id else None
    _require(request, "organizations.add_unit", parent)
    form = UnitForm(request.POST or None, initial={"parent": parent})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = call_service(form, services.unit_create, permission_field="parent", actor=request.user, **data)
        if unit is not None:
            messages.success(request, _("The unit “%(name)s” was created.") % {"name": unit.name})
            return redirect("organizations:unit_detail", unit.pk)
    cancel = reverse("organizations:unit_detail", args=[parent.pk]) if parent else reverse("organizations:unit_list")
    return _form_page(request, form, title=_("New unit"), cancel_url=cancel)


@login_required
def unit_update(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    _require(request, "organizations.change_unit", unit)
    initial = {name: getattr(unit, name) for name in UnitForm.base_fields}
    lock_tree = not request.user.has_perm("organizations.add_unit", unit.parent)
    parents = selectors.unit_list().exclude(path__startswith=unit.path)
    form = UnitForm(request.POST or None, initial=initial, parent_choices=parents, lock_tree=lock_tree)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        updated = call_service(
            form, services.unit_update, permission_field="parent", actor=request.user, unit=unit, **changes
        )
        if updated is not None:
            messages.success(request, _("The unit was saved."))
            return redirect("organizations:unit_detail", unit.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": unit.name},
        cancel_url=reverse("organizations:unit_detail", args=[unit.pk]),
    )


# --- people --------------------------------------------------------------------------------------------------------


def _visible_person(request: HttpRequest, pk: int) -> Person:
    """The person, or 404 when the user may not see them (their existence is not revealed)."""
    person = get_object_or_404(Person, pk=pk)
    if not request.user.has_perm("organizations.view_person", person):
        raise Http404
    return person


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    search = SearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    page = _paginate(request, selectors.person_list_visible_to(user=request.user, query=query))
    template = (
        "organizations/person_list.html#rows" if getattr(request, "htmx", False) else "organizations/person_list.html"
    )
    response = render(request, template, {"filters": search, "page_obj": page, "query": query})
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    can_change = request.user.has_perm("organizations.change_person", person)
    context = {
        "person": person,
        "history": selectors.person_history(person=person),
        "can_change": can_change,
        "end_form": MembershipEndForm() if can_change else None,
    }
    return render(request, "organizations/person_detail.html", context)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    """Create a staff member in the unit given in ?unit=."""
    unit_id = _int_param(request, "unit")
    if unit_id is None:
        raise Http404
    unit = get_object_or_404(Unit, pk=unit_id)
    _require(request, "organizations.add_person", unit)
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = call_service(form, services.person_create, actor=request.user, unit=unit, **form.cleaned_data)
        if person is not None:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect("organizations:person_detail", person.pk)
    return _form_page(
        request,
        form,
        title=_("New person in %(unit)s") % {"unit": unit.name},
        cancel_url=reverse("organizations:unit_detail", args=[unit.pk]),
    )


@login_required
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    _require(request, "organizations.change_person", person)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if call_service(form, services.person_update, actor=request.user, person=person, **changes) is not None:
            messages.success(request, _("The person was saved."))
            return redirect("organizations:person_detail", person.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": person.full_name},
        cancel_url=reverse("organizations:person_detail", args=[person.pk]),
    )


@login_required
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a position of the person in a unit; the service checks the right over that unit."""
    person = _visible_person(request, pk)
    _require(request, "organizations.change_person", person)
    form = MembershipAddForm(request.POST or None, units=core_selectors.units_for_choice())
    if request.method == "POST" and form.is_valid():
        membership = call_service(
            form,
            services.person_membership_add,
            permission_field="unit",
            actor=request.user,
            person=person,
            **form.cleaned_data,
        )
        if membership is not None:
            messages.success(request, _("The position was added."))
            return redirect("organizations:person_detail", person.pk)
    return _form_page(
        request,
        form,
        title=_("Add a position for %(name)s") % {"name": person.full_name},
        cancel_url=reverse("organizations:person_detail", args=[person.pk]),
    )


@login_required
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    _require(request, "organizations.change_person", person)
    try:
        membership = core_selectors.person_membership(person=person, pk=membership_pk)
    except person.memberships.model.DoesNotExist as exc:
        raise Http404 from exc
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = call_service(
            form, services.person_membership_end, actor=request.user, membership=membership, **form.cleaned_data
        )
        if ended is not None:
            messages.success(request, _("The position was ended."))
            return redirect("organizations:person_detail", person.pk)
    return _form_page(
        request,
        form,
        title=_("End the position “%(position)s” in %(unit)s")
        % {"position": membership.position, "unit": membership.unit},
        cancel_url=reverse("organizations:person_detail", args=[person.pk]),
    )


# --- blocks --------------------------------------------------------------------------------------------------------


@login_required
def block_list(request: HttpRequest) -> HttpResponse:
    _require(request, "organizations.view_block")
    search = SearchForm(request.GET)
    search.is_valid()
    query = search.cleaned_data.get("q", "")
    blocks = selectors.block_list(query=query)
    if not blocks.ordered:  # the year count's GROUP BY drops Meta.ordering
        blocks = blocks.order_by("name", "pk")
    page = _paginate(request, blocks)
    can_add = any(
        request.user.has_perm("organizations.add_block", unit) for unit in core_selectors.owner_units_for_choice()
    )
    return render(request, "organizations/block_list.html", {"filters": search, "page_obj": page, "can_add": can_add})


@login_required
def block_detail(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(Block.objects.select_related("owner"), pk=pk)
    _require(request, "organizations.view_block", block)
    can_add_year = request.user.has_perm("organizations.add_blockyear", block)
    context = {
        "emulation_block": block,  # not "block": templates reserve that name for {% block %} nodes
        "years": block.years.order_by("-year").prefetch_related("memberships"),
        "can_change": request.user.has_perm("organizations.change_block", block),
        "can_add_year": can_add_year,
        "year_form": BlockYearCreateForm() if can_add_year else None,
    }
    return render(request, "organizations/block_detail.html", context)


@login_required
def block_create(request: HttpRequest) -> HttpResponse:
    owners = core_selectors.owner_units_for_choice()
    allowed = [unit.pk for unit in owners if request.user.has_perm("organizations.add_block", unit)]
    if not allowed:
        raise PermissionDenied
    form = BlockForm(request.POST or None, owners=owners.filter(pk__in=allowed))
    if request.method == "POST" and form.is_valid():
        block = call_service(
            form, services.block_create, permission_field="owner", actor=request.user, **form.cleaned_data
        )
        if block is not None:
            messages.success(request, _("The block “%(name)s” was created.") % {"name": block.name})
            return redirect("organizations:block_detail", block.pk)
    return _form_page(request, form, title=_("New emulation block"), cancel_url=reverse("organizations:block_list"))


@login_required
def block_update(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(Block.objects.select_related("owner"), pk=pk)
    _require(request, "organizations.change_block", block)
    initial = {name: getattr(block, name) for name in BlockUpdateForm.base_fields}
    form = BlockUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if call_service(form, services.block_update, actor=request.user, block=block, **changes) is not None:
            messages.success(request, _("The block was saved."))
            return redirect("organizations:block_detail", block.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": block.name},
        cancel_url=reverse("organizations:block_detail", args=[block.pk]),
    )


@login_required
def block_year_create(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(Block.objects.select_related("owner"), pk=pk)
    _require(request, "organizations.add_blockyear", block)
    form = BlockYearCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        block_year = call_service(
            form, services.block_year_create, actor=request.user, block=block, **form.cleaned_data
        )
        if block_year is not None:
            messages.success(request, _("The block-year %(year)s was opened.") % {"year": block_year.year})
            return redirect("organizations:block_year_detail", block_year.pk)
    return _form_page(
        request,
        form,
        title=_("Open a year of %(name)s") % {"name": block.name},
        cancel_url=reverse("organizations:block_detail", args=[block.pk]),
    )


# --- block-years ---------------------------------------------------------------------------------------------------


def _block_year(pk: int) -> BlockYear:
    try:
        return selectors.block_year_detail(pk=pk)
    except BlockYear.DoesNotExist as exc:
        raise Http404 from exc


def _detail_url(block_year: BlockYear) -> str:
    return reverse("organizations:block_year_detail", args=[block_year.pk])


def _member_units(block_year: BlockYear) -> QuerySet[Unit]:
    return Unit.objects.filter(block_memberships__block_year=block_year).order_by(
        "block_memberships__rotation_position", "name"
    )


@login_required
def block_year_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Members, leadership, the phase stepper with deadlines and history, and the actions the user may take."""
    block_year = _block_year(pk)
    user = request.user
    _require(request, "organizations.view_blockyear", block_year)
    leadership = list(block_year.leadership.all())
    members = list(block_year.memberships.all())
    units_by_id = {m.unit_id: m.unit for m in members}
    can_manage_members = user.has_perm("organizations.manage_members", block_year) and block_year.phase != Phase.CLOSED
    can_next_year = user.has_perm("organizations.add_blockyear", block_year.block)
    proposal = selectors.block_year_rotation_proposal(block_year=block_year)
    next_phase = core_selectors.next_phase(block_year)
    can_advance = next_phase is not None and user.has_perm("organizations.advance_phase", block_year)
    if next_phase == Phase.CLOSED:
        can_advance = can_advance and user.has_perm("organizations.close_blockyear", block_year)
    context = {
        "block_year": block_year,
        "steps": core_selectors.phase_steps(block_year),
        "next_phase": next_phase,
        "next_phase_label": Phase(next_phase).label if next_phase else "",
        "members": members,
        "leadership_ids": {row.unit_id: row.role for row in leadership},
        "head": next((row for row in leadership if row.role == LeadershipRole.HEAD), None),
        "deputies": [row for row in leadership if row.role == LeadershipRole.DEPUTY],
        "transitions": list(block_year.transitions.all()),
        "proposal": proposal,
        "proposal_head": units_by_id.get(proposal.head) if proposal.head else None,
        "proposal_deputies": [units_by_id[d] for d in proposal.deputies if d in units_by_id],
        "can_advance": can_advance,
        "can_deadlines": user.has_perm("organizations.change_blockyear", block_year),
        "can_manage_members": can_manage_members,
        "can_leadership": user.has_perm("organizations.set_leadership", block_year)
        and block_year.phase != Phase.CLOSED,
        "can_next_year": can_next_year,
        "advance_form": AdvancePhaseForm(initial={"to_phase": next_phase}) if can_advance else None,
        "member_form": MemberAddForm(units=core_selectors.units_for_choice(exclude_ids=units_by_id))
        if can_manage_members
        else None,
    }
    return render(request, "organizations/block_year_detail.html", context)


@login_required
def block_year_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST moves the block-year to the phase named in the form."""
    block_year = _block_year(pk)
    _require(request, "organizations.advance_phase", block_year)
    next_phase = core_selectors.next_phase(block_year)
    form = AdvancePhaseForm(request.POST or None, initial={"to_phase": next_phase})
    if request.method == "POST" and form.is_valid():
        moved = call_service(
            form,
            services.block_year_advance_phase,
            actor=request.user,
            block_year=block_year,
            to_phase=form.cleaned_data["to_phase"],
            note=form.cleaned_data["note"],
        )
        if moved is not None:
            messages.success(
                request, _("The block-year moved to the phase “%(phase)s”.") % {"phase": moved.get_phase_display()}
            )
            return redirect(_detail_url(block_year))
    context = {
        "form": form,
        "block_year": block_year,
        "next_phase_label": Phase(next_phase).label if next_phase else "",
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "organizations/block_year_advance.html", context, status=status)


@login_required
def block_year_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "organizations.change_blockyear", block_year)
    initial = {deadline_field_name(d.phase): d.due_date for d in block_year.deadlines.all()}
    form = DeadlinesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.block_year_set_deadlines,
            actor=request.user,
            block_year=block_year,
            deadlines=form.deadlines(),
        )
        if saved is not None:
            messages.success(request, _("The deadlines were saved."))
            return redirect(_detail_url(block_year))
    return _form_page(
        request,
        form,
        title=_("Deadlines of %(block_year)s") % {"block_year": block_year},
        intro=_("Each phase should be finished by its date; the dates follow the order of the phases."),
        cancel_url=_detail_url(block_year),
    )


@login_required
def block_year_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "organizations.manage_members", block_year)
    existing = [m.unit_id for m in block_year.memberships.all()]
    form = MemberAddForm(request.POST or None, units=core_selectors.units_for_choice(exclude_ids=existing))
    if request.method == "POST" and form.is_valid():
        membership = call_service(
            form,
            services.block_member_add,
            actor=request.user,
            block_year=block_year,
            unit=form.cleaned_data["unit"],
            rotation_position=form.cleaned_data["rotation_position"],
        )
        if membership is not None:
            messages.success(request, _("%(unit)s joined the block.") % {"unit": membership.unit})
            return redirect(_detail_url(block_year) + "#members")
    return _form_page(
        request,
        form,
        title=_("Add a member unit to %(block_year)s") % {"block_year": block_year},
        cancel_url=_detail_url(block_year),
    )


@login_required
@require_POST
def block_year_member_remove(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "organizations.manage_members", block_year)
    unit = get_object_or_404(Unit, pk=unit_pk)
    form = _action_form()
    call_service(form, services.block_member_remove, actor=request.user, block_year=block_year, unit=unit)
    if form.errors:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    else:
        messages.success(request, _("%(unit)s left the block.") % {"unit": unit})
    return redirect(_detail_url(block_year) + "#members")


@login_required
def block_year_leadership(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    _require(request, "organizations.set_leadership", block_year)
    members = _member_units(block_year)
    staff = core_selectors.current_staff_by_unit(m.unit_id for m in block_year.memberships.all())
    leadership = list(block_year.leadership.all())
    initial: dict[str, Any] = {
        "head": next((row.unit_id for row in leadership if row.role == LeadershipRole.HEAD), None),
        "deputies": [row.unit_id for row in leadership if row.role == LeadershipRole.DEPUTY],
    }
    for row in leadership:
        initial[f"rep_{row.unit_id}"] = row.representative_id
        initial[f"rep_title_{row.unit_id}"] = row.representative_title
    form = LeadershipForm(request.POST or None, initial=initial, members=members, staff=staff)
    if request.method == "POST" and form.is_valid():
        rows = call_service(
            form,
            services.block_year_set_leadership,
            actor=request.user,
            block_year=block_year,
            head=form.cleaned_data["head"],
            deputies=list(form.cleaned_data["deputies"]),
            representatives=form.representatives(),
        )
        if rows is not None:
            messages.success(request, _("The leadership was saved."))
            return redirect(_detail_url(block_year))
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "block_year": block_year}
    return render(request, "organizations/block_year_leadership.html", context, status=status)


@login_required
@require_POST
def block_year_next(request: HttpRequest, pk: int) -> HttpResponse:
    """Open next year with the same members and the leadership the rotation rule proposes."""
    block_year = _block_year(pk)
    _require(request, "organizations.add_blockyear", block_year.block)
    form = _action_form()
    next_year = call_service(form, services.block_year_create_next, actor=request.user, block_year=block_year)
    if next_year is None:
        for error in form.non_field_errors():
            messages.error(request, str(error))
        return redirect(_detail_url(block_year))
    messages.success(request, _("The block-year %(year)s was opened.") % {"year": next_year.year})
    return redirect(_detail_url(next_year))
