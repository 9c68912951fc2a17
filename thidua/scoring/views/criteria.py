"""Pages for a block-year's criteria set (the scoring table) and its scoring settings.

Each view checks the object permission itself (403; 404 for a missing object) and writes only through
the criteria and config services, which check again, validate and run in one transaction; a
DomainError becomes a form error and nothing is written. Every form works without JavaScript; with
htmx, an item is edited inline and moved up or down without leaving the page (the view then answers
with the tree partial `criteria_detail.html#tree`, errors included, in a 200 so that htmx swaps it).
The forms below only collect input: the services decide what is valid.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from thidua.core import web
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring import xlsx
from thidua.scoring.models import (
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    FinalRule,
    ItemType,
    NormaliseMethod,
    ReviewMode,
    ScoringConfig,
)
from thidua.scoring.selectors import criteria as selectors
from thidua.scoring.services import config as config_services
from thidua.scoring.services import criteria as services

DETAIL_TEMPLATE = "scoring/criteria/criteria_detail.html"
TIE_BREAK_STEPS = 4


def _points_field(label: Any, help_text: Any = "") -> forms.DecimalField:
    """An optional number of points with at most two decimals (the services check the rest)."""
    return forms.DecimalField(label=label, help_text=help_text, max_digits=7, decimal_places=2, required=False)


# --- forms ---------------------------------------------------------------------------------------------------------


class CriteriaSetForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    total_cap = _points_field(
        gettext_lazy("Cap on the total"),
        gettext_lazy("Leave empty if bonus points may take a total past the base maximum (97 + 10 = 107)."),
    )
    bonus_cap = _points_field(gettext_lazy("Cap on all bonus points"), gettext_lazy("Leave empty for no cap."))


class GroupForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=16, help_text=gettext_lazy("For example I, II, III."))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=500)


class ItemForm(forms.Form):
    group = forms.ModelChoiceField(label=gettext_lazy("Group"), queryset=CriteriaGroup.objects.none())
    code = forms.CharField(label=gettext_lazy("Code"), max_length=16, help_text=gettext_lazy("For example 1.1."))
    title = forms.CharField(label=gettext_lazy("Criterion"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    guidance = forms.CharField(
        label=gettext_lazy("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("How to score the line and which evidence to attach."),
    )
    item_type = forms.ChoiceField(label=gettext_lazy("Scoring type"), choices=ItemType.choices)
    max_points = _points_field(
        gettext_lazy("Maximum points"), gettext_lazy("Points and yes/no lines; empty for bonus and deduction lines.")
    )
    per_occurrence = _points_field(
        gettext_lazy("Points per occurrence"), gettext_lazy("Bonus and deduction lines, as a positive number.")
    )
    cap = _points_field(
        gettext_lazy("Cap"),
        gettext_lazy("Bonus and deduction lines: the most they can add or take away (empty = no cap)."),
    )
    evidence_required = forms.BooleanField(label=gettext_lazy("Evidence required"), required=False)

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if groups is None:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Recorded in the audit log, e.g. the decision of the block to correct a line."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{xlsx.CONTENT_TYPE}"}),
        help_text=gettext_lazy("Start from the exported workbook: its sheet “Hướng dẫn” explains the columns."),
    )


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(
        label=gettext_lazy("Copy from"),
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label=gettext_lazy("Last year's set of this block"),
    )

    def __init__(self, *args: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.queryset = sources  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.block_year.block.name} — {s.block_year.year}: {s.title}"  # type: ignore[attr-defined]


def _tie_break_choices(group_codes: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        ("", "—"),
        ("fewer_deductions", _("Fewer deduction points")),
        ("self_score", _("Higher self-score")),
        ("bonus", _("More bonus points")),
        *(
            (f"group:{code}", _("Higher score in group %(code)s. %(title)s") % {"code": code, "title": title})
            for code, title in group_codes
        ),
    ]


class ConfigForm(forms.Form):
    review_mode = forms.ChoiceField(label=gettext_lazy("Review"), choices=ReviewMode.choices)
    reviewers_per_unit = forms.IntegerField(
        label=gettext_lazy("Reviewers per unit"),
        min_value=1,
        max_value=20,
        help_text=gettext_lazy("Cross-scoring: how many other member units score each unit."),
    )
    final_rule = forms.ChoiceField(label=gettext_lazy("Final score"), choices=FinalRule.choices)
    normalisation = forms.ChoiceField(label=gettext_lazy("Normalisation"), choices=NormaliseMethod.choices)
    use_normalised = forms.BooleanField(
        label=gettext_lazy("Rank on normalised scores"),
        required=False,
        help_text=gettext_lazy("Normalised scores are always shown beside the raw ones; this decides which one ranks."),
    )
    item_difference_threshold = forms.DecimalField(
        label=gettext_lazy("Flag an item difference above"), max_digits=7, decimal_places=2
    )
    total_difference_threshold = forms.DecimalField(
        label=gettext_lazy("Flag a total difference above"), max_digits=7, decimal_places=2
    )
    self_approval_required = forms.BooleanField(
        label=gettext_lazy("The unit head approves the self-score"), required=False
    )
    assignment_seed = forms.IntegerField(
        label=gettext_lazy("Assignment seed"),
        min_value=0,
        help_text=gettext_lazy("Cross-scoring: the same seed always draws the same reviewers."),
    )

    def __init__(self, *args: Any, group_codes: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _tie_break_choices(group_codes)
        for step in range(1, TIE_BREAK_STEPS + 1):
            self.fields[f"tie_break_{step}"] = forms.ChoiceField(
                label=_("Tie-break %(step)d") % {"step": step}, choices=choices, required=False
            )

    def tie_break_fields(self) -> list[forms.BoundField]:
        return [self[f"tie_break_{step}"] for step in range(1, TIE_BREAK_STEPS + 1)]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("tie_break_")]

    def changes(self) -> dict[str, Any]:
        """The changed settings as service arguments; the tie-break selects become one `tie_breaks` list."""
        data = self.cleaned_data
        changes = {name: data[name] for name in self.changed_data if not name.startswith("tie_break_")}
        if any(name.startswith("tie_break_") for name in self.changed_data):
            steps = []
            for step in range(1, TIE_BREAK_STEPS + 1):
                value = data.get(f"tie_break_{step}") or ""
                if value.startswith("group:"):
                    steps.append({"kind": "group", "group": value.split(":", 1)[1]})
                elif value:
                    steps.append({"kind": value})
            changes["tie_breaks"] = steps
        return changes


def config_initial(config: ScoringConfig) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(config, name) for name in config_services.CONFIG_FIELDS}
    initial.pop("tie_breaks")
    for step, entry in enumerate(config.tie_breaks[:TIE_BREAK_STEPS], start=1):
        kind = entry.get("kind", "")
        initial[f"tie_break_{step}"] = f"group:{entry.get('group')}" if kind == "group" else kind
    return initial


class TrackForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Track"), max_length=200, required=False)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class BandForm(forms.Form):
    minimum = _points_field(pgettext_lazy("score band", "From"))
    maximum = _points_field(pgettext_lazy("score band", "To"), gettext_lazy("Empty = no upper end."))
    title = forms.CharField(label=gettext_lazy("Suggested title"), max_length=255, required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=500, required=False)


TrackFormSet = forms.formset_factory(TrackForm, extra=1, max_num=20)
BandFormSet = forms.formset_factory(BandForm, extra=2, max_num=20)


# --- helpers -------------------------------------------------------------------------------------------------------


def _block_year(pk: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=pk)


def _group(pk: int) -> CriteriaGroup:
    return get_object_or_404(CriteriaGroup.objects.select_related("criteria_set__block_year__block__owner"), pk=pk)


def _item(pk: int) -> CriteriaItem:
    return get_object_or_404(
        CriteriaItem.objects.select_related("criteria_set__block_year__block__owner", "group"), pk=pk
    )


def _set_or_404(block_year: BlockYear) -> CriteriaSet:
    criteria_set = selectors.criteria_set_of(block_year=block_year)
    if criteria_set is None:
        raise Http404
    return criteria_set


def _detail_url(block_year_id: int, anchor: str = "") -> str:
    url = reverse("scoring:criteria_detail", args=[block_year_id])
    return f"{url}#{anchor}" if anchor else url


def _report(request: HttpRequest, form: forms.BaseForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _detail_context(request: HttpRequest, block_year: BlockYear, **extra: Any) -> dict[str, Any]:
    user = request.user
    criteria_set = selectors.criteria_set_of(block_year=block_year)
    tree = selectors.criteria_tree(criteria_set=criteria_set) if criteria_set is not None else None
    can_manage = user.has_perm("scoring.manage_criteria", block_year)
    locked = criteria_set is not None and criteria_set.is_locked
    empty = tree is None or tree.item_count == 0
    config = selectors.scoring_config_of(block_year=block_year)
    groups = {view.group.code: view.group.title for view in tree.groups} if tree else {}
    context: dict[str, Any] = {
        "block_year": block_year,
        "criteria_set": criteria_set,
        "tree": tree,
        "nav": "criteria",
        "can_edit": can_manage and not locked,
        "can_manage": can_manage,
        "can_lock": can_manage and not locked and not empty,
        "can_unlock": locked and user.has_perm("scoring.unlock_criteria", block_year),
        "sheets_submitted": locked and selectors.sheets_submitted(block_year=block_year),
        "previous_set": selectors.previous_criteria_set(block_year=block_year) if can_manage and empty else None,
        "copy_form": CopyForm(sources=selectors.copy_sources(block_year=block_year))
        if can_manage and empty and not locked
        else None,
        "config": config,
        "tie_breaks": _tie_break_labels(config, groups),
        "bands": selectors.score_bands(block_year=block_year),
        "editing_item": None,
        "item_form": None,
    }
    context.update(extra)
    return context


def _tie_break_labels(config: ScoringConfig, groups: dict[str, str]) -> list[str]:
    """The tie-break order in words, for the summary on the criteria page."""
    labels = dict(_tie_break_choices(()))
    result = []
    for step in config.tie_breaks:
        kind = str(step.get("kind", ""))
        if kind == "group":
            code = str(step.get("group", ""))
            result.append(
                _("Higher score in group %(code)s. %(title)s") % {"code": code, "title": groups.get(code, "")}
            )
        else:
            result.append(labels.get(kind, kind))
    return result


def _has_errors(form: Any) -> bool:
    if form is None:
        return False
    if isinstance(form, forms.BaseFormSet):
        return form.is_bound and form.total_error_count() > 0
    return bool(form.errors)


def _tree_response(request: HttpRequest, block_year: BlockYear, **extra: Any) -> HttpResponse:
    response = render(request, f"{DETAIL_TEMPLATE}#tree", _detail_context(request, block_year, **extra))
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the criteria page ---------------------------------------------------------------------------------------------


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree with maxima, types and evidence flags; actions to copy, import, export, lock or unlock."""
    block_year = _block_year(pk)
    web.require(request, "scoring.view_criteria", block_year)
    if _is_htmx(request):
        return _tree_response(request, block_year)
    response = render(request, DETAIL_TEMPLATE, _detail_context(request, block_year))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def criteria_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the set (title, legal basis, caps) or change them."""
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_criteria", block_year)
    criteria_set = selectors.criteria_set_of(block_year=block_year)
    if criteria_set is None:
        initial: dict[str, Any] = {"title": _("Emulation scoring table %(year)s") % {"year": block_year.year}}
    else:
        initial = {name: getattr(criteria_set, name) for name in services.SET_FIELDS}
    form = CriteriaSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if criteria_set is None:
            done = web.call_service(
                form, services.criteria_set_create, actor=request.user, block_year=block_year, **form.cleaned_data
            )
        else:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            done = web.call_service(
                form, services.criteria_set_update, actor=request.user, criteria_set=criteria_set, **changes
            )
        if done is not None:
            messages.success(request, _("The criteria set was saved."))
            return redirect("scoring:criteria_detail", block_year.pk)
    title = _("New criteria set") if criteria_set is None else _("Edit the criteria set")
    return web.form_page(request, form, title=title, cancel_url=_detail_url(block_year.pk))


@login_required
@require_POST
def criteria_copy(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_criteria", block_year)
    form = CopyForm(request.POST, sources=selectors.copy_sources(block_year=block_year))
    if form.is_valid():
        copied = web.call_service(
            form,
            services.criteria_set_copy,
            actor=request.user,
            block_year=block_year,
            source=form.cleaned_data["source"],
        )
        if copied is not None:
            messages.success(request, _("The criteria were copied; check and adjust them before locking."))
    _report(request, form)
    return redirect("scoring:criteria_detail", block_year.pk)


@login_required
@require_POST
def criteria_lock(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_criteria", block_year)
    criteria_set = _set_or_404(block_year)
    form = web.action_form()
    if web.call_service(form, services.criteria_set_lock, actor=request.user, criteria_set=criteria_set) is not None:
        messages.success(request, _("The criteria set is locked; units can now score against it."))
    _report(request, form)
    return redirect("scoring:criteria_detail", block_year.pk)


@login_required
def criteria_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.unlock_criteria", block_year)
    criteria_set = _set_or_404(block_year)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = web.call_service(
            form, services.criteria_set_unlock, actor=request.user, criteria_set=criteria_set, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The criteria set is unlocked for corrections."))
            return redirect("scoring:criteria_detail", block_year.pk)
    return web.form_page(
        request,
        form,
        title=_("Unlock the criteria set"),
        cancel_url=_detail_url(block_year.pk),
        intro=_("Unlock only to correct the table before any score sheet is submitted; lock it again afterwards."),
        submit_label=_("Unlock"),
    )


@login_required
def criteria_export(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.view_criteria", block_year)
    criteria_set = _set_or_404(block_year)
    content = xlsx.write_criteria(criteria_set, selectors.criteria_groups(criteria_set=criteria_set))
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{xlsx.export_filename(criteria_set)}"'
    return response


@login_required
def criteria_import(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_criteria", block_year)
    criteria_set = selectors.criteria_set_of(block_year=block_year)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = web.call_service(
            form,
            services.criteria_set_import,
            actor=request.user,
            block_year=block_year,
            upload=form.cleaned_data["file"],
        )
        if done is not None:
            messages.success(request, _("The criteria were imported from the workbook."))
            return redirect("scoring:criteria_detail", block_year.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"block_year": block_year, "criteria_set": criteria_set, "form": form, "nav": "criteria"}
    return render(request, "scoring/criteria/import.html", context, status=status)


# --- groups --------------------------------------------------------------------------------------------------------


@login_required
def criteria_group_add(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_criteria", block_year)
    criteria_set = _set_or_404(block_year)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = web.call_service(
            form, services.criteria_group_add, actor=request.user, criteria_set=criteria_set, **form.cleaned_data
        )
        if group is not None:
            messages.success(request, _("The group “%(code)s” was added.") % {"code": group.code})
            return redirect(_detail_url(block_year.pk, f"group-{group.pk}"))
    return web.form_page(request, form, title=_("New criteria group"), cancel_url=_detail_url(block_year.pk))


@login_required
def criteria_group_edit(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = _group(group_pk)
    block_year = group.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = GroupForm(request.POST or None, initial={"code": group.code, "title": group.title})
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if web.call_service(form, services.criteria_group_update, actor=request.user, group=group, **changes):
            messages.success(request, _("The group was saved."))
            return redirect(_detail_url(block_year.pk, f"group-{group.pk}"))
    return web.form_page(
        request,
        form,
        title=_("Edit the group %(code)s") % {"code": group.code},
        cancel_url=_detail_url(block_year.pk, f"group-{group.pk}"),
    )


@login_required
@require_POST
def criteria_group_delete(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = _group(group_pk)
    block_year = group.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = web.action_form()
    code = group.code
    web.call_service(form, services.criteria_group_delete, actor=request.user, group=group)
    if not form.errors:
        messages.success(request, _("The group “%(code)s” was deleted with its lines.") % {"code": code})
    _report(request, form)
    return redirect("scoring:criteria_detail", block_year.pk)


@login_required
@require_POST
def criteria_group_move(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = _group(group_pk)
    block_year = group.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = web.action_form()
    web.call_service(
        form, services.criteria_group_move, actor=request.user, group=group, direction=request.POST.get("direction", "")
    )
    if _is_htmx(request):
        return _tree_response(request, block_year, tree_errors=form.non_field_errors())
    _report(request, form)
    return redirect(_detail_url(block_year.pk, f"group-{group.pk}"))


# --- items ---------------------------------------------------------------------------------------------------------


def _item_data(form: ItemForm, names: Sequence[str] | None = None) -> dict[str, Any]:
    data = form.cleaned_data
    return {name: data[name] for name in (names if names is not None else data)}


@login_required
def criteria_item_add(request: HttpRequest, group_pk: int) -> HttpResponse:
    group = _group(group_pk)
    block_year = group.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = ItemForm(request.POST or None, initial={"item_type": ItemType.POINTS})
    if request.method == "POST" and form.is_valid():
        item = web.call_service(form, services.criteria_item_add, actor=request.user, group=group, **_item_data(form))
        if item is not None:
            messages.success(request, _("The line “%(code)s” was added.") % {"code": item.code})
            if "add_another" in request.POST:
                return redirect("scoring:criteria_item_add", group.pk)
            return redirect(_detail_url(block_year.pk, f"item-{item.pk}"))
    return web.form_page(
        request,
        form,
        title=_("New line in group %(code)s. %(title)s") % {"code": group.code, "title": group.title},
        cancel_url=_detail_url(block_year.pk, f"group-{group.pk}"),
    )


def _item_initial(item: CriteriaItem) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(item, name) for name in services.ITEM_EDIT_FIELDS}
    for name in ("max_points", "per_occurrence"):
        if initial[name] == Decimal(0):
            initial[name] = None  # shown empty when the field does not apply
    return initial


@login_required
def criteria_item_edit(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Edit a line: a page of its own, or inline in the tree when asked by htmx."""
    item = _item(item_pk)
    block_year = item.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    groups = item.criteria_set.groups.order_by("position", "id")
    form = ItemForm(request.POST or None, initial=_item_initial(item), groups=groups)
    if request.method == "POST" and form.is_valid():
        changes = _item_data(form, form.changed_data)
        saved = web.call_service(form, services.criteria_item_update, actor=request.user, item=item, **changes)
        if saved is not None:
            if _is_htmx(request):
                return _tree_response(request, block_year, flash_item=item.pk)
            messages.success(request, _("The line “%(code)s” was saved.") % {"code": saved.code})
            return redirect(_detail_url(block_year.pk, f"item-{item.pk}"))
    if _is_htmx(request):
        return _tree_response(request, block_year, editing_item=item.pk, item_form=form)
    return web.form_page(
        request,
        form,
        title=_("Edit the line %(code)s") % {"code": item.code},
        cancel_url=_detail_url(block_year.pk, f"item-{item.pk}"),
    )


@login_required
@require_POST
def criteria_item_delete(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(item_pk)
    block_year = item.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = web.action_form()
    code, group_pk = item.code, item.group_id
    web.call_service(form, services.criteria_item_delete, actor=request.user, item=item)
    if not form.errors:
        messages.success(request, _("The line “%(code)s” was deleted.") % {"code": code})
    _report(request, form)
    return redirect(_detail_url(block_year.pk, f"group-{group_pk}"))


@login_required
@require_POST
def criteria_item_move(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(item_pk)
    block_year = item.criteria_set.block_year
    web.require(request, "scoring.manage_criteria", block_year)
    form = web.action_form()
    web.call_service(
        form, services.criteria_item_move, actor=request.user, item=item, direction=request.POST.get("direction", "")
    )
    if _is_htmx(request):
        return _tree_response(request, block_year, tree_errors=form.non_field_errors(), flash_item=item.pk)
    _report(request, form)
    return redirect(_detail_url(block_year.pk, f"item-{item.pk}"))


# --- scoring settings ----------------------------------------------------------------------------------------------


def _group_codes(block_year: BlockYear, config: ScoringConfig) -> list[tuple[str, str]]:
    codes = list(
        CriteriaGroup.objects.filter(criteria_set__block_year=block_year)
        .order_by("position", "id")
        .values_list("code", "title")
    )
    known = {code for code, _title in codes}
    codes += [(str(s["group"]), "") for s in config.tie_breaks if s.get("group") and s["group"] not in known]
    return codes


def _track_initial(block_year: BlockYear) -> list[dict[str, Any]]:
    return [
        {"name": track.name, "units": list(track.units.all())}
        for track in selectors.scoring_tracks(block_year=block_year)
    ]


def _band_initial(block_year: BlockYear) -> list[dict[str, Any]]:
    return [
        {"minimum": b.minimum, "maximum": b.maximum, "title": b.title, "source": b.source}
        for b in selectors.score_bands(block_year=block_year)
    ]


def _config_page(
    request: HttpRequest,
    block_year: BlockYear,
    *,
    config_form: ConfigForm | None = None,
    track_formset: Any = None,
    band_formset: Any = None,
    tracks_errors: forms.Form | None = None,
    bands_errors: forms.Form | None = None,
) -> HttpResponse:
    config = selectors.scoring_config_of(block_year=block_year)
    members = selectors.member_units(block_year=block_year)
    bound = any(_has_errors(f) for f in (config_form, track_formset, band_formset, tracks_errors, bands_errors))
    context = {
        "block_year": block_year,
        "nav": "config",
        "config": config,
        "config_form": config_form
        or ConfigForm(initial=config_initial(config), group_codes=_group_codes(block_year, config)),
        "track_formset": track_formset
        or TrackFormSet(initial=_track_initial(block_year), prefix="tracks", form_kwargs={"units": members}),
        "band_formset": band_formset or BandFormSet(initial=_band_initial(block_year), prefix="bands"),
        "tracks_errors": tracks_errors,
        "bands_errors": bands_errors,
        "member_count": members.count(),
        "reviews_finalised": selectors.reviews_finalised(block_year=block_year),
    }
    return render(request, "scoring/criteria/config_edit.html", context, status=400 if bound else 200)


@login_required
def config_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring settings of a block-year: review and final-score rules, tie-breaks, tracks and bands."""
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_config", block_year)
    if request.method != "POST":
        return _config_page(request, block_year)
    config = selectors.scoring_config_of(block_year=block_year)
    form = ConfigForm(request.POST, initial=config_initial(config), group_codes=_group_codes(block_year, config))
    if form.is_valid():
        changes = form.changes()
        done = web.call_service(
            form, config_services.scoring_config_update, actor=request.user, block_year=block_year, **changes
        )
        if done is not None:
            messages.success(request, _("The scoring settings were saved."))
            return redirect("scoring:config_edit", block_year.pk)
    return _config_page(request, block_year, config_form=form)


@login_required
@require_POST
def config_tracks(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_config", block_year)
    members = selectors.member_units(block_year=block_year)
    formset = TrackFormSet(request.POST, prefix="tracks", form_kwargs={"units": members})
    errors = web.action_form()
    if formset.is_valid():
        tracks = [
            (data.get("name", ""), list(data.get("units") or []))
            for data in formset.cleaned_data
            if data.get("name") or data.get("units")
        ]
        done = web.call_service(
            errors, config_services.scoring_tracks_set, actor=request.user, block_year=block_year, tracks=tracks
        )
        if done is not None:
            messages.success(request, _("The ranking tracks were saved."))
            return redirect(reverse("scoring:config_edit", args=[block_year.pk]) + "#tracks")
    return _config_page(request, block_year, track_formset=formset, tracks_errors=errors)


@login_required
@require_POST
def config_bands(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_config", block_year)
    formset = BandFormSet(request.POST, prefix="bands")
    errors = web.action_form()
    if formset.is_valid():
        bands = [
            (data.get("minimum"), data.get("maximum"), data.get("title", ""), data.get("source", ""))
            for data in formset.cleaned_data
            if data.get("minimum") is not None or data.get("title")
        ]
        done = web.call_service(
            errors, config_services.score_bands_set, actor=request.user, block_year=block_year, bands=bands
        )
        if done is not None:
            messages.success(request, _("The point bands were saved."))
            return redirect(reverse("scoring:config_edit", args=[block_year.pk]) + "#bands")
    return _config_page(request, block_year, band_formset=formset, bands_errors=errors)
