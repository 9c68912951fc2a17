"""Forms of the organisation pages. They only collect and type-check input.

Every rule about what is allowed (unique codes, who may act, phase order, leadership seats) lives
in the services; views pass the cleaned data on and turn a DomainError back into a form error.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from thidua.organizations.models import (
    PHASE_ORDER,
    BlockKind,
    Person,
    Phase,
    RotationRule,
    Unit,
    UnitKind,
    UnitStatus,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        indent = "· " * getattr(obj, "depth", 0)
        return f"{indent}{obj.name} ({obj.code})"


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *UnitKind.choices])


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices, initial=UnitKind.CENTRE)
    parent = UnitChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=UnitStatus.choices, initial=UnitStatus.ACTIVE)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, parent_choices: QuerySet[Unit] | None = None, lock_tree: bool = False, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices if parent_choices is not None else Unit.objects.order_by("path")  # type: ignore[attr-defined]
        if lock_tree:
            # Changing the code or moving the unit needs rights over the parent; show them read-only.
            self.fields["code"].disabled = True
            self.fields["parent"].disabled = True


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Person.Gender.choices], required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)


class PersonCreateForm(PersonForm):
    position = forms.CharField(label=_("Position"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())


class MembershipAddForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Position"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MembershipEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())


class BlockForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=BlockKind.choices, initial=BlockKind.BLOCK)
    owner = UnitChoiceField(label=_("Organising body"), queryset=Unit.objects.none())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rotation_rule = forms.ChoiceField(
        label=_("Rotation rule"), choices=RotationRule.choices, initial=RotationRule.DEPUTY_BECOMES_HEAD
    )
    deputy_count = forms.IntegerField(label=_("Number of deputies"), min_value=0, max_value=10, initial=2)

    def __init__(self, *args: Any, owners: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class BlockUpdateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rotation_rule = forms.ChoiceField(label=_("Rotation rule"), choices=RotationRule.choices)
    deputy_count = forms.IntegerField(label=_("Number of deputies"), min_value=0, max_value=10)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class BlockYearCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    copy_members = forms.BooleanField(label=_("Copy last year's member units"), required=False, initial=True)


class AdvancePhaseForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Next phase"), choices=Phase.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def deadline_field_name(phase: str) -> str:
    return f"deadline_{phase}"


class DeadlinesForm(forms.Form):
    """One optional date per phase; the service checks that they follow the order of phases."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for phase in PHASE_ORDER:
            self.fields[deadline_field_name(phase)] = forms.DateField(
                label=Phase(phase).label, required=False, widget=DateInput()
            )

    def deadlines(self) -> dict[str, Any]:
        return {
            phase: self.cleaned_data[deadline_field_name(phase)]
            for phase in PHASE_ORDER
            if self.cleaned_data.get(deadline_field_name(phase))
        }


class MemberAddForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    rotation_position = forms.IntegerField(
        label=_("Rotation position"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Leave empty to add the unit at the end of the rotation."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LeadershipForm(forms.Form):
    """Head and deputies chosen among the members, with an optional representative per member unit."""

    head = UnitChoiceField(label=_("Head unit"), queryset=Unit.objects.none())
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputy units"), queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args: Any, members: QuerySet[Unit], staff: dict[int, list[Person]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members  # type: ignore[attr-defined]
        self.fields["deputies"].queryset = members  # type: ignore[attr-defined]
        self.member_units = list(members)
        for unit in self.member_units:
            people = staff.get(unit.pk, [])
            self.fields[f"rep_{unit.pk}"] = forms.TypedChoiceField(
                label=_("Representative of %(unit)s") % {"unit": unit.name},
                choices=[("", "—"), *[(p.pk, p.full_name) for p in people]],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"rep_title_{unit.pk}"] = forms.CharField(
                label=_("Title of the representative of %(unit)s") % {"unit": unit.name}, max_length=200, required=False
            )
        self._people = {p.pk: p for people in staff.values() for p in people}

    def representative_rows(self) -> list[tuple[Unit, forms.BoundField, forms.BoundField]]:
        return [(unit, self[f"rep_{unit.pk}"], self[f"rep_title_{unit.pk}"]) for unit in self.member_units]

    def representatives(self) -> dict[int, tuple[Person | None, str]]:
        result: dict[int, tuple[Person | None, str]] = {}
        for unit in self.member_units:
            person_id = self.cleaned_data.get(f"rep_{unit.pk}")
            title = self.cleaned_data.get(f"rep_title_{unit.pk}", "")
            if person_id or title:
                result[unit.pk] = (self._people.get(person_id) if person_id else None, title)
        return result
