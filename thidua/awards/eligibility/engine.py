"""`evaluate`: run the rules in force for a year against one candidate and give the verdict with every check.

The verdict is ELIGIBLE when every check passes, INELIGIBLE when any fails, UNKNOWN otherwise (some
fact was missing and nothing failed). ELIGIBLE means "meets every condition the system can check":
the council still judges the qualitative criteria (see each rule's explanation).

Cost is O(len(history)) per candidate: the history is filtered and split by award code once. For a
batch, split the registry by recipient first (`histories_by_recipient`) and resolve the parameters
once (`resolve_parameters`), then pass each candidate only its own records.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from .checks import Check, Context, Status
from .data import AwardRecord, Candidate, YearFacts
from .errors import RuleViolation
from .history import History
from .parameters import Parameters
from .rulesets import RuleSet, rule_set_for


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {
            Verdict.ELIGIBLE: _("eligible"),
            Verdict.INELIGIBLE: _("not eligible"),
            Verdict.UNKNOWN: _("undetermined"),
        }[self]


def verdict_of(checks: Iterable[Check]) -> Verdict:
    """ELIGIBLE if all checks pass, INELIGIBLE if any fails, UNKNOWN otherwise."""
    statuses = {check.status for check in checks}
    if Status.FAIL in statuses:
        return Verdict.INELIGIBLE
    if Status.UNKNOWN in statuses:
        return Verdict.UNKNOWN
    return Verdict.ELIGIBLE


@dataclass(frozen=True)
class EligibilityReport:
    """The answer for one candidate and one award: the verdict, every check in order, and what was in force."""

    candidate: Candidate
    award_code: str
    year: int
    rule_set: str
    basis: str
    verdict: Verdict
    checks: tuple[Check, ...]
    parameters: Parameters

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is Status.FAIL)

    @property
    def unknown(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is Status.UNKNOWN)

    def check(self, rule_id: str) -> Check:
        """The check of `rule_id` (KeyError if that rule did not apply)."""
        for check in self.checks:
            if check.rule_id == rule_id:
                return check
        raise KeyError(rule_id)


def resolve_parameters(
    year: int, parameters: Mapping[str, Any] | Parameters | None = None, *, rule_set: RuleSet | None = None
) -> Parameters:
    """The parameters for `year`: the rule set's defaults overridden by `parameters` (a mapping)."""
    if isinstance(parameters, Parameters):
        return parameters
    return (rule_set or rule_set_for(year)).defaults.with_values(parameters)


def histories_by_recipient(records: Iterable[AwardRecord]) -> dict[Hashable, list[AwardRecord]]:
    """The registry split by recipient, so each candidate's evaluation reads only its own awards."""
    out: dict[Hashable, list[AwardRecord]] = defaultdict(list)
    for record in records:
        out[record.recipient].append(record)
    return dict(out)


def evaluate(
    candidate: Candidate,
    award_code: str,
    history: Iterable[AwardRecord],
    facts: YearFacts | None = None,
    parameters: Mapping[str, Any] | Parameters | None = None,
    year: int | None = None,
    *,
    rule_set: RuleSet | None = None,
) -> EligibilityReport:
    """Evaluate `candidate` for `award_code` for the achievement of `year` (default: the candidate's year).

    `history` may hold anyone's awards (others are ignored) in any order; revoked awards and awards
    not counting as history are ignored. `parameters` is the plain mapping of the catalogue (unknown
    keys ignored) or a `Parameters` already resolved. Raises `RuleViolation` for an award code the
    rule set does not know ("unknown_award"), a year other than the candidate's ("year_mismatch"), or
    a year no rule set covers ("no_rule_set").
    """
    year = candidate.year if year is None else year
    if year != candidate.year:
        raise RuleViolation(
            "year_mismatch",
            _("The candidate is evaluated for %(candidate)s, not %(year)s.")
            % {"candidate": candidate.year, "year": year},
            field="year",
        )
    rules = rule_set or rule_set_for(year)
    code = str(award_code)
    if code not in rules.recipients:
        raise RuleViolation("unknown_award", _("Unknown award code: %(code)s.") % {"code": code}, field="award_code")
    params = resolve_parameters(year, parameters, rule_set=rules)
    context = Context(
        candidate=candidate,
        award_code=code,
        year=year,
        facts=facts if facts is not None else YearFacts(),
        params=params,
        history=History.of(candidate.key, history),
        recipients=rules.recipients,
    )
    checks = tuple(rule.evaluate(context) for rule in rules.rules_for(code, candidate.kind))
    return EligibilityReport(
        candidate=candidate,
        award_code=code,
        year=year,
        rule_set=rules.id,
        basis=rules.basis,
        verdict=verdict_of(checks),
        checks=checks,
        parameters=params,
    )
