"""Rule sets per year: which rules, which default numbers and which recipients are in force for a year's achievement.

The law is being amended (domain.md §1.3: a draft of December 2025 would change the CSTĐCS standard
to excellent completion *and* an initiative), so the rules are chosen by the year of the achievement
evaluated. Today one set covers 2024 onwards (Law 06/2022/QH15 in force from 01/01/2024, with ND98
and, from 01/07/2025, ND152); earlier years were under the 2003 law and have no set here.

Adding a set for a later year is a matter of data: close the current set and derive the next one,
replacing, adding or dropping rules and changing default parameters, e.g.

    LAW_2022_AMENDED = LAW_2022.derive(
        id="law_2022_amended", first_year=2027, basis="Luật … sửa đổi, bổ sung …",
        defaults={"cstdcs_rule": "excellent_and_initiative"},
    )
    RULE_SETS = (replace(LAW_2022, last_year=2026), LAW_2022_AMENDED)

Parameters stored in the catalogue for a year still override a set's defaults.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _

from .checks import BOTH_KINDS, COLLECTIVE, INDIVIDUAL, Rule
from .data import AwardCode, RecipientKind
from .errors import RuleViolation
from .parameters import Parameters
from .rules import LAW_2022_RULES

# Who each award can go to (domain.md §2.1–2.4). Forms of commendation go to both.
RECIPIENTS_2022: Mapping[str, frozenset[RecipientKind]] = MappingProxyType(
    {
        AwardCode.LDTT: INDIVIDUAL,
        AwardCode.CSTD_CO_SO: INDIVIDUAL,
        AwardCode.CSTD_TINH: INDIVIDUAL,
        AwardCode.CSTD_TOAN_QUOC: INDIVIDUAL,
        AwardCode.TTLDTT: COLLECTIVE,
        AwardCode.TTLDXS: COLLECTIVE,
        AwardCode.CO_TINH: COLLECTIVE,
        AwardCode.CO_CHINH_PHU: COLLECTIVE,
        AwardCode.BANG_KHEN_TINH: BOTH_KINDS,
        AwardCode.BANG_KHEN_TTG: BOTH_KINDS,
        AwardCode.GIAY_KHEN: BOTH_KINDS,
    }
)


@dataclass(frozen=True)
class RuleSet:
    """The rules in force for achievements of `first_year` … `last_year` (None = open), in evaluation order."""

    id: str
    first_year: int
    last_year: int | None
    basis: str
    rules: tuple[Rule, ...]
    recipients: Mapping[str, frozenset[RecipientKind]]
    defaults: Parameters = field(default_factory=Parameters)

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def rules_for(self, award_code: str, kind: RecipientKind) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.applies(award_code, kind))

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def derive(
        self,
        *,
        id: str,
        first_year: int,
        last_year: int | None = None,
        basis: str | None = None,
        replace_rules: Iterable[Rule] = (),
        add_rules: Iterable[Rule] = (),
        drop: Iterable[str] = (),
        defaults: Mapping[str, Any] | None = None,
        recipients: Mapping[str, frozenset[RecipientKind]] | None = None,
    ) -> "RuleSet":
        """A new set from this one: rules replaced by id (same place), dropped by id, added at the end."""
        replacing = {rule.id: rule for rule in replace_rules}
        dropped = set(drop)
        rules = [replacing.get(rule.id, rule) for rule in self.rules if rule.id not in dropped]
        rules.extend(add_rules)
        return RuleSet(
            id=id,
            first_year=first_year,
            last_year=last_year,
            basis=self.basis if basis is None else basis,
            rules=tuple(rules),
            recipients=self.recipients if recipients is None else recipients,
            defaults=self.defaults.with_values(defaults),
        )


LAW_2022 = RuleSet(
    id="law_2022",
    first_year=2024,
    last_year=None,
    basis="Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định 98/2023/NĐ-CP; Nghị định 152/2025/NĐ-CP",
    rules=LAW_2022_RULES,
    recipients=RECIPIENTS_2022,
)

RULE_SETS: tuple[RuleSet, ...] = (LAW_2022,)


def check_rule_sets(rule_sets: Sequence[RuleSet]) -> None:
    """Refuse sets whose years overlap ("rule_sets_overlap") or whose rule ids repeat ("duplicate_rule")."""
    ordered = sorted(rule_sets, key=lambda s: s.first_year)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.last_year is None or earlier.last_year >= later.first_year:
            raise RuleViolation(
                "rule_sets_overlap",
                _("The rule sets %(first)s and %(second)s cover the same years.")
                % {"first": earlier.id, "second": later.id},
            )
    for rule_set in ordered:
        ids = [rule.id for rule in rule_set.rules]
        if len(ids) != len(set(ids)):
            raise RuleViolation("duplicate_rule", _("The rule set %(id)s lists a rule twice.") % {"id": rule_set.id})


def rule_set_for(year: int, rule_sets: Sequence[RuleSet] = RULE_SETS) -> RuleSet:
    """The rule set in force for achievements of `year`; "no_rule_set" when none covers it (before 2024)."""
    for rule_set in rule_sets:
        if rule_set.covers(year):
            return rule_set
    raise RuleViolation(
        "no_rule_set",
        _("No eligibility rules are recorded for the year %(year)s.") % {"year": year},
        field="year",
    )
