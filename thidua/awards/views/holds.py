"""The page of disciplinary holds: units and people under disciplinary review, investigation or inspection (no
proposal and no award meanwhile, ND152), with the forms to place a hold and to lift one.

Who sees which holds is selectors_proposals.holds_visible_to; placing and lifting go through services/holds.py,
which check awards.manage_hold on the unit or the person and refuse bad dates or a missing reason with a stable code.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts.predicates import has_role
from thidua.accounts.roles import Role
from thidua.awards import selectors_proposals as sp
from thidua.awards.services.holds import hold_lift, hold_place
from thidua.awards.views.proposal_forms import HoldForm, HoldLiftForm, hold_units
from thidua.core import web


def may_view_holds(user: Any) -> bool:
    """Holds are for emulation officers, administrators and unit heads (their own unit's holds)."""
    return bool(user.has_perm("awards.view_hold") or has_role(user, Role.UNIT_HEAD))


def _require_view(request: HttpRequest) -> None:
    if not may_view_holds(request.user):
        raise PermissionDenied


def _render(
    request: HttpRequest, form: HoldForm | None, lift_forms: dict[int, HoldLiftForm] | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    holds = list(sp.holds_visible_to(request.user))
    lift_forms = lift_forms or {}
    rows: list[dict[str, Any]] = []
    for hold in holds:
        subject = hold.unit if hold.unit_id else hold.person
        in_force = hold.started_on <= today and (hold.ended_on is None or hold.ended_on >= today)
        can_lift = hold.ended_on is None and request.user.has_perm("awards.manage_hold", subject)
        lift_form = lift_forms.get(hold.pk) or (HoldLiftForm(initial={"ended_on": today}) if can_lift else None)
        rows.append(
            {
                "hold": hold,
                "subject": subject,
                "in_force": in_force,
                "can_lift": can_lift,
                "lift_form": lift_form,
            }
        )
    can_place = hold_units(request.user).exists()
    if form is None and can_place:
        form = HoldForm(user=request.user, initial={"started_on": today})
    context = {"rows": rows, "form": form if can_place else None, "failed_lift": next(iter(lift_forms), None)}
    return render(request, "awards/holds/list.html", context, status=status)


@login_required
def hold_list(request: HttpRequest) -> HttpResponse:
    """The holds the user may see; POST places a new one."""
    _require_view(request)
    if request.method == "POST":
        form = HoldForm(request.POST, user=request.user)
        if not hold_units(request.user).exists():
            raise PermissionDenied
        if form.is_valid():
            hold = web.call_service(form, hold_place, permission_field="unit", actor=request.user, **form.cleaned_data)
            if hold is not None:
                messages.success(request, _("The hold was recorded."))
                return redirect("awards:holds")
        return _render(request, form, status=400)
    return _render(request, None)


@login_required
@require_POST
def hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a hold from a date (its last day under the hold)."""
    _require_view(request)
    hold = get_object_or_404(sp.holds_visible_to(request.user), pk=pk)
    form = HoldLiftForm(request.POST)
    if form.is_valid():
        done = web.call_service(form, hold_lift, actor=request.user, hold=hold, **form.cleaned_data)
        if done is not None:
            messages.success(request, _("The hold was lifted."))
            return redirect("awards:holds")
    return _render(request, None, {hold.pk: form}, status=400)
