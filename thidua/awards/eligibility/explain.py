"""An eligibility report stated in words: the verdict, then each check with its reason and its legal source.

The proposal page and the dossier show these sentences (translated, English sources); pages that
want a table read the structured `EligibilityReport` itself (`report.checks`, each a `Check` with
status, evidence, records, citation).
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .checks import Check, Status
from .data import award_label
from .engine import EligibilityReport, Verdict


def _citation(check: Check) -> str:
    if check.citation is None:
        return ""
    if check.citation.unconfirmed:
        return _("%(citation)s (to be confirmed)") % {"citation": check.citation}
    return str(check.citation)


def _headline(report: EligibilityReport) -> str:
    params = {"title": award_label(report.award_code), "year": report.year, "verdict": report.verdict.label}
    if report.verdict is Verdict.ELIGIBLE:
        return _("%(title)s for %(year)s: %(verdict)s — every condition the system checks is met.") % params
    if report.verdict is Verdict.INELIGIBLE:
        count = len(report.failed)
        return ngettext(
            "%(title)s for %(year)s: %(verdict)s — %(count)s condition is not met.",
            "%(title)s for %(year)s: %(verdict)s — %(count)s conditions are not met.",
            count,
        ) % {**params, "count": count}
    count = len(report.unknown)
    return ngettext(
        "%(title)s for %(year)s: %(verdict)s — %(count)s condition cannot be checked from the data given.",
        "%(title)s for %(year)s: %(verdict)s — %(count)s conditions cannot be checked from the data given.",
        count,
    ) % {**params, "count": count}


_PREFIX = {
    Status.PASS: lambda: _("Met"),
    Status.FAIL: lambda: _("Not met"),
    Status.UNKNOWN: lambda: _("Cannot tell"),
}


def explain_check(check: Check, *, with_rule: bool = False) -> str:
    """ "Not met: Task rating: completed tasks; needed: completed tasks well or better. Source: Luật …, Điều 24, …"."""
    line = _("%(prefix)s: %(message)s Source: %(citation)s.") % {
        "prefix": _PREFIX[check.status](),
        "message": check.message,
        "citation": _citation(check),
    }
    if with_rule and check.explanation:
        line = f"{line} {check.explanation}"
    return line


def explain(report: EligibilityReport, *, with_rules: bool = False) -> list[str]:
    """The verdict, the rules in force, and one sentence per check in order (translated).

    With `with_rules`, each check's line ends with the rule stated in plain words.
    """
    lines = [_headline(report), _("Rules in force: %(basis)s.") % {"basis": report.basis}]
    lines.extend(explain_check(check, with_rule=with_rules) for check in report.checks)
    if report.verdict is Verdict.ELIGIBLE:
        lines.append(_("The council still judges the criteria the system cannot check."))
    return lines
