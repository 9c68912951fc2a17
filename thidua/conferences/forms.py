"""Forms of the organisers' console: the conference, its agenda and roll, polls and the paper count.

Forms only collect and type-check input. A rule preset ("more than 1/2", "at least 2/3", …) is turned
into the fraction the services take; whether that fraction, the limits, the candidates or the counts
make sense is decided by the services and the pure rules, whose errors the views show on the form.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from thidua.conferences.models import AgendaItem, AgendaKind, BaseChoice, Candidate, Delegate, PollKind, TieRule
from thidua.organizations.models import Person, Unit

CUSTOM = "custom"
# The usual rules of a block (domain.md §4.4, UNCONFIRMED: hence the custom fraction).
RULE_PRESETS: dict[str, tuple[int, int, bool]] = {
    "more_half": (1, 2, True),
    "two_thirds": (2, 3, False),
    "three_quarters": (3, 4, False),
}
RULE_CHOICES = [
    ("more_half", _("More than 1/2")),
    ("two_thirds", _("At least 2/3")),
    ("three_quarters", _("At least 3/4")),
    (CUSTOM, _("Another fraction")),
]


def rule_preset(numerator: int, denominator: int, strict: bool) -> str:
    """The preset a stored fraction matches, or "custom"."""
    for name, value in RULE_PRESETS.items():
        if value == (numerator, denominator, strict):
            return name
    return CUSTOM


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class Checkboxes(forms.CheckboxSelectMultiple):
    """Check boxes drawn one by one by templates/conferences/console/_checks.html (Bootstrap's form-check)."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs={"class": "form-check-input", **(attrs or {})}, choices=choices)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class PersonChoiceField(forms.ModelChoiceField):
    """A staff record, labelled with the member units the person works in now."""

    units_of: dict[int, str] = {}

    def label_from_instance(self, obj: Any) -> str:
        unit = self.units_of.get(obj.pk, "")
        return f"{obj.full_name} — {unit}" if unit else obj.full_name


class _FractionForm(forms.Form):
    """A rule given as a preset or as a custom fraction (fields `<prefix>_rule`, `_numerator`, …)."""

    prefix_name = ""

    def fraction(self) -> tuple[int, int, bool]:
        data = self.cleaned_data
        rule = data[f"{self.prefix_name}_rule"]
        if rule in RULE_PRESETS:
            return RULE_PRESETS[rule]
        return (
            data[f"{self.prefix_name}_numerator"],
            data[f"{self.prefix_name}_denominator"],
            bool(data.get(f"{self.prefix_name}_strict")),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(f"{self.prefix_name}_rule") == CUSTOM:
            for part in ("numerator", "denominator"):
                if cleaned.get(f"{self.prefix_name}_{part}") is None:
                    self.add_error(f"{self.prefix_name}_{part}", _("Enter the fraction, such as 3/5."))
        return cleaned

    def set_fraction(self, numerator: int, denominator: int, strict: bool) -> None:
        self.initial.update(
            {
                f"{self.prefix_name}_rule": rule_preset(numerator, denominator, strict),
                f"{self.prefix_name}_numerator": numerator,
                f"{self.prefix_name}_denominator": denominator,
                f"{self.prefix_name}_strict": strict,
            }
        )


def _fraction_fields(label: Any, help_text: Any) -> dict[str, forms.Field]:
    return {
        "rule": forms.ChoiceField(label=label, choices=RULE_CHOICES, initial="more_half", help_text=help_text),
        "numerator": forms.IntegerField(label=_("Custom fraction: numerator"), required=False, min_value=0),
        "denominator": forms.IntegerField(label=_("Custom fraction: denominator"), required=False, min_value=1),
        "strict": forms.BooleanField(label=_("Custom fraction: more than (not at least)"), required=False),
    }


_QUORUM = _fraction_fields(_("Quorum"), _("The vote weight present, against the entitled weight, to open a poll."))
_THRESHOLD = _fraction_fields(_("Pass threshold"), _("The share of the base a candidate needs."))


class ConferenceForm(_FractionForm):
    prefix_name = "quorum"

    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=255)
    chair = forms.CharField(label=_("Chaired by"), max_length=200, required=False)
    secretary = UserChoiceField(
        label=_("Secretary"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("The secretary runs the roll and the polls during the session."),
    )
    quorum_rule = _QUORUM["rule"]
    quorum_numerator = _QUORUM["numerator"]
    quorum_denominator = _QUORUM["denominator"]
    quorum_strict = _QUORUM["strict"]
    default_agenda = forms.BooleanField(label=_("Start with the usual year-end agenda"), required=False, initial=True)

    def __init__(self, *args: Any, users: QuerySet[Any], creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = users  # type: ignore[attr-defined]
        if not creating:
            del self.fields["default_agenda"]


class CloseForm(forms.Form):
    conclusions = forms.CharField(
        label=_("Conclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The conference's conclusions, written into the minutes."),
    )


class CurrentItemForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Current item"), queryset=AgendaItem.objects.none(), required=False)

    def __init__(self, *args: Any, items: QuerySet[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices, initial=AgendaKind.OTHER)
    title = forms.CharField(label=_("Title"), max_length=255)
    presenter = forms.CharField(label=_("Presented by"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("The report, the plan or other documents (PDF, Office)."))


class DelegateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Member unit"), queryset=Unit.objects.none())
    person = PersonChoiceField(
        label=_("Staff record"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Choose a person of the unit, or type a name below."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Position"), max_length=200, required=False)
    weight = forms.IntegerField(
        label=_("Vote weight"),
        required=False,
        min_value=0,
        help_text=_("Empty: 1 for the unit's first delegate, 0 for the others."),
    )

    def __init__(
        self, *args: Any, units: QuerySet[Unit], people: QuerySet[Person], units_of: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        person = self.fields["person"]
        person.queryset = people  # type: ignore[attr-defined]
        person.units_of = units_of  # type: ignore[attr-defined]


class GuestForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    job_title = forms.CharField(label=_("Position"), max_length=200, required=False)


class DelegateEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    job_title = forms.CharField(label=_("Position"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    is_guest = forms.BooleanField(label=_("Guest (no vote)"), required=False)
    weight = forms.IntegerField(label=_("Vote weight"), min_value=0, required=False)

    @classmethod
    def initial_for(cls, delegate: Delegate) -> dict[str, Any]:
        return {name: getattr(delegate, name) for name in cls.base_fields}


class PollForm(_FractionForm):
    """A poll: the question, its kind, the candidates (per group for an election) and its rules."""

    prefix_name = "threshold"

    title = forms.CharField(label=_("Question"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices)
    candidates = forms.MultipleChoiceField(label=_("Candidates"), required=False, widget=Checkboxes)
    head_candidates = forms.MultipleChoiceField(label=_("Candidates for head"), required=False, widget=Checkboxes)
    deputy_candidates = forms.MultipleChoiceField(
        label=_("Candidates for deputy head"), required=False, widget=Checkboxes
    )
    min_choices = forms.IntegerField(label=_("At least (choices per ballot)"), min_value=0, initial=1)
    max_choices = forms.IntegerField(
        label=_("At most (choices per ballot)"),
        min_value=0,
        required=False,
        help_text=_("Empty: as many as there are candidates."),
    )
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=0,
        required=False,
        help_text=_("How many units the outcome holds; for an election, the number of deputy heads."),
    )
    threshold_rule = _THRESHOLD["rule"]
    threshold_numerator = _THRESHOLD["numerator"]
    threshold_denominator = _THRESHOLD["denominator"]
    threshold_strict = _THRESHOLD["strict"]
    base = forms.ChoiceField(label=_("Counted against"), choices=BaseChoice.choices, initial=BaseChoice.PRESENT)
    tie_rule = forms.ChoiceField(label=_("Ties"), choices=TieRule.choices, initial=TieRule.HIGHER_SCORE)

    def __init__(self, *args: Any, units: Sequence[tuple[Unit, str]], **kwargs: Any) -> None:
        """`units`: the member units in ranking order, each with its label (score and rank)."""
        super().__init__(*args, **kwargs)
        self.units = {str(unit.pk): unit for unit, _label in units}
        choices = [(str(unit.pk), label) for unit, label in units]
        for name in ("candidates", "head_candidates", "deputy_candidates"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == PollKind.ELECTION:
            if not cleaned.get("head_candidates"):
                self.add_error("head_candidates", _("Choose at least one candidate for head."))
        elif "kind" in cleaned and not cleaned.get("candidates"):
            self.add_error("candidates", _("Choose at least one candidate."))
        return cleaned

    def candidate_pairs(self) -> list[tuple[Unit, str]]:
        """The chosen (unit, group) pairs, in ranking order, group by group."""
        order = list(self.units)

        def chosen(name: str) -> list[Unit]:
            picked = set(self.cleaned_data.get(name) or [])
            return [self.units[pk] for pk in order if pk in picked]

        if self.cleaned_data["kind"] == PollKind.ELECTION:
            return [(unit, "head") for unit in chosen("head_candidates")] + [
                (unit, "deputy") for unit in chosen("deputy_candidates")
            ]
        return [(unit, "") for unit in chosen("candidates")]

    def set_candidates(self, pairs: Sequence[tuple[int, str]]) -> None:
        self.initial["candidates"] = [str(pk) for pk, group in pairs if not group]
        self.initial["head_candidates"] = [str(pk) for pk, group in pairs if group == "head"]
        self.initial["deputy_candidates"] = [str(pk) for pk, group in pairs if group == "deputy"]


class PaperIssueForm(forms.Form):
    delegates = forms.MultipleChoiceField(label=_("Delegates who take a paper ballot"), widget=Checkboxes)

    def __init__(self, *args: Any, delegates: Sequence[Delegate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_pk = {str(d.pk): d for d in delegates}
        self.fields["delegates"].choices = [  # type: ignore[attr-defined]
            (str(d.pk), f"{d.full_name} — {d.unit.name if d.unit else d.organisation}") for d in delegates
        ]

    def chosen(self) -> list[Delegate]:
        return [self.by_pk[pk] for pk in self.cleaned_data["delegates"]]


ANSWER_LABELS = {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}


class PaperCountForm(forms.Form):
    """The paper count: votes per candidate (yes / no / abstain for an approval), blank, invalid, total."""

    ballots = forms.IntegerField(label=_("Paper ballots counted (vote weight)"), min_value=0)
    blank = forms.IntegerField(label=_("Blank ballots"), min_value=0, initial=0)
    invalid = forms.IntegerField(label=_("Invalid ballots"), min_value=0, initial=0)

    def __init__(self, *args: Any, kind: str, candidates: Sequence[Candidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.candidates = list(candidates)
        self.rows: list[tuple[Candidate, list[str]]] = []
        for candidate in self.candidates:
            label = str(candidate.unit)
            if candidate.group:
                label = f"{label} ({candidate.get_group_display()})"
            names = []
            if kind == PollKind.APPROVAL:
                for answer, answer_label in ANSWER_LABELS.items():
                    name = f"{answer}_{candidate.pk}"
                    self.fields[name] = forms.IntegerField(label=f"{label}: {answer_label}", min_value=0, initial=0)
                    names.append(name)
            else:
                name = f"votes_{candidate.pk}"
                self.fields[name] = forms.IntegerField(label=label, min_value=0, initial=0)
                names.append(name)
            self.rows.append((candidate, names))

    def bound_rows(self) -> list[tuple[Candidate, list[forms.BoundField]]]:
        return [(candidate, [self[name] for name in names]) for candidate, names in self.rows]

    def counts(self) -> dict[str, Any]:
        data = self.cleaned_data
        counts: dict[str, Any] = {"blank": data["blank"], "invalid": data["invalid"]}
        if self.kind == PollKind.APPROVAL:
            counts["answers"] = {
                str(c.pk): {answer: data[f"{answer}_{c.pk}"] for answer in ANSWER_LABELS} for c in self.candidates
            }
        else:
            counts["votes"] = {str(c.pk): data[f"votes_{c.pk}"] for c in self.candidates}
        return counts

    @staticmethod
    def initial_from(counts: dict[str, Any], ballots: int) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "ballots": ballots,
            "blank": counts.get("blank", 0),
            "invalid": counts.get("invalid", 0),
        }
        for key, value in (counts.get("votes") or {}).items():
            initial[f"votes_{key}"] = value
        for key, figures in (counts.get("answers") or {}).items():
            for answer, value in figures.items():
                initial[f"{answer}_{key}"] = value
        return initial
