"""Pages for score sheets: the list per unit, the self-score and review forms, history, differences,
reviewer assignments and conflicts of interest, and the ranking.

Each view checks the object permission itself (403; 404 for a unit that is not a member) and writes
only through the sheet services, which check again and run in one transaction. A DomainError from
a service becomes a message or a form error and nothing is written. Saving a sheet whose version
changed since the page was loaded answers 409 with the service's message and keeps what the user
typed in the form, so nothing is lost: they reload the other version and re-apply their changes.

Opening a sheet (creating it with a blank line per item) is a POST ("Start"), never a side effect
of a GET. Running totals are previewed through htmx with the rules engine (`sheet_totals`); the
saved totals always come from the service.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from thidua.accounts.predicates import block_role_on, unit_role_on, user_is_admin
from thidua.accounts.roles import Role
from thidua.attachments.models import Attachment
from thidua.core import charts, web
from thidua.core import exceptions as domain
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring import rules
from thidua.scoring.models import (
    ConflictOfInterest,
    CriteriaItem,
    ItemType,
    Reconciliation,
    ReconciliationStatus,
    ReviewMode,
    ScoreLine,
    ScoreSheet,
    ScoringConfig,
    SheetKind,
    SheetStatus,
)
from thidua.scoring.permissions import STAFF_ROLES, staff_of_member_unit
from thidua.scoring.selectors import dashboards as overview
from thidua.scoring.selectors import sheets as sheet_selectors
from thidua.scoring.services import recompute as recompute_services
from thidua.scoring.services import sheets as sheet_services

# --- shared helpers ------------------------------------------------------------------------------------------------


def _block_year(pk: int) -> BlockYear:
    return get_object_or_404(BlockYear.objects.select_related("block"), pk=pk)


def _member(block_year: BlockYear, unit_pk: int) -> Unit:
    """A member unit of the block-year, else 404."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not block_year.memberships.filter(unit=unit).exists():
        raise Http404
    return unit


def _report(request: HttpRequest, form: forms.BaseForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def scoring_tabs(request: HttpRequest, block_year: BlockYear, active: str) -> list[dict[str, Any]]:
    """The scoring sub-navigation of a block-year: only the pages the user may open.

    The same entries, in the same order, as the criteria pages' `scoring/_year_nav.html`, plus the
    sheet pages (differences, reviewers and conflicts) that only organisers and members use.
    """
    user = request.user
    sees_all = user.has_perm("scoring.view_all_sheets", block_year)
    member_staff = bool(staff_of_member_unit(user, block_year))
    tabs: list[tuple[str, str, str, bool]] = [
        ("criteria", _("Criteria"), "list-check", user.has_perm("scoring.view_criteria", block_year)),
        ("config", _("Scoring settings"), "sliders", user.has_perm("scoring.manage_config", block_year)),
        ("sheets", _("Score sheets"), "clipboard-data", sees_all or member_staff),
        ("reconciliations", _("Differences"), "arrow-left-right", sees_all),
        ("assignments", _("Reviewers and conflicts"), "diagram-3", sees_all or member_staff),
        ("ranking", _("Ranking"), "trophy", user.has_perm("scoring.view_ranking", block_year)),
        ("dashboard", _("Dashboard"), "speedometer2", user.has_perm("scoring.view_ranking", block_year)),
    ]
    url_names = {
        "criteria": "scoring:criteria_detail",
        "config": "scoring:config_edit",
        "sheets": "scoring:sheet_list",
        "reconciliations": "scoring:reconciliations",
        "assignments": "scoring:assignments",
        "ranking": "scoring:ranking",
        "dashboard": "scoring:dashboard",
    }
    return [
        {"url": reverse(url_names[key], args=[block_year.pk]), "label": label, "icon": icon, "active": key == active}
        for key, label, icon, allowed in tabs
        if allowed
    ]


def sheet_url(sheet: ScoreSheet) -> str:
    """The page of a sheet: the unit's self-score or the review by its reviewing unit (current revision)."""
    if not sheet.is_current:
        return reverse("scoring:sheet_detail", args=[sheet.pk])
    if sheet.kind == SheetKind.SELF:
        return reverse("scoring:self_sheet", args=[sheet.block_year_id, sheet.unit_id])
    return reverse("scoring:review_sheet", args=[sheet.block_year_id, sheet.unit_id, sheet.reviewer_unit_id])


def _edit_perm(sheet: ScoreSheet) -> str:
    return "scoring.edit_self_sheet" if sheet.kind == SheetKind.SELF else "scoring.edit_review_sheet"


def _reviewer_units(user: Any, block_year: BlockYear, config: ScoringConfig, members: Sequence[int]) -> list[int]:
    """The units on whose behalf this user reviews: the head/deputy units they lead, or their own unit (cross)."""
    admin = user_is_admin(user)
    if config.review_mode == ReviewMode.CROSS:
        return [m for m in members if admin or unit_role_on(user, m, *STAFF_ROLES)]
    head, deputies = overview.leadership_unit_ids(block_year=block_year)
    result: list[int] = []
    if head is not None and (admin or block_role_on(user, block_year.pk, Role.BLOCK_HEAD)):
        result.append(head)
    if admin:
        result.extend(deputies)
    elif block_role_on(user, block_year.pk, Role.BLOCK_DEPUTY):
        own = [d for d in deputies if unit_role_on(user, d, *STAFF_ROLES)]
        result.extend(own or (deputies if len(deputies) == 1 else []))
    return result


# --- the sheet list ------------------------------------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    self_sheet: ScoreSheet | None = None
    can_start_self: bool = False
    reviews: list[ScoreSheet] = field(default_factory=list)
    review_links: list[tuple[Unit, ScoreSheet | None]] = field(default_factory=list)
    differences: int = 0


@login_required
def sheet_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Per member unit: the self-score, the reviews, open differences and what the user may do next."""
    block_year = _block_year(pk)
    user = request.user
    sees_all = user.has_perm("scoring.view_all_sheets", block_year)
    if not sees_all and not staff_of_member_unit(user, block_year):
        raise PermissionDenied
    config = overview.scoring_config(block_year=block_year)
    units = overview.member_units(block_year=block_year)
    units_by_id = {unit.pk: unit for unit in units}
    reviewer_ids = _reviewer_units(user, block_year, config, list(units_by_id))
    assignments = overview.assigned_reviewers(block_year=block_year) if config.review_mode == ReviewMode.CROSS else {}
    sheets = list(sheet_selectors.sheets_for_block_year(block_year=block_year, user=user))
    differences = overview.open_differences_by_unit(block_year=block_year) if sees_all else {}
    rows: list[UnitRow] = []
    for unit in units:
        row = UnitRow(unit=unit, differences=differences.get(unit.pk, 0))
        own = [s for s in sheets if s.unit_id == unit.pk]
        row.self_sheet = next((s for s in own if s.kind == SheetKind.SELF), None)
        row.reviews = sorted((s for s in own if s.kind == SheetKind.REVIEW), key=lambda s: s.reviewer_unit_id or 0)
        if row.self_sheet is None:
            draft = ScoreSheet(block_year=block_year, unit=unit, kind=SheetKind.SELF)
            row.can_start_self = user.has_perm("scoring.edit_self_sheet", draft)
        by_reviewer = {s.reviewer_unit_id: s for s in row.reviews}
        for reviewer_id in reviewer_ids:
            if reviewer_id == unit.pk or reviewer_id not in units_by_id:
                continue
            if config.review_mode == ReviewMode.CROSS and reviewer_id not in assignments.get(unit.pk, []):
                continue
            row.review_links.append((units_by_id[reviewer_id], by_reviewer.get(reviewer_id)))
        if sees_all or row.self_sheet or row.reviews or row.review_links or row.can_start_self:
            rows.append(row)
    context = {
        "block_year": block_year,
        "config": config,
        "rows": rows,
        "sees_all": sees_all,
        "scoring_tabs": scoring_tabs(request, block_year, "sheets"),
        "can_manage": user.has_perm("scoring.manage_reviews", block_year),
    }
    return render(request, "scoring/sheets/sheet_list.html", context)


# --- the sheet form ------------------------------------------------------------------------------------------------


def _main_field(item: CriteriaItem) -> forms.Field:
    if item.item_type == ItemType.YES_NO:
        return forms.BooleanField(
            label=gettext_lazy("Met"), required=False, widget=forms.CheckboxInput(attrs={"role": "switch"})
        )
    if item.item_type in (ItemType.BONUS, ItemType.DEDUCTION):
        return forms.IntegerField(
            label=gettext_lazy("Occurrences"),
            required=False,
            widget=forms.NumberInput(attrs={"step": "1", "min": "0", "class": "score-count"}),
        )
    return forms.DecimalField(
        label=gettext_lazy("Score"),
        required=False,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "max": f"{item.max_points}", "class": "score-input"}
        ),
    )


def main_field_name(item: CriteriaItem) -> str:
    if item.item_type == ItemType.YES_NO:
        return f"yes_{item.pk}"
    if item.item_type in (ItemType.BONUS, ItemType.DEDUCTION):
        return f"count_{item.pk}"
    return f"value_{item.pk}"


class SheetForm(forms.Form):
    """Every line of a sheet: the score (number, yes/no switch or occurrences), a comment, an evidence note,
    files to attach and attached files to remove. Field names carry the item id (`value_12`, `file_12`)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("General comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        sheet: ScoreSheet,
        lines: Sequence[ScoreLine],
        attachments: dict[int, list[Attachment]],
        editable: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.lines = list(lines)
        self.attachments = attachments
        self.fields["version"].initial = sheet.version
        self.fields["comment"].initial = sheet.comment
        for line in self.lines:
            item = line.item
            main = _main_field(item)
            if item.item_type == ItemType.YES_NO:
                main.initial = line.value is not None and line.value == item.max_points and item.max_points > 0
            elif item.item_type in (ItemType.BONUS, ItemType.DEDUCTION):
                main.initial = line.count
            else:
                main.initial = line.value
            self.fields[main_field_name(item)] = main
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=gettext_lazy("Comment"),
                required=False,
                initial=line.comment,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=gettext_lazy("Evidence note"),
                required=False,
                max_length=1000,
                initial=line.evidence_note,
                help_text=gettext_lazy("Document number, date or link.") if item.evidence_required else "",
            )
            self.fields[f"file_{item.pk}"] = forms.FileField(label=gettext_lazy("Attach a file"), required=False)
            for attachment in attachments.get(line.pk, []):
                self.fields[f"remove_{attachment.pk}"] = forms.BooleanField(
                    label=gettext_lazy("Remove"), required=False
                )
        if not editable:
            for form_field in self.fields.values():
                form_field.disabled = True

    def line_inputs(self) -> list[sheet_services.LineInput]:
        data = self.cleaned_data
        result = []
        for line in self.lines:
            item = line.item
            entry = sheet_services.LineInput(
                item_id=item.pk,
                comment=data.get(f"comment_{item.pk}", ""),
                evidence_note=data.get(f"evidence_{item.pk}", ""),
            )
            main = data.get(main_field_name(item))
            if item.item_type == ItemType.YES_NO:
                entry.value = item.max_points if main else Decimal(0)
            elif item.item_type in (ItemType.BONUS, ItemType.DEDUCTION):
                entry.count = main
            else:
                entry.value = main
            result.append(entry)
        return result

    def uploads(self) -> list[tuple[CriteriaItem, Any]]:
        return [
            (line.item, self.cleaned_data[f"file_{line.item.pk}"])
            for line in self.lines
            if self.cleaned_data.get(f"file_{line.item.pk}")
        ]

    def removals(self) -> list[Attachment]:
        return [
            attachment
            for line in self.lines
            for attachment in self.attachments.get(line.pk, [])
            if self.cleaned_data.get(f"remove_{attachment.pk}")
        ]

    def field_for_service(self, name: str) -> str:
        """Map a service error's field ("lines.<item id>.value", "item_12", …) to this form's field."""
        digits = "".join(ch if ch.isdigit() else " " for ch in name).split()
        if not digits:
            return name
        item_id = int(digits[0])
        line = next((line for line in self.lines if line.item_id == item_id), None)
        if line is None:
            return name
        if "evidence" in name:
            return f"evidence_{item_id}"
        if "file" in name:
            return f"file_{item_id}"
        return main_field_name(line.item)


@dataclass
class SheetRow:
    line: ScoreLine
    item: CriteriaItem
    main: forms.BoundField
    comment: forms.BoundField
    evidence: forms.BoundField
    file: forms.BoundField
    attachments: list[tuple[Attachment, forms.BoundField]]
    self_points: Decimal | None
    has_errors: bool


def _rows(form: SheetForm, self_points: dict[int, Decimal]) -> list[tuple[Any, list[SheetRow]]]:
    """The form's lines grouped by criteria group, in the order of the table."""
    rows: list[SheetRow] = []
    for line in form.lines:
        item = line.item
        bound = [
            form[name]
            for name in (main_field_name(item), f"comment_{item.pk}", f"evidence_{item.pk}", f"file_{item.pk}")
        ]
        files = [(a, form[f"remove_{a.pk}"]) for a in form.attachments.get(line.pk, [])]
        rows.append(
            SheetRow(
                line=line,
                item=item,
                main=bound[0],
                comment=bound[1],
                evidence=bound[2],
                file=bound[3],
                attachments=files,
                self_points=self_points.get(item.pk),
                has_errors=any(b.errors for b in bound),
            )
        )
    rows.sort(key=lambda r: (r.item.group.position, r.item.group_id, r.item.position, r.item.pk))
    return [(group, list(members)) for group, members in groupby(rows, key=lambda r: r.item.group)]


def _save(request: HttpRequest, form: SheetForm, sheet: ScoreSheet) -> ScoreSheet:
    """Attach the chosen files, save the lines and remove the ticked files, all or nothing."""
    with transaction.atomic():
        for item, upload in form.uploads():
            sheet_services.score_line_add_evidence(actor=request.user, sheet=sheet, item=item, upload=upload)
        saved = sheet_services.score_sheet_save(
            actor=request.user,
            sheet=sheet,
            version=form.cleaned_data["version"],
            lines=form.line_inputs(),
            comment=form.cleaned_data.get("comment", ""),
        )
        for attachment in form.removals():
            sheet_services.score_line_remove_evidence(actor=request.user, sheet=saved, attachment=attachment)
    return saved


def _sheet_actions(user: Any, sheet: ScoreSheet, config: ScoringConfig) -> dict[str, bool]:
    """Which transitions the user may offer on this sheet, from its status and the object permissions."""
    current = sheet.is_current
    is_self = sheet.kind == SheetKind.SELF
    status = sheet.status
    can_finalise = current and user.has_perm("scoring.finalise_sheet", sheet)
    can_approve = current and is_self and user.has_perm("scoring.approve_self_sheet", sheet)
    finalisable = (status == SheetStatus.SUBMITTED and (not is_self or not config.self_approval_required)) or (
        is_self and status == SheetStatus.APPROVED
    )
    return {
        "approve": can_approve and status == SheetStatus.SUBMITTED and config.self_approval_required,
        "return": (can_approve and status == SheetStatus.SUBMITTED)
        or (can_finalise and status in (SheetStatus.SUBMITTED, SheetStatus.APPROVED)),
        "finalise": can_finalise and finalisable,
        "correct": current and status == SheetStatus.FINALISED and user.has_perm("scoring.correct_sheet", sheet),
    }


def _sheet_page(request: HttpRequest, block_year: BlockYear, unit: Unit, reviewer_unit: Unit | None) -> HttpResponse:
    user = request.user
    kind = SheetKind.REVIEW if reviewer_unit else SheetKind.SELF
    sheet_id = overview.current_sheet_id(block_year=block_year, unit=unit, reviewer_unit=reviewer_unit)
    config = overview.scoring_config(block_year=block_year)
    tabs = scoring_tabs(request, block_year, "sheets")
    if sheet_id is None:
        draft = ScoreSheet(block_year=block_year, unit=unit, kind=kind, reviewer_unit=reviewer_unit)
        can_start = user.has_perm(_edit_perm(draft), draft)
        if not can_start:
            if user.has_perm("scoring.view_all_sheets", block_year):
                missing: dict[str, Any] = {"block_year": block_year, "unit": unit, "reviewer_unit": reviewer_unit}
                return render(request, "scoring/sheets/sheet_start.html", {**missing, "scoring_tabs": tabs}, status=404)
            raise PermissionDenied
        form = web.action_form()
        if request.method == "POST" and request.POST.get("action") == "start":
            if reviewer_unit is None:
                opened = web.call_service(
                    form, sheet_services.self_sheet_open, actor=user, block_year=block_year, unit=unit
                )
            else:
                opened = web.call_service(
                    form,
                    sheet_services.review_sheet_open,
                    actor=user,
                    block_year=block_year,
                    unit=unit,
                    reviewer_unit=reviewer_unit,
                )
            if opened is not None:
                return redirect(sheet_url(opened))
        context: dict[str, Any] = {
            "block_year": block_year,
            "unit": unit,
            "reviewer_unit": reviewer_unit,
            "can_start": True,
            "start_form": form,
            "scoring_tabs": tabs,
        }
        status = 400 if form.errors else 200
        return render(request, "scoring/sheets/sheet_start.html", context, status=status)

    sheet = sheet_selectors.sheet_detail(sheet_id=sheet_id)
    web.require(request, "scoring.view_sheet", sheet)
    return _render_sheet(request, sheet, config, tabs)


def _sheet_form(sheet: ScoreSheet, data: Any, files: Any, *, editable: bool) -> SheetForm:
    return SheetForm(
        data,
        files,
        sheet=sheet,
        lines=list(sheet.lines.all()),
        attachments=sheet_selectors.sheet_evidence(sheet=sheet),
        editable=editable,
    )


def _show_error(form: SheetForm, exc: domain.DomainError) -> int:
    """Put a service error on the form (next to its line when it names one); returns the HTTP status."""
    if isinstance(exc, domain.PermissionDenied):
        raise PermissionDenied(str(exc.message)) from exc
    form.add_error(web.form_field_for(form, exc.field, form.field_for_service), str(exc.message))
    if exc.code == "stale_sheet":
        form.stale = True  # type: ignore[attr-defined]
    return 409 if isinstance(exc, domain.Conflict) else 400


def _render_sheet(
    request: HttpRequest, sheet: ScoreSheet, config: ScoringConfig, tabs: list[dict[str, Any]]
) -> HttpResponse:
    user = request.user
    may_edit = user.has_perm(_edit_perm(sheet), sheet)
    editable = may_edit and sheet.status == SheetStatus.DRAFT and not sheet.is_locked
    action = request.POST.get("action") if request.method == "POST" else None
    bound = action in ("save", "submit")
    if bound and not may_edit:
        raise PermissionDenied
    form = _sheet_form(sheet, request.POST if bound else None, request.FILES if bound else None, editable=editable)
    status = 200
    if bound and not form.is_valid():
        status = 400
    elif bound:
        try:
            sheet = _save(request, form, sheet)
        except domain.DomainError as exc:
            status = _show_error(form, exc)
        else:
            if action == "save":
                messages.success(request, _("The sheet was saved."))
                return redirect(sheet_url(sheet))
            try:
                sheet_services.score_sheet_submit(actor=user, sheet=sheet, version=sheet.version)
            except domain.DomainError as exc:
                # The entries were saved: show the sheet as saved (new version) with the reason it cannot go in.
                sheet = sheet_selectors.sheet_detail(sheet_id=sheet.pk)
                data = request.POST.copy()
                data["version"] = str(sheet.version)
                for name in [key for key in data if key.startswith("remove_")]:
                    del data[name]
                form = _sheet_form(sheet, data, None, editable=editable)
                form.is_valid()
                status = _show_error(form, exc)
                messages.info(request, _("Your entries were saved, but the sheet could not be submitted."))
            else:
                messages.success(request, _("The sheet was submitted."))
                return redirect(sheet_url(sheet))
    self_points: dict[int, Decimal] = {}
    self_sheet: ScoreSheet | None = None
    if sheet.kind == SheetKind.REVIEW:  # the reviewer sees the unit's handed-in self-score beside each line
        self_sheet = overview.handed_in_self_sheet(block_year=sheet.block_year, unit=sheet.unit)
        if self_sheet is not None:
            self_points = overview.self_points_by_item(sheet_id=self_sheet.pk)
    criteria_set = sheet.block_year.criteria_set if hasattr(sheet.block_year, "criteria_set") else None
    context = {
        "block_year": sheet.block_year,
        "unit": sheet.unit,
        "reviewer_unit": sheet.reviewer_unit,
        "sheet": sheet,
        "form": form,
        "groups": _rows(form, self_points),
        "self_sheet": self_sheet if self_points else None,
        "editable": editable,
        "stale": getattr(form, "stale", False),
        "actions": _sheet_actions(user, sheet, config),
        "config": config,
        "criteria_set": criteria_set,
        "maximum": rules.criteria_maximum(_spec(line.item) for line in form.lines),
        "totals": _stored_totals(sheet),
        "differences": overview.reconciliation_rows(block_year=sheet.block_year, unit=sheet.unit)
        if sheet.kind == SheetKind.REVIEW and user.has_perm("scoring.view_all_sheets", sheet.block_year)
        else [],
        "scoring_tabs": tabs,
    }
    return render(request, "scoring/sheets/sheet.html", context, status=status)


@login_required
def self_sheet(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The unit's self-score: filled by its clerk or head, approved by its head."""
    block_year = _block_year(pk)
    return _sheet_page(request, block_year, _member(block_year, unit_pk), None)


@login_required
def review_sheet(request: HttpRequest, pk: int, unit_pk: int, reviewer_pk: int) -> HttpResponse:
    """A review of the unit by a reviewing unit (the head or a deputy, or a member in cross-scoring)."""
    block_year = _block_year(pk)
    unit = _member(block_year, unit_pk)
    reviewer = _member(block_year, reviewer_pk)
    if reviewer.pk == unit.pk:
        raise Http404
    return _sheet_page(request, block_year, unit, reviewer)


@login_required
def sheet_detail(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """Any revision of a sheet, read-only unless it is the current one (then its own page)."""
    try:
        sheet = sheet_selectors.sheet_detail(sheet_id=sheet_pk)
    except ScoreSheet.DoesNotExist as exc:
        raise Http404 from exc
    web.require(request, "scoring.view_sheet", sheet)
    if sheet.is_current:
        return redirect(sheet_url(sheet))
    if request.method != "GET":
        raise PermissionDenied
    config = overview.scoring_config(block_year=sheet.block_year)
    return _render_sheet(request, sheet, config, scoring_tabs(request, sheet.block_year, "sheets"))


# --- running totals (htmx) -----------------------------------------------------------------------------------------


def _spec(item: CriteriaItem) -> rules.ItemSpec:
    return rules.ItemSpec(
        item_type=rules.ItemType(item.item_type),
        max_points=item.max_points,
        per_occurrence=item.per_occurrence,
        cap=item.cap,
        evidence_required=item.evidence_required,
    )


def _stored_totals(sheet: ScoreSheet) -> rules.SheetTotals:
    return rules.SheetTotals(
        base=sheet.base_total, bonus=sheet.bonus_total, deduction=sheet.deduction_total, total=sheet.total
    )


@login_required
@require_POST
def sheet_totals(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """Preview the totals of what is typed in the form (rules engine; nothing saved). Evidence is checked on save."""
    try:
        sheet = sheet_selectors.sheet_detail(sheet_id=sheet_pk)
    except ScoreSheet.DoesNotExist as exc:
        raise Http404 from exc
    web.require(request, _edit_perm(sheet), sheet)
    lines = list(sheet.lines.all())
    form = SheetForm(request.POST, sheet=sheet, lines=lines, attachments={}, editable=True)
    form.is_valid()
    problems = sum(1 for name in form.errors if name != "version")  # not numbers: not counted
    entered: list[tuple[rules.ItemType, Decimal]] = []
    for line, entry in zip(form.lines, form.line_inputs(), strict=True):
        if entry.value is None and entry.count is None:
            continue
        spec = _spec(line.item)
        try:
            points = rules.line_points(spec, value=entry.value, count=entry.count, has_evidence=True)
        except rules.RuleViolation:
            problems += 1
            continue
        entered.append((spec.item_type, points))
    criteria = getattr(sheet.block_year, "criteria_set", None)
    totals = rules.sheet_totals(
        entered,
        total_cap=criteria.total_cap if criteria else None,
        bonus_cap=criteria.bonus_cap if criteria else None,
    )
    context = {"totals": totals, "problems": problems, "preview": True, "sheet": sheet}
    response = render(request, "scoring/sheets/sheet.html#totals", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- transitions ---------------------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def _sheet_for_action(sheet_pk: int) -> ScoreSheet:
    return get_object_or_404(
        ScoreSheet.objects.select_related("block_year__block", "unit", "reviewer_unit"), pk=sheet_pk
    )


def _run(request: HttpRequest, service: Any, success: str, *, with_reason: bool = False, **kwargs: Any) -> None:
    """Run a button action on a sheet; its error (if any) or `success` becomes a message."""
    form = ReasonForm(request.POST)
    form.is_valid()
    if with_reason:
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    web.call_service(form, service, actor=request.user, **kwargs)
    if form.errors:
        _report(request, form)
    else:
        messages.success(request, success)


@login_required
@require_POST
def sheet_approve(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet = _sheet_for_action(sheet_pk)
    web.require(request, "scoring.approve_self_sheet", sheet)
    _run(request, sheet_services.self_sheet_approve, _("The self-score was approved."), sheet=sheet)
    return redirect(sheet_url(sheet))


@login_required
@require_POST
def sheet_return(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet = _sheet_for_action(sheet_pk)
    if not (
        request.user.has_perm("scoring.approve_self_sheet", sheet)
        or request.user.has_perm("scoring.finalise_sheet", sheet)
    ):
        raise PermissionDenied
    _run(
        request,
        sheet_services.score_sheet_return,
        _("The sheet was sent back to draft."),
        with_reason=True,
        sheet=sheet,
    )
    return redirect(sheet_url(sheet))


@login_required
@require_POST
def sheet_finalise(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    sheet = _sheet_for_action(sheet_pk)
    web.require(request, "scoring.finalise_sheet", sheet)
    _run(request, sheet_services.score_sheet_finalise, _("The sheet was finalised."), sheet=sheet)
    return redirect(sheet_url(sheet))


@login_required
@require_POST
def sheet_correct(request: HttpRequest, sheet_pk: int) -> HttpResponse:
    """Open a corrected revision of a finalised sheet (the old one stays in the history)."""
    sheet = _sheet_for_action(sheet_pk)
    web.require(request, "scoring.correct_sheet", sheet)
    form = ReasonForm(request.POST)
    form.is_valid()
    corrected = web.call_service(
        form, sheet_services.score_sheet_correct, actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"]
    )
    if corrected is None:
        _report(request, form)
        return redirect(sheet_url(sheet))
    messages.success(
        request, _("Revision %(revision)s was opened for the correction.") % {"revision": corrected.revision}
    )
    return redirect(sheet_url(corrected))


# --- history -------------------------------------------------------------------------------------------------------


@login_required
def sheet_history(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """Every revision of the unit's sheets that the user may see, with the reason of each correction."""
    block_year = _block_year(pk)
    unit = _member(block_year, unit_pk)
    user = request.user
    if not (user.has_perm("scoring.view_all_sheets", block_year) or unit_role_on(user, unit.pk, *STAFF_ROLES)):
        raise PermissionDenied
    revisions = [
        s
        for s in sheet_selectors.sheet_history(block_year=block_year, unit=unit)
        if user.has_perm("scoring.view_sheet", s)
    ]
    context = {
        "block_year": block_year,
        "unit": unit,
        "revisions": revisions,
        "scoring_tabs": scoring_tabs(request, block_year, "sheets"),
    }
    return render(request, "scoring/sheets/sheet_history.html", context)


# --- differences to reconcile --------------------------------------------------------------------------------------


@login_required
def reconciliations(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.view_all_sheets", block_year)
    rows = overview.reconciliation_rows(block_year=block_year)
    context = {
        "block_year": block_year,
        "open_rows": [r for r in rows if r.status == ReconciliationStatus.OPEN],
        "resolved_rows": [r for r in rows if r.status == ReconciliationStatus.RESOLVED],
        "can_resolve": request.user.has_perm("scoring.resolve_reconciliation", block_year),
        "scoring_tabs": scoring_tabs(request, block_year, "reconciliations"),
    }
    return render(request, "scoring/sheets/reconciliations.html", context)


@login_required
@require_POST
def reconciliation_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Reconciliation.objects.select_related("block_year"), pk=pk)
    web.require(request, "scoring.resolve_reconciliation", row.block_year)
    form = ReasonForm(request.POST)
    form.is_valid()
    done = web.call_service(
        form,
        sheet_services.reconciliation_resolve,
        actor=request.user,
        reconciliation=row,
        reason=form.cleaned_data["reason"],
    )
    if form.errors:
        _report(request, form)
    elif done is not None or not form.errors:
        messages.success(request, _("The difference was marked as reconciled."))
    return redirect(reverse("scoring:reconciliations", args=[row.block_year_id]))


# --- reviewers and conflicts ---------------------------------------------------------------------------------------


class ConflictForm(forms.Form):
    reviewer_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Reviewing unit"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Unit it must not score"))
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("reviewer_unit", "unit"):
            self.fields[name].queryset = units  # type: ignore[attr-defined]


@login_required
def assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """Who reviews whom (cross-scoring: generated from the block's seed) and the declared conflicts of interest."""
    block_year = _block_year(pk)
    user = request.user
    sees_all = user.has_perm("scoring.view_all_sheets", block_year)
    if not sees_all and not staff_of_member_unit(user, block_year):
        raise PermissionDenied
    config = overview.scoring_config(block_year=block_year)
    member_ids = [u.pk for u in overview.member_units(block_year=block_year)]
    members = Unit.objects.filter(pk__in=member_ids).order_by("name", "pk")
    can_declare = user.has_perm("scoring.declare_conflict", block_year)
    form = ConflictForm(request.POST or None, units=members) if can_declare else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            conflict = web.call_service(
                form,
                sheet_services.conflict_declare,
                actor=user,
                block_year=block_year,
                reviewer_unit=form.cleaned_data["reviewer_unit"],
                unit=form.cleaned_data["unit"],
                reason=form.cleaned_data["reason"],
            )
            if conflict is not None:
                messages.success(request, _("The conflict of interest was recorded."))
                return redirect(reverse("scoring:assignments", args=[block_year.pk]))
    own_units = {m for m in member_ids if unit_role_on(user, m, *STAFF_ROLES)}
    rows = overview.assignment_rows(block_year=block_year)
    conflicts = overview.conflict_rows(block_year=block_year)
    if not sees_all:
        rows = [r for r in rows if r.reviewer_unit_id in own_units]
        conflicts = [c for c in conflicts if c.reviewer_unit_id in own_units or c.unit_id in own_units]
    by_unit = [(unit, list(group)) for unit, group in groupby(rows, key=lambda r: r.unit)]
    context = {
        "block_year": block_year,
        "config": config,
        "is_cross": config.review_mode == ReviewMode.CROSS,
        "by_unit": by_unit,
        "conflicts": conflicts,
        "form": form,
        "can_generate": user.has_perm("scoring.manage_reviews", block_year) and config.review_mode == ReviewMode.CROSS,
        "can_withdraw": user.has_perm("scoring.manage_reviews", block_year),
        "scoring_tabs": scoring_tabs(request, block_year, "assignments"),
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "scoring/sheets/assignments.html", context, status=status)


@login_required
@require_POST
def assignments_generate(request: HttpRequest, pk: int) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_reviews", block_year)
    form = web.action_form()
    made = web.call_service(form, sheet_services.review_assignments_generate, actor=request.user, block_year=block_year)
    if made is None:
        _report(request, form)
    else:
        messages.success(request, _("%(count)d review assignments were generated.") % {"count": len(made)})
    return redirect(reverse("scoring:assignments", args=[block_year.pk]))


@login_required
@require_POST
def conflict_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(ConflictOfInterest.objects.select_related("block_year"), pk=pk)
    if not (
        request.user.has_perm("scoring.manage_reviews", conflict.block_year)
        or conflict.declared_by_id == request.user.pk
    ):
        raise PermissionDenied
    form = web.action_form()
    web.call_service(form, sheet_services.conflict_withdraw, actor=request.user, conflict=conflict)
    if form.errors:
        _report(request, form)
    else:
        messages.success(request, _("The conflict of interest was withdrawn."))
    return redirect(reverse("scoring:assignments", args=[conflict.block_year_id]))


# --- ranking -------------------------------------------------------------------------------------------------------


def tie_break_label(decided_by: str) -> str:
    """What separated a unit from its neighbours, in words ("" when the total alone did)."""
    if not decided_by or decided_by == "total":
        return ""
    if decided_by.startswith("group:"):
        return _("higher score in criteria group %(group)s") % {"group": decided_by.split(":", 1)[1]}
    labels = {
        "fewer_deductions": _("fewer deductions"),
        "self_score": _("higher self-score"),
        "bonus": _("more bonus points"),
    }
    return labels.get(decided_by, decided_by)


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The ranking table per track, with the chart; organisers finalise, recompute and publish from here."""
    block_year = _block_year(pk)
    web.require(request, "scoring.view_ranking", block_year)
    config = overview.scoring_config(block_year=block_year)
    scores = overview.ranking_rows(block_year=block_year)
    for score in scores:
        score.tie_break = tie_break_label(score.decided_by)  # type: ignore[attr-defined]
    tracks = [(track, list(rows)) for track, rows in groupby(scores, key=lambda s: s.track)]
    ranked = [s for s in scores if s.rank is not None]
    chart = (
        charts.bar_chart(
            [f"{s.rank}. {s.unit.name}" for s in ranked],
            [(_("Final score"), [overview.ranking_total(s) for s in ranked])],
            horizontal=True,
            y_title=_("Points"),
        )
        if ranked
        else None
    )
    context = {
        "block_year": block_year,
        "config": config,
        "tracks": tracks,
        "chart": chart,
        "computed_at": max((s.computed_at for s in scores), default=None),
        "can_manage": request.user.has_perm("scoring.manage_reviews", block_year),
        "scoring_tabs": scoring_tabs(request, block_year, "ranking"),
    }
    return render(request, "scoring/sheets/ranking.html", context)


def _ranking_action(request: HttpRequest, pk: int, service: Any, success: str) -> HttpResponse:
    block_year = _block_year(pk)
    web.require(request, "scoring.manage_reviews", block_year)
    form = web.action_form()
    web.call_service(form, service, actor=request.user, block_year=block_year)
    if form.errors:
        _report(request, form)
    else:
        messages.success(request, success)
    return redirect(reverse("scoring:ranking", args=[block_year.pk]))


@login_required
@require_POST
def ranking_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_action(request, pk, recompute_services.scoring_recompute, _("The ranking was recomputed."))


@login_required
@require_POST
def ranking_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_action(
        request, pk, recompute_services.ranking_publish, _("The ranking was published to the member units.")
    )


@login_required
@require_POST
def scoring_finalise_all(request: HttpRequest, pk: int) -> HttpResponse:
    return _ranking_action(
        request,
        pk,
        sheet_services.block_year_finalise_scoring,
        _("Every submitted sheet was finalised and the ranking recomputed."),
    )
