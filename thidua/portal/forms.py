"""The portal's search forms (GET): a bad value is ignored rather than shown as an error to the public. The year
selects offer the years that have public data, but any year is accepted (a shared link keeps working)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.portal import selectors


def _year_choices(years: list[int]) -> list[tuple[str, Any]]:
    return [("", _("All years")), *((str(year), str(year)) for year in years)]


class DecisionSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year = forms.IntegerField(
        label=_("Year signed"), required=False, min_value=1900, max_value=2200, widget=forms.Select
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget: Any = self.fields["year"].widget
        widget.choices = _year_choices(selectors.decision_years())

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"query": data.get("q") or "", "year": data.get("year")}


class HonouredSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year = forms.IntegerField(
        label=_("Achievement year"), required=False, min_value=1900, max_value=2200, widget=forms.Select
    )
    award_type = forms.ChoiceField(label=_("Title or form"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year: Any = self.fields["year"].widget
        year.choices = _year_choices(selectors.honoured_years())
        award_type: Any = self.fields["award_type"]
        award_type.choices = [
            ("", _("All titles and forms")),
            *((t.code, t.name) for t in selectors.public_award_types()),
        ]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"query": data.get("q") or "", "year": data.get("year"), "award_type": data.get("award_type") or None}
