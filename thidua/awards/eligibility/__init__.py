"""Eligibility rules (pure: no database): does a candidate meet a title's or form's conditions, and why.

Issue #5 item 2: declarative rules per title or form, each with its legal citation and a plain-language
explanation, answering PASS / FAIL / UNKNOWN with the evidence used. Services feed plain data from the
registry and the year's results:

    report = evaluate(
        Candidate(key=person.pk, kind=RecipientKind.INDIVIDUAL, year=2025),
        "cstd_tinh",
        history=[AwardRecord(person.pk, "cstd_co_so", 2023), …],
        facts=YearFacts(task_rating=TaskRating.EXCELLENT, initiatives=Initiatives(provincial=1),
                        disciplinary_hold=False),
        parameters={"cstd_tinh_consecutive": 3},   # the catalogue's values in force; defaults otherwise
    )
    report.verdict            # Verdict.ELIGIBLE / INELIGIBLE / UNKNOWN
    report.checks             # (Check(rule_id, status, evidence, message, records, citation, explanation), …)
    explain(report)           # translated sentences

Rule sets are per year (`rule_set_for(year)`), parameters are dated values with documented defaults
(`parameters` module, `DEFAULT_PARAMETERS`). Bad input raises `RuleViolation` with a stable code.
"""

from .checks import Check, Citation, Context, Finding, Rule, Status
from .data import (
    AWARD_LABELS,
    AwardCode,
    AwardRecord,
    Candidate,
    Initiatives,
    PastYear,
    ProposalRef,
    RecipientKind,
    Scope,
    TaskRating,
    YearFacts,
    award_label,
)
from .engine import EligibilityReport, Verdict, evaluate, histories_by_recipient, resolve_parameters, verdict_of
from .errors import RuleViolation
from .explain import explain, explain_check
from .history import History, Run, best_run, consecutive_count, run_years
from .parameters import DEFAULT_PARAMETERS, PARAMETER_KEYS, Parameters
from .rules import LAW_2022_RULES
from .rulesets import LAW_2022, RULE_SETS, RuleSet, check_rule_sets, rule_set_for

__all__ = [
    "AWARD_LABELS",
    "DEFAULT_PARAMETERS",
    "LAW_2022",
    "LAW_2022_RULES",
    "PARAMETER_KEYS",
    "RULE_SETS",
    "AwardCode",
    "AwardRecord",
    "Candidate",
    "Check",
    "Citation",
    "Context",
    "EligibilityReport",
    "Finding",
    "History",
    "Initiatives",
    "Parameters",
    "PastYear",
    "ProposalRef",
    "RecipientKind",
    "Rule",
    "RuleSet",
    "RuleViolation",
    "Run",
    "Scope",
    "Status",
    "TaskRating",
    "Verdict",
    "YearFacts",
    "award_label",
    "best_run",
    "check_rule_sets",
    "consecutive_count",
    "evaluate",
    "explain",
    "explain_check",
    "histories_by_recipient",
    "resolve_parameters",
    "rule_set_for",
    "run_years",
    "verdict_of",
]
