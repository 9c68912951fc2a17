"""The eligibility page: may this unit or person receive this title or form for this year, and why.

`eligibility/?unit=<id>` or `?person=<id>`, with `award=<code>&year=<yyyy>`: a small form (titles and forms for the
recipient's kind, the year) and, once both are chosen, the report from selectors_eligibility — the verdict, each
check with its status, its plain-language explanation, its legal citation and the registry records it used. Whoever
may view the unit or the person may see it (organizations.view_unit / view_person).
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from thidua.awards.eligibility import AwardCode, RecipientKind, Status, Verdict, award_label
from thidua.awards.models import Recipient
from thidua.awards.selectors import award_types
from thidua.awards.selectors_eligibility import eligibility_for
from thidua.core import exceptions as domain
from thidua.core import web
from thidua.organizations.models import Person, Unit

VERDICT_BADGES = {
    Verdict.ELIGIBLE: "text-bg-success",
    Verdict.INELIGIBLE: "text-bg-danger",
    Verdict.UNKNOWN: "text-bg-secondary",
}
STATUS_BADGES = {Status.PASS: "text-bg-success", Status.FAIL: "text-bg-danger", Status.UNKNOWN: "text-bg-secondary"}
STATUS_ICONS = {Status.PASS: "bi-check-circle", Status.FAIL: "bi-x-circle", Status.UNKNOWN: "bi-question-circle"}


def award_choices(kind: str) -> list[tuple[str, str]]:
    """The catalogue's active titles and forms the engine has rules for and `kind` may receive."""
    known = {code.value for code in AwardCode}
    return [(t.code, str(t.name)) for t in award_types() if t.code in known and t.allows(kind)]


class EligibilityForm(forms.Form):
    award = forms.ChoiceField(label=_("Title or form"))
    year = forms.IntegerField(label=_("Achievement year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["award"]
        field.choices = [("", "—"), *award_choices(kind)]


def _recipient(request: HttpRequest) -> tuple[Unit | None, Person | None]:
    unit_id, person_id = web.int_param(request, "unit"), web.int_param(request, "person")
    if person_id is not None:
        person = get_object_or_404(Person, pk=person_id)
        web.require(request, "organizations.view_person", person)
        return None, person
    if unit_id is not None:
        unit = get_object_or_404(Unit, pk=unit_id)
        web.require(request, "organizations.view_unit", unit)
        return unit, None
    raise Http404


@login_required
def eligibility(request: HttpRequest) -> HttpResponse:
    """The form and, when the title and year are valid, the eligibility report."""
    unit, person = _recipient(request)
    kind = Recipient.INDIVIDUAL if person is not None else Recipient.COLLECTIVE
    data = request.GET if "award" in request.GET or "year" in request.GET else None
    initial = {"year": dt.date.today().year - 1}
    form = EligibilityForm(data, initial=initial, kind=kind)
    report = None
    if form.is_bound and form.is_valid():
        try:
            report = eligibility_for(
                unit=unit, person=person, award_code=form.cleaned_data["award"], year=form.cleaned_data["year"]
            )
        except domain.ValidationFailed as exc:
            form.add_error(web.form_field_for(form, exc.field), forms.ValidationError(str(exc.message), code=exc.code))
    checks = [
        {
            "check": check,
            "badge": STATUS_BADGES[check.status],
            "icon": STATUS_ICONS[check.status],
            "records": [{"record": r, "label": award_label(r.award_code)} for r in check.records],
        }
        for check in (report.checks if report is not None else ())
    ]
    context = {
        "unit": unit,
        "person": person,
        "name": person.full_name if person is not None else unit.name if unit is not None else "",
        "kind": RecipientKind(kind),
        "form": form,
        "report": report,
        "award_name": award_label(report.award_code) if report is not None else "",
        "verdict_badge": VERDICT_BADGES[report.verdict] if report is not None else "",
        "checks": checks,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "awards/eligibility/report.html", context, status=status)
