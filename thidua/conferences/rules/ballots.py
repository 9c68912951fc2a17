"""What a poll asks, and what a ballot may answer: the poll's spec, ballot parsing, canonical content.

A block conference votes three kinds of polls (issue #4, domain.md §4.4): choosing n of m units (the
leading unit, the units proposed for Bằng khen), yes / no / abstain on each unit of a proposed list,
and electing next year's head and deputies on one ballot. `parse_ballot` checks a ballot's JSON-like
content against the spec and says exactly what is wrong (a stable code, a translated message with the
numbers in it), and `canonical_content` gives the one string that is stored, hashed into the bulletin
and parsed back to recount: sorted, compact, the same for the same choices on every run.

Candidate keys are opaque (a unit id, a candidate row id, a string). In the JSON content they are
ints or strings, and a key is matched by its text, so 12 and "12" (JSON object keys are strings) name
the same candidate; a spec whose keys share a text is refused. In an election the same unit may stand
for head and for deputy as two candidates (two keys) that name it in `unit`.
"""

import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import RuleViolation
from .thresholds import MORE_THAN_HALF, Base, Threshold

HEAD = "head"
DEPUTY = "deputy"


class PollKind(StrEnum):
    SELECTION = "selection"  # choose between min and max of the candidates; `seats` of them win
    APPROVAL = "approval"  # yes / no / abstain on every candidate; optional seat cap
    ELECTION = "election"  # one head and `seats` deputies, each candidate standing for one group


class TieRule(StrEnum):
    """How a tie on votes for the last seat is broken."""

    HIGHER_SCORE = "higher_score"  # the higher ranking score wins; equal or missing scores → run-off
    RUNOFF = "runoff"  # a run-off among the tied


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


ANSWERS = frozenset(a.value for a in Answer)


def group_label(group: str) -> str:
    """The translated name of an election group ("head", "deputy"); other groups as they are."""
    return {HEAD: _("head"), DEPUTY: _("deputy")}.get(group, group)


@dataclass(frozen=True)
class Candidate:
    """A unit on the ballot, with its place in the ranking shown next to it."""

    key: Hashable
    name: str = ""
    group: str | None = None  # ELECTION: HEAD or DEPUTY; otherwise free (display only)
    score: Decimal | None = None  # the final score in the ranking, for the HIGHER_SCORE tie rule
    rank: int | None = None
    unit: Hashable | None = None  # the unit standing, when two candidates (head, deputy) are the same unit

    @property
    def label(self) -> str:
        return self.name or str(self.key)

    @property
    def unit_key(self) -> Hashable:
        return self.key if self.unit is None else self.unit


def _invalid(code: str, message: str, field: str) -> RuleViolation:
    return RuleViolation(code, message, field=field)


@dataclass(frozen=True)
class PollSpec:
    """Everything the rules need to know about a poll.

    - `min_choices` / `max_choices`: SELECTION only — how many units a ballot chooses (max defaults to
      every candidate); APPROVAL uses `max_choices` alone, as the most "yes" answers on one ballot
      (None: no limit). ELECTION ballots choose at most one head and at most `seats` deputies.
    - `seats`: SELECTION — how many units the outcome can hold (defaults to `max_choices`);
      APPROVAL — an optional cap on the approved (None: everyone who passes); ELECTION — the number
      of deputies (the head is always one seat).
    """

    kind: PollKind
    candidates: Sequence[Candidate]
    threshold: Threshold = MORE_THAN_HALF
    base: Base = Base.PRESENT
    tie_rule: TieRule = TieRule.HIGHER_SCORE
    min_choices: int = 1
    max_choices: int | None = None
    seats: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PollKind(self.kind))
        object.__setattr__(self, "base", Base(self.base))
        object.__setattr__(self, "tie_rule", TieRule(self.tie_rule))
        object.__setattr__(self, "candidates", tuple(self.candidates))
        if not isinstance(self.threshold, Threshold):
            raise _invalid("invalid_threshold", _("The threshold is not valid."), "threshold")
        self._check_candidates()
        self._check_limits()

    def _check_candidates(self) -> None:
        if not self.candidates:
            raise _invalid("no_candidates", _("A poll needs at least one candidate."), "candidates")
        texts: set[str] = set()
        for candidate in self.candidates:
            key = candidate.key
            if key is None or isinstance(key, bool):
                raise _invalid("invalid_candidate", _("A candidate's key must be a number or a text."), "candidates")
            if str(key) in texts:
                raise _invalid(
                    "duplicate_candidate",
                    _("%(name)s appears more than once among the candidates.") % {"name": candidate.label},
                    "candidates",
                )
            texts.add(str(key))
        if self.kind == PollKind.ELECTION:
            for candidate in self.candidates:
                if candidate.group not in (HEAD, DEPUTY):
                    raise _invalid(
                        "invalid_group",
                        _("%(name)s must stand either for head or for deputy.") % {"name": candidate.label},
                        "candidates",
                    )
            for group in (HEAD, DEPUTY):
                units = [c.unit_key for c in self.candidates if c.group == group]
                if len(set(units)) != len(units):
                    raise _invalid(
                        "duplicate_candidate",
                        _("A unit stands more than once for %(group)s.") % {"group": group_label(group)},
                        "candidates",
                    )
            if not any(c.group == HEAD for c in self.candidates):
                raise _invalid("no_candidates", _("An election needs at least one candidate for head."), "candidates")

    def _check_limits(self) -> None:
        counts = (self.min_choices, self.max_choices, self.seats)
        if any(isinstance(n, bool) or not (n is None or isinstance(n, int)) for n in counts):
            raise _invalid("invalid_choice_limits", _("Choice limits and seats must be whole numbers."), "max_choices")
        if self.kind == PollKind.SELECTION:
            maximum = self.choice_maximum or 0
            if self.min_choices < 0 or maximum < max(self.min_choices, 1) or self.min_choices > len(self.candidates):
                raise _invalid(
                    "invalid_choice_limits",
                    _("The minimum and maximum number of choices do not fit the %(count)s candidates.")
                    % {"count": len(self.candidates)},
                    "max_choices",
                )
        if self.kind == PollKind.APPROVAL and self.max_choices is not None and self.max_choices < 1:
            raise _invalid(
                "invalid_choice_limits", _("The maximum number of yes answers must be at least 1."), "max_choices"
            )
        minimum_seats = 0 if self.kind == PollKind.ELECTION else 1
        if self.seats is not None and self.seats < minimum_seats:
            raise _invalid("invalid_seats", _("The number of seats is not valid."), "seats")

    @property
    def choice_maximum(self) -> int | None:
        """The most units one ballot may choose (SELECTION) or answer yes to (APPROVAL; None: no limit)."""
        if self.kind == PollKind.SELECTION:
            return len(self.candidates) if self.max_choices is None else self.max_choices
        if self.kind == PollKind.APPROVAL:
            return self.max_choices
        return None

    @property
    def groups(self) -> tuple[str, ...]:
        """The seat groups counted apart: ("",) or, in an election, (HEAD, DEPUTY) in that order."""
        return (HEAD, DEPUTY) if self.kind == PollKind.ELECTION else ("",)

    def seats_of(self, group: str) -> int | None:
        """The seats to fill in `group`; None for an APPROVAL without a cap (everyone who passes)."""
        if self.kind == PollKind.ELECTION:
            return 1 if group == HEAD else (self.seats or 0)
        if self.kind == PollKind.SELECTION:
            return self.choice_maximum if self.seats is None else self.seats
        return self.seats

    def candidates_of(self, group: str) -> tuple[Candidate, ...]:
        if self.kind != PollKind.ELECTION:
            return tuple(self.candidates)
        return tuple(c for c in self.candidates if c.group == group)

    @cached_property
    def by_text(self) -> dict[str, Candidate]:
        """Candidates by the text of their key: how ballot content names them."""
        return {str(c.key): c for c in self.candidates}

    def candidate(self, key: Hashable) -> Candidate:
        """The candidate named `key` (or by its text); "unknown_candidate" if there is none."""
        found = self.by_text.get(str(key)) if not isinstance(key, bool) else None
        if found is None:
            raise RuleViolation(
                "unknown_candidate", _("%(choice)s is not a candidate in this poll.") % {"choice": key}, field="content"
            )
        return found


@dataclass(frozen=True)
class Ballot:
    """A parsed, valid (or blank) ballot; keys are the spec's candidate keys.

    SELECTION fills `choices`, APPROVAL `answers` (every candidate), ELECTION `head` and `deputy`.
    """

    kind: PollKind
    blank: bool = False
    choices: frozenset[Hashable] = frozenset()
    # Left out of the hash (a dict is not hashable) but compared; equal ballots still hash equal.
    answers: Mapping[Hashable, Answer] = field(default_factory=dict, hash=False)
    head: frozenset[Hashable] = frozenset()
    deputy: frozenset[Hashable] = frozenset()

    @property
    def picks(self) -> frozenset[Hashable]:
        """The candidates this ballot votes for: chosen, answered yes, or picked as head or deputy."""
        yes = frozenset(k for k, a in self.answers.items() if a == Answer.YES)
        return self.choices | yes | self.head | self.deputy


def _malformed(field: str = "content") -> RuleViolation:
    return RuleViolation("malformed_ballot", _("The ballot is not in the expected form."), field=field)


def _list_of_keys(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise _malformed(field)
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise _malformed(field)
    return list(value)


def _resolve_all(spec: PollSpec, values: list[Any], field: str) -> list[Candidate]:
    found: list[Candidate] = []
    for value in values:
        try:
            candidate = spec.candidate(value)
        except RuleViolation as error:
            error.field = field
            raise
        if candidate in found:
            raise RuleViolation(
                "duplicate_choice",
                _("%(name)s is chosen more than once.") % {"name": candidate.label},
                field=field,
            )
        found.append(candidate)
    return found


def _too_many(message: str, maximum: int, field: str) -> RuleViolation:
    return RuleViolation("too_many_choices", message % {"max": maximum}, field=field, max=maximum)


def _parse_selection(spec: PollSpec, content: Mapping[str, Any]) -> Ballot:
    if set(content) != {"choices"}:
        raise _malformed()
    chosen = _resolve_all(spec, _list_of_keys(content["choices"], "choices"), "choices")
    maximum = spec.choice_maximum or 0
    if len(chosen) > maximum:
        message = ngettext("Choose at most %(max)s unit.", "Choose at most %(max)s units.", maximum)
        raise _too_many(message, maximum, "choices")
    if len(chosen) < spec.min_choices:
        message = ngettext("Choose at least %(min)s unit.", "Choose at least %(min)s units.", spec.min_choices)
        raise RuleViolation(
            "too_few_choices", message % {"min": spec.min_choices}, field="choices", min=spec.min_choices
        )
    return Ballot(PollKind.SELECTION, choices=frozenset(c.key for c in chosen))


def _parse_approval(spec: PollSpec, content: Mapping[str, Any]) -> Ballot:
    if set(content) != {"answers"} or not isinstance(content["answers"], Mapping):
        raise _malformed()
    answers: dict[Hashable, Answer] = {}
    for value, answer in content["answers"].items():
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _malformed("answers")
        candidate = spec.candidate(value)
        if candidate.key in answers:
            raise RuleViolation(
                "duplicate_choice",
                _("%(name)s is answered more than once.") % {"name": candidate.label},
                field="answers",
            )
        if not isinstance(answer, str) or answer not in ANSWERS:
            raise RuleViolation(
                "invalid_answer",
                _("The answer for %(name)s must be yes, no or abstain.") % {"name": candidate.label},
                field="answers",
            )
        answers[candidate.key] = Answer(answer)
    missing = [c.label for c in spec.candidates if c.key not in answers]
    if missing:
        raise RuleViolation(
            "missing_answer",
            _("Answer yes, no or abstain for every candidate (missing: %(names)s).") % {"names": ", ".join(missing)},
            field="answers",
        )
    maximum = spec.choice_maximum
    yes = sum(1 for a in answers.values() if a == Answer.YES)
    if maximum is not None and yes > maximum:
        message = ngettext("Answer yes for at most %(max)s unit.", "Answer yes for at most %(max)s units.", maximum)
        raise _too_many(message, maximum, "answers")
    return Ballot(PollKind.APPROVAL, answers=answers)


def _parse_election(spec: PollSpec, content: Mapping[str, Any]) -> Ballot:
    if not content or not set(content) <= {HEAD, DEPUTY}:
        raise _malformed()
    picked: dict[str, list[Candidate]] = {}
    for group in (HEAD, DEPUTY):
        candidates = _resolve_all(spec, _list_of_keys(content.get(group, []), group), group)
        for candidate in candidates:
            if candidate.group != group:
                raise RuleViolation(
                    "wrong_group",
                    _("%(name)s is not a candidate for %(group)s.")
                    % {"name": candidate.label, "group": group_label(group)},
                    field=group,
                )
        picked[group] = candidates
    if len(picked[HEAD]) > 1:
        raise _too_many(_("Choose at most %(max)s unit as head."), 1, HEAD)
    deputies = spec.seats_of(DEPUTY) or 0
    if len(picked[DEPUTY]) > deputies:
        message = ngettext(
            "Choose at most %(max)s unit as deputy.", "Choose at most %(max)s units as deputies.", deputies
        )
        raise _too_many(message, deputies, DEPUTY)
    head_units = {c.unit_key for c in picked[HEAD]}
    for candidate in picked[DEPUTY]:
        if candidate.unit_key in head_units:
            raise RuleViolation(
                "duplicate_choice",
                _("%(name)s cannot be chosen both as head and as deputy.") % {"name": candidate.label},
                field=DEPUTY,
            )
    if not picked[HEAD] and not picked[DEPUTY]:
        raise RuleViolation(
            "too_few_choices", _("Choose at least one unit, or cast a blank ballot."), field=HEAD, min=1
        )
    return Ballot(
        PollKind.ELECTION,
        head=frozenset(c.key for c in picked[HEAD]),
        deputy=frozenset(c.key for c in picked[DEPUTY]),
    )


def parse_ballot(spec: PollSpec, content: Any) -> Ballot:
    """Check a ballot's content against `spec` and return it parsed; RuleViolation says what is wrong.

    Content: SELECTION `{"choices": [k, …]}`, APPROVAL `{"answers": {k: "yes" | "no" | "abstain"}}`
    (every candidate answered), ELECTION `{"head": [k], "deputy": [k, …]}` (a missing group is an
    empty one); `{"blank": true}` is a blank ballot in every kind. Codes: malformed_ballot,
    unknown_candidate, duplicate_choice, too_many_choices, too_few_choices, invalid_answer,
    missing_answer, wrong_group.
    """
    if not isinstance(content, Mapping) or not all(isinstance(k, str) for k in content):
        raise _malformed()
    if "blank" in content:
        if dict(content) != {"blank": True} or content["blank"] is not True:
            raise _malformed()
        return Ballot(spec.kind, blank=True)
    if spec.kind == PollKind.SELECTION:
        return _parse_selection(spec, content)
    if spec.kind == PollKind.APPROVAL:
        return _parse_approval(spec, content)
    return _parse_election(spec, content)


def json_key(key: Hashable) -> int | str:
    """How a candidate key is written in ballot content: an int stays an int, anything else is its text."""
    return key if isinstance(key, int) and not isinstance(key, bool) else str(key)


def _sorted_keys(keys: frozenset[Hashable]) -> list[int | str]:
    written = [json_key(k) for k in keys]
    return sorted(written, key=lambda k: (0, k, "") if isinstance(k, int) else (1, 0, k))


def canonical_content(ballot: Ballot) -> str:
    """The ballot's content as compact JSON with sorted keys and choices: same choices, same string.

    `parse_ballot(spec, json.loads(canonical_content(b)))` gives `b` back.
    """
    content: dict[str, Any]
    if ballot.blank:
        content = {"blank": True}
    elif ballot.kind == PollKind.SELECTION:
        content = {"choices": _sorted_keys(ballot.choices)}
    elif ballot.kind == PollKind.APPROVAL:
        content = {"answers": {str(json_key(k)): str(a) for k, a in ballot.answers.items()}}
    else:
        content = {DEPUTY: _sorted_keys(ballot.deputy), HEAD: _sorted_keys(ballot.head)}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
