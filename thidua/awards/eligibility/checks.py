"""The vocabulary of a declarative rule: its citation, what it reads, what it answers.

A `Rule` is data — an id, the award codes and recipient kinds it applies to, a legal citation and a
plain-language explanation — plus a small predicate over a `Context` that returns a `Finding`.
`Rule.evaluate` turns the finding into a `Check`: PASS, FAIL or UNKNOWN with the facts and the
registry records it used, and a translated message saying why.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from .data import AwardRecord, Candidate, RecipientKind, YearFacts
from .history import History
from .parameters import Parameters

BOTH_KINDS = frozenset(RecipientKind)
INDIVIDUAL = frozenset({RecipientKind.INDIVIDUAL})
COLLECTIVE = frozenset({RecipientKind.COLLECTIVE})


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {Status.PASS: _("passes"), Status.FAIL: _("fails"), Status.UNKNOWN: _("unknown")}[self]


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: "Luật Thi đua, khen thưởng 2022, Điều 27, khoản 1, điểm c".

    The names of legal documents stay in Vietnamese (they are proper names). `unconfirmed` marks a
    citation domain.md could not confirm (the 2022 wording, or whether a rule survives under ND152).
    """

    document: str
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    unconfirmed: bool = False

    def __str__(self) -> str:
        parts = [self.document]
        if self.article:
            parts.append(f"Điều {self.article}")
        if self.clause:
            parts.append(f"khoản {self.clause}")
        if self.point:
            parts.append(f"điểm {self.point}")
        return ", ".join(parts)


LAW = "Luật Thi đua, khen thưởng 2022"


def law(article: str, clause: str | None = None, point: str | None = None, *, unconfirmed: bool = False) -> Citation:
    """A citation of Law no. 06/2022/QH15."""
    return Citation(LAW, article, clause, point, unconfirmed)


@dataclass(frozen=True)
class Context:
    """Everything a predicate may read for one evaluation; built once by `evaluate`."""

    candidate: Candidate
    award_code: str
    year: int
    facts: YearFacts
    params: Parameters
    history: History
    recipients: Mapping[str, frozenset[RecipientKind]]


@dataclass(frozen=True)
class Finding:
    """What a predicate answers: a status, a translated message, the evidence and the records used."""

    status: Status
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    records: tuple[AwardRecord, ...] = ()


def passed(message: str, evidence: Mapping[str, Any] | None = None, records: tuple[AwardRecord, ...] = ()) -> Finding:
    return Finding(Status.PASS, message, dict(evidence or {}), records)


def failed(message: str, evidence: Mapping[str, Any] | None = None, records: tuple[AwardRecord, ...] = ()) -> Finding:
    return Finding(Status.FAIL, message, dict(evidence or {}), records)


def unknown(message: str, evidence: Mapping[str, Any] | None = None, records: tuple[AwardRecord, ...] = ()) -> Finding:
    return Finding(Status.UNKNOWN, message, dict(evidence or {}), records)


@dataclass(frozen=True)
class Check:
    """One rule's answer for one candidate: the status, the evidence used and why (translated).

    `evidence` holds the facts and parameters the rule read (by name); `records` the registry awards
    it relied on (oldest first). `citation` and `explanation` come from the rule.
    """

    rule_id: str
    status: Status
    evidence: Mapping[str, Any]
    message: str
    records: tuple[AwardRecord, ...] = ()
    citation: Citation | None = None
    explanation: str = ""


@dataclass(frozen=True)
class Rule:
    """A declarative rule: data (id, scope, citation, explanation) and a small predicate.

    `award_codes` empty means the rule applies to every award (the generic rules).
    `explanation` is a lazy translation (English source) stating the rule in plain words; it may name
    parameters as `%(key)s` (shares as percentages), filled in with the values in force.
    """

    id: str
    award_codes: frozenset[str]
    citation: Citation
    explanation: Any
    predicate: Callable[[Context], Finding]
    kinds: frozenset[RecipientKind] = BOTH_KINDS

    def applies(self, award_code: str, kind: RecipientKind) -> bool:
        return (not self.award_codes or award_code in self.award_codes) and kind in self.kinds

    def evaluate(self, context: Context) -> Check:
        finding = self.predicate(context)
        return Check(
            rule_id=self.id,
            status=finding.status,
            evidence=dict(finding.evidence),
            message=finding.message,
            records=finding.records,
            citation=self.citation,
            explanation=str(self.explanation) % context.params.text_values(),
        )
