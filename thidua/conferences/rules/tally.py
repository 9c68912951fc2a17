"""The count of a poll: weighted totals, the base, the threshold, who passes, who is elected, ties.

Electronic ballots and the paper count of the same poll are added up as `Counts` (weighted totals
per candidate, plus the valid, blank and invalid weights): `count_ballots` turns parsed ballots into
`Counts`, `Counts + Counts` merges them, and `tally_from_counts` does the rest, so a recount from the
published bulletin (bulletin.py) goes through exactly the same arithmetic as the live tally.

Seats are filled by votes among the candidates who pass the threshold. When more pass than there
are seats and the last seat is tied on votes, the tie rule decides: HIGHER_SCORE gives the seat to
the higher ranking score (equal or missing scores stay tied), RUNOFF — or HIGHER_SCORE still tied —
leaves those seats to a run-off among the tied (domain.md §4.4: tie rules UNCONFIRMED, configurable).
In an election the head seat is filled first; a unit elected head is not counted as deputy.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from .ballots import DEPUTY, HEAD, Answer, Ballot, Candidate, PollKind, PollSpec, TieRule
from .errors import RuleViolation
from .thresholds import Base, Threshold, passes, required_votes


@dataclass(frozen=True)
class Counts:
    """Weighted totals of ballots: the paper count of a poll, or its electronic ballots added up.

    `votes` holds, per candidate key, the weight of the ballots voting for it (APPROVAL: answering
    yes); `no` and `abstain` are for APPROVAL only. `valid` is the weight of the ballots that are
    neither blank nor invalid. Candidates left out have 0.
    """

    valid: int = 0
    blank: int = 0
    invalid: int = 0
    # Left out of the hash (dicts are not hashable) but compared.
    votes: Mapping[Hashable, int] = field(default_factory=dict, hash=False)
    no: Mapping[Hashable, int] = field(default_factory=dict, hash=False)
    abstain: Mapping[Hashable, int] = field(default_factory=dict, hash=False)

    @property
    def cast(self) -> int:
        return self.valid + self.blank + self.invalid

    def __add__(self, other: "Counts") -> "Counts":
        if not isinstance(other, Counts):
            return NotImplemented

        def merged(a: Mapping[Hashable, int], b: Mapping[Hashable, int]) -> dict[Hashable, int]:
            total = Counter(a)
            total.update(b)
            return dict(total)

        return Counts(
            valid=self.valid + other.valid,
            blank=self.blank + other.blank,
            invalid=self.invalid + other.invalid,
            votes=merged(self.votes, other.votes),
            no=merged(self.no, other.no),
            abstain=merged(self.abstain, other.abstain),
        )


def _weight_error(field: str) -> RuleViolation:
    return RuleViolation("invalid_weight", _("Weights and votes must be whole numbers, 0 or more."), field=field)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def count_ballots(spec: PollSpec, ballots: Iterable[tuple[Ballot, int]]) -> Counts:
    """Add up parsed ballots, each with the weight of the delegate who cast it (≥ 1)."""
    valid = blank = 0
    votes: Counter[Hashable] = Counter()
    no: Counter[Hashable] = Counter()
    abstain: Counter[Hashable] = Counter()
    for ballot, weight in ballots:
        if not _is_count(weight) or weight < 1:
            raise RuleViolation("invalid_weight", _("A ballot's weight must be a whole number, 1 or more."), "weight")
        if not isinstance(ballot, Ballot) or ballot.kind != spec.kind:
            raise RuleViolation("malformed_ballot", _("The ballot is not in the expected form."), field="content")
        if ballot.blank:
            blank += weight
            continue
        valid += weight
        for key in ballot.picks:
            votes[spec.candidate(key).key] += weight
        for key, answer in ballot.answers.items():
            if answer == Answer.NO:
                no[spec.candidate(key).key] += weight
            elif answer == Answer.ABSTAIN:
                abstain[spec.candidate(key).key] += weight
    return Counts(valid=valid, blank=blank, votes=dict(votes), no=dict(no), abstain=dict(abstain))


@dataclass(frozen=True)
class CandidateResult:
    """One line of the result table."""

    key: Hashable
    name: str
    group: str
    score: Decimal | None
    rank: int | None
    votes: int  # votes for it; APPROVAL: yes answers
    no: int | None  # APPROVAL only
    abstain: int | None  # APPROVAL only
    share: Fraction | None  # votes / base; None when the base is 0
    passes: bool
    elected: bool = False
    by_score: bool = False  # won its seat on the ranking score after a tie on votes
    runoff: bool = False  # tied for the last seat(s) and left to the run-off
    excluded: bool = False  # ELECTION: a deputy candidate whose unit was elected head

    @property
    def percent(self) -> Decimal | None:
        """The share as a percentage with one decimal, rounded half up (9/11 → 81.8)."""
        return percent(self.share)


def percent(share: Fraction | None) -> Decimal | None:
    """`share` (0 ≤ share ≤ 1) as a percentage with one decimal, rounded half up, in exact arithmetic."""
    if share is None:
        return None
    tenths = math.floor(share * 1000 + Fraction(1, 2))
    return Decimal(tenths).scaleb(-1).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Tie:
    """Candidates tied on votes for the last seat(s) of a group, and how the tie rule settled it."""

    votes: int
    candidates: tuple[Hashable, ...]  # every candidate on those votes among those who pass
    seats: int  # the seats left for them
    rule: TieRule
    by_score: tuple[Hashable, ...] = ()  # given a seat by the higher ranking score
    runoff: tuple[Hashable, ...] = ()  # still tied: left to the run-off
    runoff_seats: int = 0


@dataclass(frozen=True)
class Runoff:
    """A run-off to hold: `seats` seats of `group` among `candidates` (all tied on votes)."""

    group: str
    candidates: tuple[Hashable, ...]
    seats: int


@dataclass(frozen=True)
class GroupOutcome:
    """The result of one seat group: the whole poll, or the head or the deputies of an election."""

    group: str  # "" (SELECTION, APPROVAL), HEAD or DEPUTY
    seats: int | None  # None: an APPROVAL without a cap
    candidates: tuple[CandidateResult, ...]  # most votes first; at equal votes the elected first
    elected: tuple[Hashable, ...]  # in the order of `candidates`
    tie: Tie | None = None
    runoff: Runoff | None = None
    unfilled: int = 0  # seats neither filled nor left to a run-off: too few candidates passed
    depends_on_head: bool = False  # DEPUTY: a unit in the head's run-off also takes part here


@dataclass(frozen=True)
class Outcome:
    """The outcome of a poll with every figure needed to state it (see explain.py)."""

    kind: PollKind
    base: Base
    base_value: int
    threshold: Threshold
    required: int | None  # the least votes that pass; None when the base is 0 (nothing passes)
    tie_rule: TieRule
    present: int
    entitled: int
    valid: int
    blank: int
    invalid: int
    groups: tuple[GroupOutcome, ...]

    @property
    def cast(self) -> int:
        return self.valid + self.blank + self.invalid

    @property
    def elected(self) -> tuple[Hashable, ...]:
        """Everyone elected or approved, group by group (head first), most votes first."""
        return tuple(key for group in self.groups for key in group.elected)

    @property
    def runoffs(self) -> tuple[Runoff, ...]:
        return tuple(group.runoff for group in self.groups if group.runoff is not None)

    @property
    def runoff(self) -> tuple[Hashable, ...]:
        """The candidates of every run-off to hold (empty: none)."""
        return tuple(key for runoff in self.runoffs for key in runoff.candidates)

    @property
    def runoff_seats(self) -> int:
        return sum(runoff.seats for runoff in self.runoffs)

    @property
    def results(self) -> tuple[CandidateResult, ...]:
        return tuple(result for group in self.groups for result in group.candidates)

    def group(self, name: str = "") -> GroupOutcome:
        return next(g for g in self.groups if g.group == name)

    def result(self, key: Hashable) -> CandidateResult:
        return next(r for r in self.results if str(r.key) == str(key))


def _inconsistent(message: str, field: str = "counts") -> RuleViolation:
    return RuleViolation("inconsistent_counts", message, field=field)


def _normalised(spec: PollSpec, mapping: Mapping[Hashable, int], field: str) -> dict[Hashable, int]:
    result: dict[Hashable, int] = {c.key: 0 for c in spec.candidates}
    for key, value in mapping.items():
        if not _is_count(value):
            raise _weight_error(field)
        result[spec.candidate(key).key] += value
    return result


def _check_counts(
    spec: PollSpec, counts: Counts, present: int, entitled: int
) -> tuple[dict[Hashable, int], dict[Hashable, int], dict[Hashable, int]]:
    for name, value in (("valid", counts.valid), ("blank", counts.blank), ("invalid", counts.invalid)):
        if not _is_count(value):
            raise _weight_error(name)
    for name, value in (("present_weight", present), ("entitled_weight", entitled)):
        if not _is_count(value):
            raise _weight_error(name)
    if present > entitled:
        raise _inconsistent(
            _("The weight present (%(present)s) is above the entitled weight (%(entitled)s).")
            % {"present": present, "entitled": entitled},
            "present_weight",
        )
    if counts.cast > present:
        raise _inconsistent(
            _("More ballots were cast (weight %(cast)s) than delegates are present (weight %(present)s).")
            % {"cast": counts.cast, "present": present}
        )
    votes = _normalised(spec, counts.votes, "votes")
    no = _normalised(spec, counts.no, "no")
    abstain = _normalised(spec, counts.abstain, "abstain")
    valid = counts.valid
    by_key = {c.key: c for c in spec.candidates}
    for key, value in votes.items():
        if value > valid:
            raise _inconsistent(
                _("%(name)s has more votes (%(votes)s) than there are valid ballots (%(valid)s).")
                % {"name": by_key[key].label, "votes": value, "valid": valid}
            )
    if spec.kind == PollKind.APPROVAL:
        for key in votes:
            if votes[key] + no[key] + abstain[key] != valid:
                raise _inconsistent(
                    _("The yes, no and abstain answers for %(name)s do not add up to the valid ballots (%(valid)s).")
                    % {"name": by_key[key].label, "valid": valid}
                )
    elif any(no.values()) or any(abstain.values()):
        raise _inconsistent(_("Only an approval poll has no and abstain answers."))
    total = sum(votes.values())
    if spec.kind == PollKind.SELECTION:
        low, high = valid * spec.min_choices, valid * (spec.choice_maximum or 0)
    elif spec.kind == PollKind.APPROVAL:
        maximum = spec.choice_maximum
        low, high = 0, valid * (len(spec.candidates) if maximum is None else maximum)
    else:
        head = sum(votes[c.key] for c in spec.candidates_of(HEAD))
        low, high = valid, valid * (1 + (spec.seats_of(DEPUTY) or 0))
        if head > valid:
            raise _inconsistent(_("The head votes add up to more than the valid ballots."))
        per_unit: Counter[Hashable] = Counter()
        for candidate in spec.candidates:
            per_unit[candidate.unit_key] += votes[candidate.key]
        if any(value > valid for value in per_unit.values()):
            raise _inconsistent(_("A unit has more votes as head and deputy together than there are valid ballots."))
    if not low <= total <= high:
        raise _inconsistent(
            _("The votes (%(total)s in all) do not fit the valid ballots (%(valid)s) and the number of choices.")
            % {"total": total, "valid": valid}
        )
    return votes, no, abstain


def _score_order(candidate: Candidate) -> tuple[bool, Decimal]:
    """Higher is better; a missing score sorts last."""
    return (candidate.score is not None, candidate.score if candidate.score is not None else Decimal(0))


def _fill_seats(
    eligible: list[Candidate], votes: Mapping[Hashable, int], seats: int | None, rule: TieRule
) -> tuple[set[Hashable], Tie | None, Runoff | None, int]:
    """Elected keys, the tie for the last seat (if any), the run-off (if any), the seats left unfilled."""
    if seats == 0:
        return set(), None, None, 0
    if seats is None or len(eligible) <= seats:
        unfilled = 0 if seats is None else seats - len(eligible)
        return {c.key for c in eligible}, None, None, unfilled
    ordered = sorted(eligible, key=lambda c: -votes[c.key])
    last = votes[ordered[seats - 1].key]
    if votes[ordered[seats].key] != last:
        return {c.key for c in ordered[:seats]}, None, None, 0
    above = [c for c in ordered if votes[c.key] > last]
    tied = [c for c in ordered if votes[c.key] == last]
    left = seats - len(above)
    elected = {c.key for c in above}
    by_score: list[Candidate] = []
    still: list[Candidate] = tied
    if rule == TieRule.HIGHER_SCORE and all(c.score is not None for c in tied):
        ranked = sorted(tied, key=_score_order, reverse=True)
        cut = _score_order(ranked[left - 1])
        by_score = [c for c in ranked if _score_order(c) > cut]
        at_cut = [c for c in ranked if _score_order(c) == cut]
        if len(by_score) + len(at_cut) == left:
            by_score, still = ranked[:left], []
        else:
            still = at_cut
    elected |= {c.key for c in by_score}
    runoff_seats = left - len(by_score)
    runoff = Runoff("", tuple(c.key for c in still), runoff_seats) if still else None
    tie = Tie(
        votes=last,
        candidates=tuple(c.key for c in tied),
        seats=left,
        rule=rule,
        by_score=tuple(c.key for c in by_score),
        runoff=tuple(c.key for c in still),
        runoff_seats=runoff_seats if still else 0,
    )
    return elected, tie, runoff, 0


def _group_outcome(
    spec: PollSpec,
    group: str,
    tallies: tuple[dict[Hashable, int], dict[Hashable, int], dict[Hashable, int]],
    base: int,
    excluded_units: set[Hashable],
) -> GroupOutcome:
    votes, no, abstain = tallies
    candidates = spec.candidates_of(group)
    approval = spec.kind == PollKind.APPROVAL
    passing = {c.key for c in candidates if passes(votes[c.key], base, spec.threshold)}
    excluded = {c.key for c in candidates if c.unit_key in excluded_units}
    index = {c.key: i for i, c in enumerate(candidates)}
    eligible = [c for c in candidates if c.key in passing and c.key not in excluded]
    seats = spec.seats_of(group)
    elected, tie, runoff, unfilled = _fill_seats(eligible, votes, seats, spec.tie_rule)
    by_score = set(tie.by_score) if tie else set()
    in_runoff = set(runoff.candidates) if runoff else set()
    results = [
        CandidateResult(
            key=c.key,
            name=c.label,
            group=group,
            score=c.score,
            rank=c.rank,
            votes=votes[c.key],
            no=no[c.key] if approval else None,
            abstain=abstain[c.key] if approval else None,
            share=Fraction(votes[c.key], base) if base else None,
            passes=c.key in passing,
            elected=c.key in elected,
            by_score=c.key in by_score,
            runoff=c.key in in_runoff,
            excluded=c.key in excluded,
        )
        for c in candidates
    ]
    results.sort(
        key=lambda r: (
            -r.votes,
            0 if r.elected else 1 if r.runoff else 2,
            r.score is None,
            -(r.score or 0),
            index[r.key],
        )
    )
    order = {r.key: i for i, r in enumerate(results)}
    if tie is not None:
        tie = Tie(
            votes=tie.votes,
            candidates=tuple(sorted(tie.candidates, key=order.__getitem__)),
            seats=tie.seats,
            rule=tie.rule,
            by_score=tuple(sorted(tie.by_score, key=order.__getitem__)),
            runoff=tuple(sorted(tie.runoff, key=order.__getitem__)),
            runoff_seats=tie.runoff_seats,
        )
    if runoff is not None:
        runoff = Runoff(group, tuple(sorted(runoff.candidates, key=order.__getitem__)), runoff.seats)
    return GroupOutcome(
        group=group,
        seats=seats,
        candidates=tuple(results),
        elected=tuple(r.key for r in results if r.elected),
        tie=tie,
        runoff=runoff,
        unfilled=unfilled,
    )


def tally_from_counts(spec: PollSpec, counts: Counts, *, present_weight: int, entitled_weight: int) -> Outcome:
    """The outcome of a poll from its weighted totals; "inconsistent_counts" if the totals cannot be.

    The checks: cast ≤ present ≤ entitled; no candidate has more votes than the valid weight; an
    approval's yes + no + abstain make the valid weight for each candidate; the votes fit the valid
    ballots and the number of choices a ballot may make.
    """
    tallies = _check_counts(spec, counts, present_weight, entitled_weight)
    base = {Base.PRESENT: present_weight, Base.ENTITLED: entitled_weight, Base.VALID: counts.valid}[spec.base]
    groups: list[GroupOutcome] = []
    excluded_units: set[Hashable] = set()
    units = {c.key: c.unit_key for c in spec.candidates}
    for group in spec.groups:
        outcome = _group_outcome(spec, group, tallies, base, excluded_units)
        if group == DEPUTY and groups and groups[0].runoff is not None:
            head_runoff_units = {units[k] for k in groups[0].runoff.candidates}
            involved = [r for r in outcome.candidates if (r.elected or r.runoff) and units[r.key] in head_runoff_units]
            if involved:
                outcome = replace(outcome, depends_on_head=True)
        groups.append(outcome)
        excluded_units = {units[k] for k in outcome.elected}
    return Outcome(
        kind=spec.kind,
        base=spec.base,
        base_value=base,
        threshold=spec.threshold,
        required=required_votes(base, spec.threshold),
        tie_rule=spec.tie_rule,
        present=present_weight,
        entitled=entitled_weight,
        valid=counts.valid,
        blank=counts.blank,
        invalid=counts.invalid,
        groups=tuple(groups),
    )


def tally(
    spec: PollSpec,
    ballots: Iterable[tuple[Ballot, int]],
    *,
    present_weight: int,
    entitled_weight: int,
    invalid_weight: int = 0,
    blank_weight_extra: int = 0,
    paper: Counts | None = None,
) -> Outcome:
    """The outcome of a poll from its ballots, each `(ballot, weight)`.

    Invalid ballots exist only on paper: they come in as `invalid_weight`. Blank paper ballots come
    in as `blank_weight_extra`, and a whole paper count (valid ballots with votes per candidate) as
    `paper`; all of it is added to the ballots before counting.
    """
    counts = count_ballots(spec, ballots) + Counts(invalid=invalid_weight, blank=blank_weight_extra)
    if paper is not None:
        counts = counts + paper
    return tally_from_counts(spec, counts, present_weight=present_weight, entitled_weight=entitled_weight)


def runoff_spec(spec: PollSpec, runoff: Runoff) -> PollSpec:
    """The spec of a run-off: a SELECTION of `runoff.seats` among the tied, with the poll's other rules.

    The tied candidates keep their names, scores and ranks; the threshold, base and tie rule stay
    the poll's own.
    """
    keys = {str(k) for k in runoff.candidates}
    candidates: Sequence[Candidate] = [c for c in spec.candidates if str(c.key) in keys]
    return PollSpec(
        kind=PollKind.SELECTION,
        candidates=candidates,
        threshold=spec.threshold,
        base=spec.base,
        tie_rule=spec.tie_rule,
        min_choices=1,
        max_choices=runoff.seats,
        seats=runoff.seats,
    )
