"""The outcome of a poll stated in words: the rule, the arithmetic, the ties, who is elected.

Issue #4 asks that the outcome be "computed and stated with the rule and the arithmetic", so the
minutes and the result page can say why a unit passed or not, not only that it did. `explain`
returns translated sentences (English sources, gettext) with numbers written plainly — the page
localises them; templates that want a table read the structured `Outcome` itself
(`Outcome.groups[i].candidates`, each a `CandidateResult` with votes, share, percent, flags).
"""

from collections.abc import Hashable, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .ballots import DEPUTY, HEAD, PollKind, TieRule
from .tally import CandidateResult, GroupOutcome, Outcome, Tie


def format_score(score: Decimal | None) -> str:
    """A ranking score with two decimals ("92.50"), or "no score"."""
    return _("no score") if score is None else str(score.quantize(Decimal("0.01")))


def _join(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _candidate_line(outcome: Outcome, result: CandidateResult) -> str:
    verdict = _("passes") if result.passes else _("does not pass")
    if outcome.kind == PollKind.APPROVAL:
        params = {
            "name": result.name,
            "yes": result.votes,
            "no": result.no,
            "abstain": result.abstain,
            "percent": result.percent,
            "verdict": verdict,
        }
        if result.percent is None:
            return _("%(name)s: %(yes)s yes, %(no)s no, %(abstain)s abstain — %(verdict)s.") % params
        return _("%(name)s: %(yes)s yes, %(no)s no, %(abstain)s abstain (%(percent)s %% yes) — %(verdict)s.") % params
    params = {"name": result.name, "votes": result.votes, "percent": result.percent, "verdict": verdict}
    if result.percent is None:
        return (
            ngettext(
                "%(name)s: %(votes)s vote — %(verdict)s.", "%(name)s: %(votes)s votes — %(verdict)s.", result.votes
            )
            % params
        )
    return (
        ngettext(
            "%(name)s: %(votes)s vote (%(percent)s %%) — %(verdict)s.",
            "%(name)s: %(votes)s votes (%(percent)s %%) — %(verdict)s.",
            result.votes,
        )
        % params
    )


def _scores(results: Sequence[CandidateResult]) -> str:
    """ "92.50 against 90.00" for two, "A 92.50, B 90.00, C no score" for more."""
    if len(results) == 2:
        return _("%(first)s against %(second)s") % {
            "first": format_score(results[0].score),
            "second": format_score(results[1].score),
        }
    return ", ".join(f"{r.name} {format_score(r.score)}" for r in results)


def _tie_line(tie: Tie, by_key: dict[Hashable, CandidateResult]) -> str:
    tied = [by_key[k] for k in tie.candidates]
    params = {
        "names": _join([r.name for r in tied]),
        "votes": tie.votes,
        "seats": tie.seats,
        "scores": _scores(tied),
        "winners": _join([by_key[k].name for k in tie.by_score]),
        "runoff": _join([by_key[k].name for k in tie.runoff]),
        "runoff_seats": tie.runoff_seats,
    }
    if not tie.runoff:
        return (
            ngettext(
                "Tie for the last seat between %(names)s on %(votes)s votes: decided by the higher ranking score "
                "(%(scores)s).",
                "Tie for the last %(seats)s seats between %(names)s on %(votes)s votes: decided by the higher ranking "
                "score (%(scores)s).",
                tie.seats,
            )
            % params
        )
    if tie.by_score:
        return (
            ngettext(
                "Tie for the last seats between %(names)s on %(votes)s votes: the higher ranking score (%(scores)s) "
                "gives a seat to %(winners)s; %(runoff)s remain tied, a run-off is needed for %(runoff_seats)s seat.",
                "Tie for the last seats between %(names)s on %(votes)s votes: the higher ranking score (%(scores)s) "
                "gives a seat to %(winners)s; %(runoff)s remain tied, a run-off is needed for %(runoff_seats)s seats.",
                tie.runoff_seats,
            )
            % params
        )
    if tie.rule == TieRule.HIGHER_SCORE:
        return (
            ngettext(
                "Tie for the last seat between %(names)s on %(votes)s votes: the ranking scores do not decide "
                "(%(scores)s), a run-off is needed for %(runoff_seats)s seat.",
                "Tie for the last %(seats)s seats between %(names)s on %(votes)s votes: the ranking scores do not "
                "decide (%(scores)s), a run-off is needed for %(runoff_seats)s seats.",
                tie.seats,
            )
            % params
        )
    return (
        ngettext(
            "Tie for the last seat between %(names)s on %(votes)s votes: a run-off is needed for %(runoff_seats)s "
            "seat.",
            "Tie for the last %(seats)s seats between %(names)s on %(votes)s votes: a run-off is needed for "
            "%(runoff_seats)s seats.",
            tie.seats,
        )
        % params
    )


def _group_heading(outcome: Outcome, group: GroupOutcome) -> str | None:
    seats = group.seats
    if group.group == HEAD:
        return _("Head (1 seat):")
    if group.group == DEPUTY:
        return ngettext("Deputies (%(seats)s seat):", "Deputies (%(seats)s seats):", seats or 0) % {"seats": seats}
    if seats is None:
        return None
    if outcome.kind == PollKind.APPROVAL:
        return ngettext(
            "At most %(seats)s unit can be approved.", "At most %(seats)s units can be approved.", seats
        ) % {"seats": seats}
    return _("Seats to fill: %(seats)s.") % {"seats": seats}


def _elected_line(outcome: Outcome, group: GroupOutcome, by_key: dict[Hashable, CandidateResult]) -> str:
    names = [
        _("%(name)s (on the ranking score)") % {"name": by_key[k].name} if by_key[k].by_score else by_key[k].name
        for k in group.elected
    ]
    listed = {"names": ", ".join(names)}
    if group.group == HEAD:
        return _("Elected head: %(names)s.") % listed if names else _("No head is elected.")
    if group.group == DEPUTY:
        return _("Elected deputies: %(names)s.") % listed if names else _("No deputy is elected.")
    if outcome.kind == PollKind.APPROVAL:
        return _("Approved: %(names)s.") % listed if names else _("No unit is approved.")
    return _("Elected: %(names)s.") % listed if names else _("No unit is elected.")


def explain(outcome: Outcome) -> list[str]:
    """The rule and the arithmetic of `outcome`, sentence by sentence (translated), e.g.

    "Base: delegates present, weight 11.", "Threshold: more than 1/2 of 11 → at least 6 votes.",
    "Trung tâm A: 9 votes (81.8 %) — passes.", "Tie for the last seat between X and Y on 5 votes:
    decided by the higher ranking score (92.50 against 90.00).", "Elected: Trung tâm A."
    """
    lines = [
        _("Delegates present: weight %(present)s of %(entitled)s entitled.")
        % {"present": outcome.present, "entitled": outcome.entitled},
        _("Ballots cast: weight %(cast)s — valid %(valid)s, blank %(blank)s, invalid %(invalid)s.")
        % {"cast": outcome.cast, "valid": outcome.valid, "blank": outcome.blank, "invalid": outcome.invalid},
        _("Base: %(base)s, weight %(value)s.") % {"base": outcome.base.label, "value": outcome.base_value},
    ]
    threshold = {"threshold": outcome.threshold.label, "base": outcome.base_value, "required": outcome.required}
    if outcome.required is None:
        lines.append(_("Threshold: %(threshold)s of %(base)s → no candidate can pass.") % threshold)
    else:
        lines.append(
            ngettext(
                "Threshold: %(threshold)s of %(base)s → at least %(required)s vote.",
                "Threshold: %(threshold)s of %(base)s → at least %(required)s votes.",
                outcome.required,
            )
            % threshold
        )
    for group in outcome.groups:
        by_key = {r.key: r for r in group.candidates}
        heading = _group_heading(outcome, group)
        if heading:
            lines.append(heading)
        for result in group.candidates:
            lines.append(_candidate_line(outcome, result))
            if result.excluded and result.passes:
                lines.append(_("%(name)s is elected head, so it is not counted as deputy.") % {"name": result.name})
        if group.tie is not None:
            lines.append(_tie_line(group.tie, by_key))
        lines.append(_elected_line(outcome, group, by_key))
        if group.unfilled:
            lines.append(
                ngettext(
                    "%(count)s seat is left unfilled: too few units passed the threshold.",
                    "%(count)s seats are left unfilled: too few units passed the threshold.",
                    group.unfilled,
                )
                % {"count": group.unfilled}
            )
        if group.depends_on_head:
            lines.append(_("The deputies depend on the head's run-off: count them again after it."))
    return lines
