"""Pages of decisions: the list, the draft's form, one decision (recipients with their prize money, totals, the
accepted proposals to add, the issue form; once issued its awards with links to the registry, revocation and
certificates), and the prize money per fund and year with a chart.

Each view checks the permission itself (awards.view_decision / add_decision / manage_decision), reads through
selectors_decisions and writes only through services/decisions.py, which check again and run in one transaction: a
refused issue writes nothing and the page lists every problem with its stable code (`data-code`).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.awards import selectors_decisions as selectors
from thidua.awards.models import Decision, DecisionStatus, Fund, Proposal
from thidua.awards.models.registry import dong
from thidua.awards.services.decisions import (
    DecisionRefused,
    decision_add_proposals,
    decision_create,
    decision_delete,
    decision_issue,
    decision_remove_proposal,
    decision_update,
)
from thidua.awards.views.decision_forms import (
    AddProposalsForm,
    DecisionFilterForm,
    DecisionForm,
    DecisionIssueForm,
    owner_choices,
)
from thidua.core import charts, web


def _visible(request: HttpRequest, pk: int) -> Decision:
    """The decision if the user may see it; 404 otherwise (a draft's existence is not confirmed)."""
    decision = selectors.decisions_visible_to(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    return decision


def _error_codes(form: forms.BaseForm) -> list[str]:
    return [error.code or "invalid" for errors in form.errors.as_data().values() for error in errors]


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    filters = DecisionFilterForm(request.GET)
    page = web.paginate(request, selectors.decision_list(user=request.user, **filters.filters()))
    for decision in page:
        decision.amount_text = dong(decision.award_amount)
    context = {
        "filters": filters,
        "page_obj": page,
        "can_create": owner_choices(request.user).exists(),
        "years": selectors.decision_years(request.user),
    }
    return render(request, "awards/decisions/list.html", context)


@login_required
def decision_new(request: HttpRequest) -> HttpResponse:
    if not owner_choices(request.user).exists():
        web.require(request, "awards.add_decision", None)
    form = DecisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        decision = web.call_service(form, decision_create, actor=request.user, **form.service_kwargs())
        if decision is not None:
            messages.success(request, _("The draft decision was created."))
            return redirect("awards:decision_detail", decision.pk)
    return web.form_page(
        request, form, title=_("New decision"), cancel_url=reverse("awards:decision_list"), submit_label=_("Create")
    )


@login_required
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.manage_decision", decision)
    if decision.status != DecisionStatus.DRAFT:
        messages.error(request, _("An issued decision cannot be changed."))
        return redirect("awards:decision_detail", decision.pk)
    initial = {name: getattr(decision, name) for name in DecisionForm.base_fields if name != "owner"}
    form = DecisionForm(request.POST or None, user=request.user, with_owner=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = web.call_service(form, decision_update, actor=request.user, decision=decision, **form.changes())
        if done is not None:
            messages.success(request, _("The decision was saved."))
            return redirect("awards:decision_detail", decision.pk)
    return web.form_page(
        request,
        form,
        title=_("Edit the decision “%(title)s”") % {"title": decision.title},
        cancel_url=reverse("awards:decision_detail", args=[decision.pk]),
    )


def _detail(
    request: HttpRequest,
    decision: Decision,
    *,
    add_form: AddProposalsForm | None = None,
    issue_form: DecisionIssueForm | None = None,
    problems: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = decision.status == DecisionStatus.DRAFT and request.user.has_perm("awards.manage_decision", decision)
    context: dict[str, Any] = {
        "decision": decision,
        "lines": selectors.decision_recipients(decision),
        "totals": selectors.decision_totals(decision),
        "can_manage": can_manage,
        "quote_date": selectors.quote_date(decision),
        "problems": problems or [],
    }
    if can_manage:
        candidates = selectors.accepted_proposals_for(decision, user=request.user)
        context["add_form"] = add_form or AddProposalsForm(candidates=candidates)
        context["issue_form"] = issue_form or DecisionIssueForm(
            initial={
                "number": decision.number,
                "signed_on": decision.signed_on,
                "signer_name": decision.signer_name,
                "signer_title": decision.signer_title,
            }
        )
        context["issue_codes"] = _error_codes(context["issue_form"]) if context["issue_form"].is_bound else []
        context["add_codes"] = _error_codes(context["add_form"]) if context["add_form"].is_bound else []
    return render(request, "awards/decisions/detail.html", context, status=status)


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.view_decision", decision)
    return _detail(request, decision)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.manage_decision", decision)
    form = AddProposalsForm(request.POST, candidates=selectors.accepted_proposals_for(decision, user=request.user))
    if form.is_valid():
        done = web.call_service(
            form,
            decision_add_proposals,
            actor=request.user,
            decision=decision,
            proposals=list(form.cleaned_data["proposals"]),
        )
        if done is not None:
            messages.success(request, _("The proposals were added to the decision."))
            return redirect("awards:decision_detail", decision.pk)
    return _detail(request, decision, add_form=form, status=400)


@login_required
@require_POST
def decision_remove(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.manage_decision", decision)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, decision=decision)
    form = web.action_form()
    done = web.call_service(form, decision_remove_proposal, actor=request.user, decision=decision, proposal=proposal)
    if done is None:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    else:
        messages.success(request, _("The proposal was taken out of the decision."))
    return redirect("awards:decision_detail", decision.pk)


@login_required
@require_POST
def decision_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.manage_decision", decision)
    form = DecisionIssueForm(request.POST)
    problems: list[dict[str, Any]] = []

    def issue(**kwargs: Any) -> Decision:
        try:
            return decision_issue(**kwargs)
        except DecisionRefused as exc:
            problems.extend(exc.errors)
            raise

    if form.is_valid():
        data = form.cleaned_data
        done = web.call_service(
            form,
            issue,
            actor=request.user,
            decision=decision,
            number=data["number"],
            signed_on=data["signed_on"],
            signer_name=data["signer_name"],
            signer_title=data["signer_title"],
        )
        if done is not None:
            messages.success(request, _("The decision was issued."))
            return redirect("awards:decision_detail", decision.pk)
    decision.refresh_from_db()
    return _detail(request, decision, issue_form=form, problems=problems, status=400)


@login_required
@require_POST
def decision_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request, pk)
    web.require(request, "awards.manage_decision", decision)
    form = web.action_form()
    web.call_service(form, decision_delete, actor=request.user, decision=decision)
    if form.errors:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("awards:decision_detail", decision.pk)
    messages.success(request, _("The draft decision was deleted."))
    return redirect("awards:decision_list")


@login_required
def fund_totals(request: HttpRequest) -> HttpResponse:
    """The prize money of issued decisions per fund and year, with a chart."""
    web.require(request, "awards.view_award")
    year = web.int_param(request, "year")
    rows = selectors.fund_totals(user=request.user, year=year)
    years = sorted({row.year for row in rows})
    funds = [fund for fund in Fund.values if any(row.fund == fund for row in rows)]
    amounts = {(row.fund, row.year): row.amount for row in rows}
    chart = charts.bar_chart(
        [str(y) for y in years],
        [(str(Fund(fund).label), [amounts.get((fund, y), 0) for y in years]) for fund in funds],
        y_title=_("Prize money (đồng)"),
    )
    context = {
        "rows": rows,
        "year": year,
        "years": selectors.decision_years(request.user),
        "chart": chart if rows else None,
        "total_count": sum(row.count for row in rows),
        "total_amount": dong(sum(row.amount for row in rows)),
        "total_recovery": dong(sum(row.recovery_amount for row in rows)),
    }
    return render(request, "awards/decisions/fund_totals.html", context)
