"""Pages of proposals (đề nghị khen thưởng): the list and the "waiting for me" queue, drafting with a live eligibility
preview, one proposal with its eligibility report, dossier checklist, history and the workflow's actions, and a
block-year's batches.

Views stay thin: they find the proposal among those the user may see (selectors_proposals.proposals_visible_to: a
proposal the user may not see is a 404), ask selectors_proposals which actions the user may take now, and run each
action through its service (services/proposals.py) with web.call_service. A refused step is a 403; a step the rules
refuse re-renders the page with the service's translated message and its stable code (data-error-code), and nothing
was written.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.attachments.services import attachments_of
from thidua.awards import selectors_proposals as sp
from thidua.awards.eligibility import Citation, Status, award_label
from thidua.awards.models import DossierKind, EligibilityOutcome, Proposal, ProposalStatus, Recipient
from thidua.awards.selectors_eligibility import eligibility_for, json_safe
from thidua.awards.services import proposals as services
from thidua.awards.views.eligibility import STATUS_BADGES, STATUS_ICONS
from thidua.awards.views.holds import may_view_holds
from thidua.awards.views.proposal_forms import (
    ApproveForm,
    AttachForm,
    BatchSubmitForm,
    CouncilForm,
    ExtraAttachForm,
    PreviewForm,
    ProposalEditForm,
    ProposalFilterForm,
    ProposalForm,
    ReturnForm,
    WithdrawForm,
    proposable_units,
)
from thidua.awards.workflow import HOLDER
from thidua.core import exceptions as domain
from thidua.core import web
from thidua.core.calendar import working_days_late_map
from thidua.core.vi_text import vi_fold
from thidua.organizations.models import BlockYear
from thidua.organizations.selectors import block_years_for_user

# ------------------------------------------------------------------------------------------------- presentation

STATUS_CLASSES: dict[str, str] = {
    ProposalStatus.DRAFT: "text-bg-secondary",
    ProposalStatus.SUBMITTED: "text-bg-info",
    ProposalStatus.UNIT_APPROVED: "text-bg-info",
    ProposalStatus.BLOCK_APPROVED: "text-bg-primary",
    ProposalStatus.AT_DEPARTMENT: "text-bg-primary",
    ProposalStatus.AT_COUNCIL: "text-bg-warning",
    ProposalStatus.ACCEPTED: "text-bg-success",
    ProposalStatus.REJECTED: "text-bg-danger",
    ProposalStatus.DECIDED: "text-bg-success",
    ProposalStatus.RETURNED: "text-bg-warning",
    ProposalStatus.WITHDRAWN: "text-bg-dark",
}
OUTCOME_BADGES: dict[str, str] = {
    EligibilityOutcome.PASS: "text-bg-success",
    EligibilityOutcome.FAIL: "text-bg-danger",
    EligibilityOutcome.UNKNOWN: "text-bg-secondary",
}
OUTCOME_ICONS: dict[str, str] = {
    EligibilityOutcome.PASS: "bi-check-circle",
    EligibilityOutcome.FAIL: "bi-x-circle",
    EligibilityOutcome.UNKNOWN: "bi-question-circle",
}
# The engine's verdicts (eligible / ineligible / unknown) as the outcome stored on a proposal (pass / fail / unknown).
VERDICT_OUTCOMES = {
    "eligible": EligibilityOutcome.PASS,
    "ineligible": EligibilityOutcome.FAIL,
    "unknown": EligibilityOutcome.UNKNOWN,
    "pass": EligibilityOutcome.PASS,
    "fail": EligibilityOutcome.FAIL,
}


@dataclasses.dataclass(frozen=True)
class Labelled:
    value: str
    label: str


@dataclasses.dataclass(frozen=True)
class CitationView:
    text: str
    unconfirmed: bool

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass(frozen=True)
class CheckView:
    rule_id: str
    status: Labelled
    message: str
    explanation: str
    citation: CitationView | None


@dataclasses.dataclass(frozen=True)
class RecordView:
    year: Any
    decision_date: dt.date | None


@dataclasses.dataclass(frozen=True)
class ReportView:
    year: Any
    basis: str
    verdict: Labelled


def _citation(value: Any) -> CitationView | None:
    if not value:
        return None
    if isinstance(value, Mapping):
        fields = {f.name for f in dataclasses.fields(Citation)}
        citation = Citation(**{k: v for k, v in value.items() if k in fields})
        return CitationView(str(citation), bool(citation.unconfirmed))
    return CitationView(str(value), False)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def outcome_of(verdict: Any) -> EligibilityOutcome:
    return VERDICT_OUTCOMES.get(str(getattr(verdict, "value", verdict) or ""), EligibilityOutcome.UNKNOWN)


def report_context(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The context of templates/awards/eligibility/_report.html from a stored (JSON) eligibility report.

    The verdict is given as the proposal's outcome (pass / fail / unknown: `data-verdict`).
    """
    if not data:
        return {"report": None}
    outcome = outcome_of(data.get("verdict"))
    checks = []
    for check in data.get("checks") or ():
        status = str(check.get("status") or Status.UNKNOWN)
        status = status if status in {s.value for s in Status} else Status.UNKNOWN.value
        records = [
            {
                "record": RecordView(record.get("year"), _date(record.get("decision_date"))),
                "label": award_label(str(record.get("award_code") or "")),
            }
            for record in check.get("records") or ()
            if isinstance(record, Mapping)
        ]
        checks.append(
            {
                "check": CheckView(
                    rule_id=str(check.get("rule_id") or ""),
                    status=Labelled(status, Status(status).label),
                    message=str(check.get("message") or ""),
                    explanation=str(check.get("explanation") or ""),
                    citation=_citation(check.get("citation")),
                ),
                "badge": STATUS_BADGES[Status(status)],
                "icon": STATUS_ICONS[Status(status)],
                "records": records,
            }
        )
    verdict = Labelled(outcome.value, str(outcome.label))
    return {
        "report": ReportView(data.get("year"), str(data.get("basis") or ""), verdict),
        "award_name": award_label(str(data.get("award_code") or "")),
        "verdict_badge": OUTCOME_BADGES[outcome],
        "checks": checks,
    }


def decorate(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Set `.overdue`, `.days_late`, `.status_class`, `.outcome_badge`, `.outcome_icon` for the templates."""
    rows = list(proposals)
    today = timezone.localdate()
    late = working_days_late_map((p.due_on for p in rows if p.due_on is not None), today)
    for p in rows:
        p.overdue = p.due_on is not None and p.due_on < today  # type: ignore[attr-defined]
        p.days_late = late.get(p.due_on, 0) if p.due_on is not None else 0  # type: ignore[attr-defined]
        p.status_class = STATUS_CLASSES.get(p.status, "text-bg-secondary")  # type: ignore[attr-defined]
        outcome = p.eligibility or EligibilityOutcome.UNKNOWN
        p.outcome = outcome  # type: ignore[attr-defined]
        p.outcome_label = EligibilityOutcome(outcome).label  # type: ignore[attr-defined]
        p.outcome_badge = OUTCOME_BADGES[EligibilityOutcome(outcome)]  # type: ignore[attr-defined]
        p.outcome_icon = OUTCOME_ICONS[EligibilityOutcome(outcome)]  # type: ignore[attr-defined]
    return rows


def _visible(request: HttpRequest, pk: int) -> Proposal:
    """The proposal if the user may see it, else 404 (whether it exists is not disclosed)."""
    proposal = get_object_or_404(sp.proposals_visible_to(request.user), pk=pk)
    web.require(request, "awards.view_proposal", proposal)
    return proposal


def _detail_url(proposal: Proposal) -> str:
    return reverse("awards:proposal_detail", args=[proposal.pk])


# ------------------------------------------------------------------------------------------------- list


def _filtered(request: HttpRequest, form: ProposalFilterForm) -> Any:
    filters = form.filters()
    qs = sp.proposals_visible_to(request.user)
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    if filters["year"]:
        qs = qs.filter(year=filters["year"])
    if filters["block_year"] is not None:
        qs = qs.filter(block_year=filters["block_year"])
    if filters["award_type"]:
        qs = qs.filter(award_type__code=filters["award_type"])
    if filters["overdue"]:
        qs = qs.filter(due_on__lt=timezone.localdate())
    if filters["q"]:
        # Tone-insensitive match on the recipient's name ("duc" finds "Đức"): fold in Python over the names only.
        needle = vi_fold(filters["q"])
        ids = [pk for pk, name in qs.values_list("pk", "recipient_name") if needle in vi_fold(name)]
        qs = qs.filter(pk__in=ids)
    return qs


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The proposals the user may see, filtered; the "waiting for me" tab lists the user's queue by due date."""
    block_years = block_years_for_user(user=request.user).order_by("-year", "block__name", "pk")
    form = ProposalFilterForm(request.GET, block_years=block_years)
    tab = "queue" if request.GET.get("tab") == "queue" else "all"
    queue = sp.proposal_queue(request.user)
    rows: Any = queue if tab == "queue" else _filtered(request, form)
    page = web.paginate(request, rows)
    page.object_list = decorate(page.object_list)
    context = {
        "filters": form,
        "page_obj": page,
        "tab": tab,
        "queue_count": len(queue),
        "can_add": proposable_units(request.user).exists(),
        "can_view_holds": may_view_holds(request.user),
    }
    template = "awards/proposals/list.html#rows" if getattr(request, "htmx", False) else "awards/proposals/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# ------------------------------------------------------------------------------------------------- new


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    """Draft a proposal. htmx GETs (the recipient's kind or unit changed) get the person and title choices back."""
    units = proposable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = ProposalForm(request.POST, user=request.user)
        if form.is_valid():
            proposal = web.call_service(
                form,
                services.proposal_create,
                permission_field="unit",
                actor=request.user,
                **form.service_kwargs(),
            )
            if proposal is not None:
                messages.success(request, _("The proposal was saved as a draft."))
                return redirect(_detail_url(proposal))
        status = 400
    else:
        initial: dict[str, Any] = dict(request.GET.items())
        if "unit" not in initial and units.count() == 1:
            initial["unit"] = units.get().pk
        form = ProposalForm(initial=initial, user=request.user)
        status = 200
        if getattr(request, "htmx", False):
            response = render(request, "awards/proposals/new.html#choices", {"form": form})
            patch_vary_headers(response, ["HX-Request"])
            return response
    response = render(request, "awards/proposals/new.html", {"form": form}, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def proposal_preview(request: HttpRequest) -> HttpResponse:
    """The eligibility report for the form's current values (htmx partial), or what is still missing."""
    if not proposable_units(request.user).exists():
        raise PermissionDenied
    form = PreviewForm(request.GET, user=request.user)
    context: dict[str, Any] = {"report": None, "error": None, "missing": True}
    if form.is_valid():
        data = form.cleaned_data
        individual = form.recipient_kind == Recipient.INDIVIDUAL
        ready = data["unit"] and data["award_type"] and data["year"] and (data["person"] or not individual)
        if ready:
            context["missing"] = False
            try:
                report = eligibility_for(
                    unit=None if individual else data["unit"],
                    person=data["person"] if individual else None,
                    award_code=data["award_type"].code,
                    year=data["year"],
                )
            except domain.ValidationFailed as exc:
                context["error"] = {"code": exc.code, "message": str(exc.message)}
            else:
                context.update(report_context(json_safe(report)))
    return render(request, "awards/proposals/_preview.html", context)


# ------------------------------------------------------------------------------------------------- detail


def _detail_context(request: HttpRequest, proposal: Proposal, bound: Mapping[str, forms.Form]) -> dict[str, Any]:
    user = request.user
    actions = set(sp.actions_for(user, proposal))
    dossier = sp.dossier_of(proposal)
    for line in dossier:
        for attachment in line.attachments:
            attachment.label = sp.attachment_label(attachment)  # type: ignore[attr-defined]
    attach_forms = {
        line.kind: bound.get(f"attach:{line.kind}") or AttachForm(initial={"kind": line.kind}, prefix=line.kind)
        for line in dossier
    }
    extra_kinds = [k.value for k in DossierKind if k.value not in attach_forms]
    decorate([proposal])
    return {
        "proposal": proposal,
        "actions": actions,
        "dossier": [{"line": line, "form": attach_forms[line.kind]} for line in dossier],
        "extra_attach_form": (bound.get("attach:extra") or ExtraAttachForm(prefix="extra", kinds=extra_kinds))
        if extra_kinds
        else None,
        "holder": HOLDER.get(proposal.status),
        "history": list(sp.history_of(proposal)),
        "eligibility": report_context(proposal.eligibility_report),
        "edit_form": bound.get("edit")
        or ProposalEditForm(
            initial={
                "achievement_summary": proposal.achievement_summary,
                "achievement_report": proposal.achievement_report,
            }
        ),
        "submit_form": bound.get("submit") or ApproveForm(),
        "approve_form": bound.get("approve") or ApproveForm(),
        "return_form": bound.get("return") or ReturnForm(),
        "withdraw_form": bound.get("withdraw") or WithdrawForm(),
        "council_form": bound.get("council") or CouncilForm(),
        "refresh_form": bound.get("refresh") or forms.Form(),
        "failed": next(iter(bound), ""),
        "needs_override": proposal.eligibility == EligibilityOutcome.FAIL,
        "can_view_batch": request.user.has_perm("organizations.view_blockyear", proposal.block_year),
    }


def _render_detail(
    request: HttpRequest, proposal: Proposal, bound: Mapping[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    context = _detail_context(request, proposal, bound or {})
    return render(request, "awards/proposals/detail.html", context, status=status)


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible(request, pk))


def _run(
    request: HttpRequest,
    pk: int,
    key: str,
    form: forms.Form,
    service: Callable[..., Any],
    success: str,
    field_mapper: Callable[[str], str] | None = None,
    **kwargs: Any,
) -> HttpResponse:
    """Validate `form`, run `service` for the proposal, redirect on success or show the page with the errors."""
    proposal = _visible(request, pk)
    if form.is_valid():
        done = web.call_service(
            form,
            service,
            field_mapper=field_mapper,
            actor=request.user,
            proposal=proposal,
            **kwargs,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, success)
            return redirect(_detail_url(proposal))
        proposal = _visible(request, pk)  # the service rolled back: show the proposal as it is
    return _render_detail(request, proposal, {key: form}, status=400)


@login_required
@require_POST
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request, pk, "edit", ProposalEditForm(request.POST), services.proposal_update, _("The proposal was saved.")
    )


@login_required
@require_POST
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "submit",
        ApproveForm(request.POST),
        services.proposal_submit,
        _("The proposal was sent to the unit head."),
    )


@login_required
@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request, pk, "approve", ApproveForm(request.POST), services.proposal_approve, _("The proposal was approved.")
    )


@login_required
@require_POST
def proposal_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "return",
        ReturnForm(request.POST),
        services.proposal_return,
        _("The proposal was returned to the unit."),
    )


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "withdraw",
        WithdrawForm(request.POST),
        services.proposal_withdraw,
        _("The proposal was withdrawn."),
    )


@login_required
@require_POST
def proposal_council(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "council",
        CouncilForm(request.POST),
        services.proposal_record_council,
        _("The council's vote was recorded."),
    )


@login_required
@require_POST
def proposal_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(
        request,
        pk,
        "refresh",
        web.action_form(),
        services.proposal_refresh_eligibility,
        _("The eligibility was checked again."),
    )


@login_required
@require_POST
def proposal_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload one paper of the dossier (the form's prefix is its kind, or "extra" for a paper not on the list)."""
    prefix = request.POST.get("prefix", "")
    if prefix != "extra" and prefix not in DossierKind.values:
        raise Http404
    form: AttachForm = (
        ExtraAttachForm(request.POST, request.FILES, prefix=prefix)
        if prefix == "extra"
        else AttachForm(request.POST, request.FILES, prefix=prefix)
    )
    proposal = _visible(request, pk)
    if form.is_valid():
        done = web.call_service(
            form,
            services.proposal_attach,
            field_mapper=lambda _field: "file",
            actor=request.user,
            proposal=proposal,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
        if done is not None:
            messages.success(request, _("The file was attached."))
            return redirect(f"{_detail_url(proposal)}#dossier")
        proposal = _visible(request, pk)
    return _render_detail(request, proposal, {f"attach:{prefix}": form}, status=400)


@login_required
@require_POST
def proposal_detach(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    attachment = get_object_or_404(attachments_of(proposal), pk=attachment_pk)
    form = web.action_form()
    done = web.call_service(form, _detach, actor=request.user, proposal=proposal, attachment=attachment)
    if done is not None:
        messages.success(request, _("The file was removed."))
        return redirect(f"{_detail_url(proposal)}#dossier")
    for error in form.non_field_errors():
        messages.error(request, str(error))
    return redirect(f"{_detail_url(proposal)}#dossier")


def _detach(**kwargs: Any) -> bool:
    services.proposal_detach(**kwargs)
    return True


# ------------------------------------------------------------------------------------------------- batches


def _batch_context(request: HttpRequest, block_year: BlockYear, form: BatchSubmitForm | None) -> dict[str, Any]:
    proposals = decorate(
        sp.proposals_visible_to(request.user)
        .filter(block_year=block_year)
        .order_by("status", "award_type__position", "recipient_name", "pk")
    )
    groups = []
    for status in ProposalStatus:
        rows = [p for p in proposals if p.status == status]
        if rows:
            groups.append({"status": status, "label": status.label, "rows": rows})
    batch = sp.open_batch(block_year)
    batches = list(sp.batches_of(block_year))
    can_submit = request.user.has_perm("awards.review_block", block_year)
    return {
        "block_year": block_year,
        "groups": groups,
        "open_batch": batch,
        "open_rows": [p for p in proposals if batch is not None and p.batch_id == batch.pk],
        "submitted_batches": [b for b in batches if batch is None or b.pk != batch.pk],
        "rows_by_batch": {b.pk: [p for p in proposals if p.batch_id == b.pk] for b in batches},
        "can_submit": can_submit,
        "form": form or (BatchSubmitForm(initial={"submitted_on": timezone.localdate()}) if can_submit else None),
    }


def _block_year(request: HttpRequest, pk: int) -> BlockYear:
    block_year = get_object_or_404(BlockYear.objects.select_related("block__owner"), pk=pk)
    web.require(request, "organizations.view_blockyear", block_year)
    return block_year


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    """A block-year's proposals by status, its open batch and the batches already submitted."""
    block_year = _block_year(request, pk)
    return render(request, "awards/proposals/batch.html", _batch_context(request, block_year, None))


@login_required
@require_POST
def batch_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the open batch to the department: every proposal of it moves at once."""
    block_year = _block_year(request, pk)
    web.require(request, "awards.review_block", block_year)
    form = BatchSubmitForm(request.POST)
    if form.is_valid():
        open_batch = sp.open_batch(block_year)
        if open_batch is None:
            form.add_error(None, forms.ValidationError(_("The block has no proposal to submit."), code="batch_empty"))
        else:
            done = web.call_service(
                form, services.proposal_batch_submit, actor=request.user, batch=open_batch, **form.cleaned_data
            )
            if done is not None:
                messages.success(request, _("The batch was submitted to the department."))
                return redirect("awards:batch", block_year.pk)
    context = _batch_context(request, block_year, form)
    return render(request, "awards/proposals/batch.html", context, status=400)
