"""Forms of the proposal and hold pages. They only collect and type-check input; every rule of the workflow (who may
act, which status allows what, eligibility, holds, deadlines, the dossier) lives in services/proposals.py and
services/holds.py, whose errors the views put back on these forms with their stable codes.

The choice lists are narrowed to what the user could pick (the units they may propose for, the current staff of the
chosen unit, the titles and forms a collective or an individual may receive); the services check again.
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType, DossierKind, ProposalStatus, Recipient
from thidua.awards.selectors import award_types
from thidua.awards.selectors_proposals import current_staff, hold_units, proposable_units
from thidua.awards.views.forms import DateInput
from thidua.organizations.models import BlockYear, Person, Unit

OVERDUE_CHOICES = [("", _("All")), ("1", _("Overdue only"))]


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AwardTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def award_types_for(kind: str) -> QuerySet[AwardType]:
    """Active titles and forms a recipient of `kind` may receive, in catalogue order."""
    return award_types().filter(recipient__in=[kind, "both"])


class ProposalFilterForm(forms.Form):
    """The list's filters (all optional; an invalid value is ignored)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ProposalStatus.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1945, max_value=2200)
    block_year = forms.ModelChoiceField(label=_("Block-year"), required=False, queryset=BlockYear.objects.none())
    award_type = forms.ChoiceField(label=_("Title or form"), required=False)
    overdue = forms.ChoiceField(label=_("Deadline"), required=False, choices=OVERDUE_CHOICES)
    q = forms.CharField(label=_("Recipient"), required=False, max_length=200)
    tab = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, block_years: QuerySet[BlockYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["block_year"]
        field.queryset = block_years
        field.empty_label = _("All block-years")
        field.label_from_instance = lambda by: f"{by.block.name} — {by.year}"
        types: Any = self.fields["award_type"]
        types.choices = [("", _("All titles and forms")), *((t.code, t.name) for t in award_types(active_only=False))]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "year": data.get("year"),
            "block_year": data.get("block_year"),
            "award_type": data.get("award_type") or "",
            "overdue": data.get("overdue") == "1",
            "q": data.get("q") or "",
        }


class ProposalForm(forms.Form):
    """A new proposal: the recipient (a unit, or one of its staff), the title or form, the year, the summary."""

    kind = forms.ChoiceField(
        label=_("Recipient"),
        choices=[
            (Recipient.COLLECTIVE, _("The unit (collective)")),
            (Recipient.INDIVIDUAL, _("A person of the unit (individual)")),
        ],
        initial=Recipient.COLLECTIVE,
    )
    unit = UnitField(label=_("Unit"), queryset=Unit.objects.none())
    person = PersonField(label=_("Person"), queryset=Person.objects.none(), required=False)
    award_type = AwardTypeField(label=_("Title or form"), queryset=AwardType.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Achievement year"), min_value=1945, max_value=2200)
    achievement_summary = forms.CharField(
        label=_("Summary of achievements"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = dt.date.today().year - 1
        units = proposable_units(user)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units
        # The chosen unit (bound data or initial) decides the staff list and the kind decides the award types.
        kind = self._raw("kind") or Recipient.COLLECTIVE
        if kind not in (Recipient.COLLECTIVE, Recipient.INDIVIDUAL):
            kind = Recipient.COLLECTIVE
        self.recipient_kind = kind
        unit_id = self._raw("unit")
        unit_ids = [int(unit_id)] if unit_id and str(unit_id).isdigit() else []
        person_field: Any = self.fields["person"]
        person_field.queryset = current_staff(units.filter(pk__in=unit_ids)) if unit_ids else Person.objects.none()
        person_field.required = kind == Recipient.INDIVIDUAL
        type_field: Any = self.fields["award_type"]
        type_field.queryset = award_types_for(kind)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("data-field", name)

    def _raw(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name))
        value = self.initial.get(name, self.fields[name].initial)
        return getattr(value, "pk", value)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "award_type": data["award_type"],
            "unit": data["unit"],
            "person": data["person"] if self.recipient_kind == Recipient.INDIVIDUAL else None,
            "year": data["year"],
            "achievement_summary": data["achievement_summary"],
        }


class PreviewForm(ProposalForm):
    """The same inputs, for the live eligibility preview: nothing is required until it can be evaluated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ProposalEditForm(forms.Form):
    achievement_summary = forms.CharField(
        label=_("Summary of achievements"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    achievement_report = forms.CharField(
        label=_("Achievement report (Form 02)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=100000,
    )


class AttachForm(forms.Form):
    kind = forms.ChoiceField(label=_("Paper"), choices=DossierKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(label=_("File"))


class ExtraAttachForm(AttachForm):
    """Attach a paper of a kind the checklist does not list (e.g. "other papers")."""

    kind = forms.ChoiceField(label=_("Paper"), choices=DossierKind.choices)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds is not None:
            field: Any = self.fields["kind"]
            field.choices = [(k, DossierKind(k).label) for k in kinds]


def override_field() -> forms.CharField:
    """The reason a forward move of a proposal the check found not eligible needs (the service decides if it does)."""
    return forms.CharField(
        label=_("Reason for going forward although not eligible"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class ApproveForm(forms.Form):
    """Submit or approve: one step forward (with the override reason when the proposal is not eligible)."""

    override_reason = override_field()


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )


class CouncilForm(forms.Form):
    meeting_on = forms.DateField(label=_("Council meeting"), widget=DateInput())
    members_present = forms.IntegerField(label=_("Members present"), min_value=0)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0)
    override_reason = override_field()


class BatchSubmitForm(forms.Form):
    letter_number = forms.CharField(label=_("Submission letter number"), max_length=100, required=False)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput(), required=False)
    override_reason = override_field()


class HoldForm(forms.Form):
    """Place a hold on a unit or on a person (exactly one; the service refuses otherwise)."""

    unit = UnitField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    person = PersonField(label=_("Person"), queryset=Person.objects.none(), required=False)
    started_on = forms.DateField(label=_("From"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = hold_units(user)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units
        person_field: Any = self.fields["person"]
        person_field.queryset = current_staff(units)


class HoldLiftForm(forms.Form):
    ended_on = forms.DateField(label=_("Until"), widget=DateInput())
