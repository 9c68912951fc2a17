"""Forms of the movements pages. They only collect and type-check input.

Which units may be chosen (members, units the user acts for) is narrowed here for convenience, but
every rule is enforced again by the services; views pass the cleaned data on and turn a DomainError
back into a form error.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from thidua.movements.models import ActivityKind, Movement, Theme
from thidua.organizations.forms import DateInput, UnitChoiceField
from thidua.organizations.models import BlockYear, Unit
from thidua.scoring.models import CriteriaItem


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MovementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices, initial=Theme.OTHER)
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), widget=DateInput())
    participants = UnitMultipleChoiceField(
        label=_("Participating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Member units of the block that take part. Hold Ctrl to choose several."),
    )

    def __init__(self, *args: Any, members: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members  # type: ignore[attr-defined]


class CriteriaItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}. {obj.title}"


class CriteriaForm(forms.Form):
    items = CriteriaItemChoiceField(
        label=_("Linked criteria"),
        queryset=CriteriaItem.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Lines of this block-year's scoring table that the movement serves."),
    )

    def __init__(self, *args: Any, items: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]


class JoinForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class MovementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.CULTURAL)
    title = forms.CharField(label=_("Title"), max_length=255)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    organiser = UnitChoiceField(label=_("Organising unit"), queryset=Unit.objects.none())
    movement = MovementChoiceField(label=_("Movement"), queryset=Movement.objects.none(), required=False)
    participants = UnitMultipleChoiceField(
        label=_("Participating units"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    attendee_count = forms.IntegerField(
        label=_("Number of people attending"), min_value=0, max_value=1_000_000, initial=0
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Unit],
        members: QuerySet[Unit],
        movements: QuerySet[Movement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["participants"].queryset = members  # type: ignore[attr-defined]
        self.fields["movement"].queryset = movements  # type: ignore[attr-defined]


class ActivityFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices])
    month = forms.TypedChoiceField(
        label=_("Month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All months")), *MONTHS.items()],
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Photos, minutes or other documents (PDF, Office, images)."))


class PracticeForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=255)
    movement = MovementChoiceField(label=_("Movement"), queryset=Movement.objects.none(), required=False)
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("The movement's theme")), *Theme.choices],
    )
    problem = forms.CharField(
        label=_("Problem"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did not work well before?"),
    )
    approach = forms.CharField(
        label=_("Approach"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("What you did.")
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What changed, with numbers where you have them."),
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=500,
        required=False,
        help_text=_("Person to ask, with a phone number or e-mail."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit] | None, movements: QuerySet[Movement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is None:  # editing: the unit of a practice does not change
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["movement"].queryset = movements  # type: ignore[attr-defined]


class BlockYearChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.block.name} — {obj.year}"


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    block_year = BlockYearChoiceField(
        label=_("Block-year"), queryset=BlockYear.objects.none(), required=False, empty_label=_("All block-years")
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", _("All themes")), *Theme.choices])
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units"))
    movement = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, block_years: QuerySet[BlockYear], units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block_year"].queryset = block_years  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class AdoptForm(forms.Form):
    unit = UnitChoiceField(label=_("Our unit"), queryset=Unit.objects.none())
    adopted_on = forms.DateField(label=_("Adopted on"), required=False, widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How you applied it, and what came of it."),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
