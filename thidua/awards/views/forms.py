"""Forms of the registry pages. They only collect and type-check input; every rule (one award per achievement,
dates, amounts, who may write) lives in services/registry.py."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType, Recipient
from thidua.awards.registry_io import MAX_BYTES
from thidua.awards.selectors import award_types


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AwardTypeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _award_type_choices() -> list[tuple[str, Any]]:
    return [("", _("All titles and forms")), *((t.code, t.name) for t in award_types(active_only=False))]


class RegistrySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    award_type = forms.ChoiceField(label=_("Title or form"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    kind = forms.ChoiceField(
        label=_("Recipient"), required=False, choices=[("", _("Collectives and individuals")), *Recipient.choices]
    )
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["award_type"]
        field.choices = _award_type_choices()

    def filters(self) -> dict[str, Any]:
        """The selector's keyword arguments from the valid fields (an invalid field is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "award_type": data.get("award_type") or None,
            "year": data.get("year"),
            "recipient_kind": data.get("kind") or None,
            "batch": data.get("batch"),
        }


HISTORY_CHOICES = [("", _("As the title or form says")), ("yes", _("Yes")), ("no", _("No (thematic or ad-hoc)"))]


class AwardRecordForm(forms.Form):
    award_type = AwardTypeField(label=_("Title or form"), queryset=AwardType.objects.none())
    year = forms.IntegerField(label=_("Achievement year"), min_value=1900, max_value=2200)
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    decision_signer = forms.CharField(label=_("Signed by"), max_length=255, required=False)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=255, required=False)
    amount = forms.IntegerField(label=_("Prize money (đồng)"), min_value=0, required=False)
    counts_as_history = forms.ChoiceField(label=_("Counts as history"), choices=HISTORY_CHOICES, required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args: Any, recipient: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["award_type"]
        field.queryset = award_types().filter(recipient__in=[recipient, "both"])
        self.fields["year"].initial = dt.date.today().year - 1

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        flag = data.pop("counts_as_history")
        data["counts_as_history"] = None if not flag else flag == "yes"
        return data


class AwardRevokeForm(forms.Form):
    revoked_on = forms.DateField(label=_("Revoked on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    decision_number = forms.CharField(label=_("Revocation decision number"), max_length=100, required=False)
    recovery_amount = forms.IntegerField(label=_("Amount to recover (đồng)"), min_value=0, required=False)


class AwardImportForm(forms.Form):
    file = forms.FileField(label=_("History file (.xlsx or .csv)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(mb)d MB; the columns are those of the template.") % {
            "mb": MAX_BYTES // (1024 * 1024)
        }
