"""Forms of the emulation pages. They only collect and type-check input; every rule is the services'.

Views pass the cleaned data to a service and turn a DomainError back into a form error.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from thidua.emulation.titles import CollectiveTitle, IndividualTitle
from thidua.organizations.forms import DateInput
from thidua.organizations.models import Person, Unit


class PlanForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the block sets out to achieve this year."),
    )


class MilestoneForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    title = forms.CharField(label=_("Milestone"), required=False, max_length=255)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("date")) != bool(data.get("title")):
            raise forms.ValidationError(_("Give both the date and the title of the milestone, or neither."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=3, max_num=50)


def milestones_of(formset: forms.BaseFormSet) -> list[tuple[dt.date, str]]:
    """The filled rows of a valid milestone formset."""
    return [
        (form.cleaned_data["date"], form.cleaned_data["title"])
        for form in formset.forms
        if form.cleaned_data.get("date") and form.cleaned_data.get("title")
    ]


class CovenantForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    preamble = forms.CharField(label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    commitments = forms.CharField(
        label=_("Commitments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One commitment per line, in order."),
    )

    def commitment_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("commitments", "").splitlines() if line.strip()]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RegistrationForm(forms.Form):
    collective_titles = forms.MultipleChoiceField(
        label=_("Collective titles the unit aims for"),
        choices=CollectiveTitle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Other commitments or remarks of the unit."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for title in IndividualTitle:
            self.fields[target_field(title.value)] = forms.IntegerField(
                label=_("Staff aiming for “%(title)s”") % {"title": title.label},
                required=False,
                initial=0,
                min_value=0,
            )

    def individual_targets(self) -> dict[str, int]:
        return {title.value: self.cleaned_data.get(target_field(title.value)) or 0 for title in IndividualTitle}

    def target_fields(self) -> list[forms.BoundField]:
        return [self[target_field(title.value)] for title in IndividualTitle]


def target_field(code: str) -> str:
    return f"target_{code}"


def registration_field(field: str) -> str:
    """Service errors name "individual_targets.<code>"; the form field is target_<code>."""
    if field.startswith("individual_targets."):
        return target_field(field.split(".", 1)[1])
    return field


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    target_value = forms.DecimalField(
        label=_("Target value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    target_unit = forms.CharField(
        label=_("Unit of measure"), required=False, max_length=50, help_text=_("For example: records, %, people.")
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    owner = PersonChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    owner_name = forms.CharField(
        label=_("Owner (free text)"),
        required=False,
        max_length=200,
        help_text=_("A department or a person not in the staff list."),
    )
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args: Any, staff: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("As of"), widget=DateInput())
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    actual_value = forms.DecimalField(
        label=_("Value reached"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("Documents or photos (PDF, Office, images).")
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


class ReviewForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of the block"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Results, strengths, shortcomings and the tasks for the second half of the year."),
    )
    cutoff_date = forms.DateField(label=_("Cut-off date"), widget=DateInput())

    def __init__(self, *args: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = list(units)
        for unit in self.units:
            self.fields[remark_field(unit.pk)] = forms.CharField(
                label=unit.name, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def remarks(self) -> dict[int, str]:
        return {unit.pk: self.cleaned_data.get(remark_field(unit.pk), "") for unit in self.units}

    def remark_fields(self) -> list[forms.BoundField]:
        return [self[remark_field(unit.pk)] for unit in self.units]


def remark_field(unit_id: int) -> str:
    return f"remark_{unit_id}"
