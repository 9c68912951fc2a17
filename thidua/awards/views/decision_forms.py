"""Forms of the decision pages. They only collect and type-check input; every rule (who decides what, dates, the
number's uniqueness, the all-or-nothing issue) lives in services/decisions.py."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from thidua.accounts.predicates import officer_unit_paths, user_is_admin
from thidua.awards.models import Decider, DecisionStatus, Fund, Proposal
from thidua.awards.views.forms import DateInput
from thidua.organizations.models import Unit


def owner_choices(user: Any) -> QuerySet[Unit]:
    """The offices `user` may prepare decisions for: every unit for admins, an officer's units and those below."""
    qs = Unit.objects.order_by("path")
    if user_is_admin(user):
        return qs
    paths = officer_unit_paths(user)
    if not paths:
        return qs.none()
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return qs.filter(scope)


class DecisionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *DecisionStatus.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    decider = forms.ChoiceField(
        label=_("Deciding authority"), required=False, choices=[("", _("All")), *Decider.choices]
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status") or None, "year": data.get("year"), "decider": data.get("decider") or None}


class DecisionForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Prepared by"),
        queryset=Unit.objects.none(),
        help_text=_("The office that prepares the decision; its officers may edit and issue it."),
    )
    title = forms.CharField(label=_("Summary (trích yếu)"), max_length=500)
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=255)
    decider = forms.ChoiceField(label=_("Deciding authority"), choices=Decider.choices)
    fund = forms.ChoiceField(
        label=_("Paid from"),
        required=False,
        choices=[("", _("The fund of the deciding level")), *Fund.choices],
    )
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    signed_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    signer_name = forms.CharField(label=_("Signed by"), max_length=255, required=False)
    signer_title = forms.CharField(label=_("Signer's position"), max_length=255, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    published = forms.BooleanField(label=_("Publish on the public portal once issued"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, with_owner: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_owner:
            field: Any = self.fields["owner"]
            field.queryset = owner_choices(user)
        else:
            del self.fields["owner"]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["fund"] = data.get("fund") or None
        return data

    def changes(self) -> dict[str, Any]:
        """The edit form's values as decision_update's keyword arguments (the fund of the authority when empty)."""
        data = dict(self.cleaned_data)
        if not data.get("fund"):
            data.pop("fund", None)
        return data


class DecisionIssueForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=100, required=False)
    signed_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    signer_name = forms.CharField(label=_("Signed by"), max_length=255, required=False)
    signer_title = forms.CharField(label=_("Signer's position"), max_length=255, required=False)


class ProposalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.award_type.name} — {obj.recipient_name} ({obj.year})"


class AddProposalsForm(forms.Form):
    proposals = ProposalChoiceField(
        label=_("Accepted proposals"), queryset=Proposal.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, candidates: QuerySet[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["proposals"]
        field.queryset = candidates
