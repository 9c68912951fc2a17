"""Services of decisions (quyết định khen thưởng): draft a decision, gather accepted proposals into it, issue it.

A decision is drafted by the emulation office (`owner`), filled with proposals the council accepted, then issued.
Issuing is all or nothing: every proposal is checked first (still accepted, decided by this authority, the decision
not dated before the proposal, no disciplinary hold, not already awarded, prize money computable on the decision
date) and one bad proposal refuses the whole decision with `DecisionRefused`, whose `errors` list every problem;
nothing is written then. Otherwise each proposal becomes one `Award` of the registry with the prize money of the
decision date (`selectors.prize_for`), each proposal is marked decided, and the decision becomes immutable.

Codes: title_required, issuing_body_required, invalid_choice, invalid_date, duplicate_number, decision_issued,
proposal_not_accepted, proposal_in_decision, proposal_not_in_decision, wrong_decider, number_required,
date_required, signer_required, decision_empty, decision_before_proposal, disciplinary_hold, duplicate_award,
no_base_salary (and the other prize_for codes: no_coefficient, no_parameter, recipient_not_allowed).

Revoking an award of an issued decision is `services.registry.award_revoke` (the decision stays as issued; the
money to recover defaults to the whole prize of a decision's award).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thidua.audit.services import audit_record, model_changes
from thidua.awards.models import (
    Award,
    AwardSource,
    Decider,
    Decision,
    DecisionStatus,
    DisciplinaryHold,
    Fund,
    Proposal,
    ProposalStatus,
    Recipient,
)
from thidua.awards.selectors import prize_for
from thidua.awards.services.proposals import proposal_mark_decided
from thidua.awards.services.registry import _duplicate_error, _existing, _save
from thidua.core.exceptions import Conflict, DomainError, PermissionDenied, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import Unit
from thidua.organizations.services._common import check_choice, clean_text, snapshot

DECISION_FIELDS = [
    "number",
    "signed_on",
    "title",
    "issuing_body",
    "decider",
    "signer_name",
    "signer_title",
    "legal_basis",
    "fund",
    "published",
]
EDITABLE = set(DECISION_FIELDS)

# The fund that pays the prize money of each deciding authority (the deciding level's fund).
FUND_OF_DECIDER: dict[str, str] = {
    Decider.DEPARTMENT_HEAD: Fund.DEPARTMENT,
    Decider.PROVINCE_CHAIRMAN: Fund.PROVINCE,
    Decider.PRIME_MINISTER: Fund.CENTRAL,
    Decider.GOVERNMENT: Fund.CENTRAL,
}


class DecisionRefused(ValidationFailed):
    """A decision that cannot be issued because of its proposals: nothing was written.

    `code` (and the HTTP status) is the first problem's; `errors` lists every problem as {proposal, recipient, code,
    message, field}, in the order of the decision's proposals.
    """

    def __init__(self, problems: list[tuple[Proposal, DomainError]]) -> None:
        first = problems[0][1]
        self.status = first.status
        self.errors = [
            {
                "proposal": proposal.pk,
                "recipient": proposal.recipient_name,
                "code": exc.code,
                "message": str(exc.message),
                "field": exc.field,
            }
            for proposal, exc in problems
        ]
        if len(problems) == 1:
            message = _("%(recipient)s: %(message)s") % {
                "recipient": problems[0][0].recipient_name,
                "message": first.message,
            }
        else:
            message = ngettext(
                "The decision was not issued: %(count)d proposal has a problem. Nothing was written.",
                "The decision was not issued: %(count)d proposals have problems. Nothing was written.",
                len(problems),
            ) % {"count": len(problems)}
        super().__init__(message, code=first.code, field=first.field or "proposals")

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["details"] = self.errors
        return data


# --- checks ----------------------------------------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _check_date(value: Any, *, field: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("The decision date is in the future."), code="invalid_date", field=field)
    return value


def _check_bool(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(_("Enter yes or no."), code="invalid", field=field)
    return value


def _check_draft(decision: Decision) -> None:
    if decision.status != DecisionStatus.DRAFT:
        raise Conflict(
            _("Decision %(number)s has been issued: it cannot be changed.") % {"number": decision.number},
            code="decision_issued",
        )


def _check_unique_number(decision: Decision) -> None:
    if not decision.number:
        return
    clash = Decision.objects.filter(issuing_body=decision.issuing_body, number=decision.number)
    if decision.pk is not None:
        clash = clash.exclude(pk=decision.pk)
    if clash.exists():
        raise ValidationFailed(
            _("%(body)s already has a decision numbered %(number)s.")
            % {"body": decision.issuing_body, "number": decision.number},
            code="duplicate_number",
            field="number",
        )


def _clean(decision: Decision, name: str, value: Any) -> Any:
    """One field of a decision, validated (the rules decision_create and decision_update share)."""
    if name == "title":
        text = clean_text(value, field=name, max_length=500)
        if not text:
            raise ValidationFailed(_("Write the decision's summary."), code="title_required", field=name)
        return text
    if name == "issuing_body":
        text = clean_text(value, field=name, max_length=255)
        if not text:
            raise ValidationFailed(
                _("Name the body that issues the decision."), code="issuing_body_required", field=name
            )
        return text
    if name == "decider":
        return check_choice(value, Decider, field=name)
    if name == "fund":
        return check_choice(value, Fund, field=name)
    if name in ("number",):
        return clean_text(value, field=name, max_length=100)
    if name in ("signer_name", "signer_title"):
        return clean_text(value, field=name, max_length=255)
    if name == "legal_basis":
        return clean_text(value, field=name, max_length=5000)
    if name == "signed_on":
        return _check_date(value, field=name)
    if name == "published":
        return _check_bool(value, field=name)
    raise ValidationFailed(  # pragma: no cover - callers filter the names first
        _("These fields cannot be changed here: %(field)s") % {"field": name}, code="unknown_field"
    )


def _check_decider(decision: Decision, proposal: Proposal) -> None:
    if proposal.award_type.decided_by != decision.decider:
        raise ValidationFailed(
            _("%(award)s is decided by the %(decider)s, not by this decision's authority.")
            % {"award": proposal.award_type.name, "decider": Decider(proposal.award_type.decided_by).label},
            code="wrong_decider",
            field="proposals",
        )


def _check_accepted(proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ValidationFailed(
            _("The proposal for %(recipient)s is not accepted by the council (%(status)s).")
            % {"recipient": proposal.recipient_name, "status": proposal.get_status_display()},
            code="proposal_not_accepted",
            field="proposals",
        )


def _hold_between(proposal: Proposal, start: dt.date, end: dt.date | None = None) -> DisciplinaryHold | None:
    """A disciplinary hold on the proposal's recipient (the unit of a collective, the person of an individual) in
    force on any day from `start` to `end` (default: the same day)."""
    end = end or start
    subject = (
        Q(person_id=proposal.person_id)
        if proposal.recipient_kind == Recipient.INDIVIDUAL
        else Q(unit_id=proposal.unit_id)
    )
    return (
        DisciplinaryHold.objects.filter(subject, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("started_on", "id")
        .first()
    )


def _issue_problem(decision: Decision, proposal: Proposal, signed_on: dt.date, today: dt.date) -> int:
    """The prize money of `proposal` on `signed_on`; raises the first problem that refuses it."""
    _check_accepted(proposal)
    _check_decider(decision, proposal)
    earliest = [
        (day, label)
        for day, label in (
            (proposal.submitted_on, _("submitted")),
            (proposal.council_meeting_on, _("accepted by the council")),
        )
        if day is not None
    ]
    for day, label in earliest:
        if signed_on < day:
            raise ValidationFailed(
                _("The decision is dated %(date)s, before the proposal was %(what)s (%(day)s).")
                % {"date": _day(signed_on), "what": label, "day": _day(day)},
                code="decision_before_proposal",
                field="signed_on",
            )
    if signed_on.year < proposal.year:
        raise ValidationFailed(
            _("The decision is dated %(date)s, before the achievement year %(year)d.")
            % {"date": _day(signed_on), "year": proposal.year},
            code="decision_before_proposal",
            field="signed_on",
        )
    hold = _hold_between(proposal, signed_on, today)
    if hold is not None:
        raise ValidationFailed(
            _("%(recipient)s is under a disciplinary hold from %(start)s: no award meanwhile (%(reason)s).")
            % {"recipient": proposal.recipient_name, "start": _day(hold.started_on), "reason": hold.reason},
            code="disciplinary_hold",
            field="proposals",
        )
    person = proposal.person if proposal.recipient_kind == Recipient.INDIVIDUAL else None
    unit = proposal.unit if person is None else None
    if _existing(proposal.award_type, proposal.recipient_kind, unit, person, proposal.year):
        raise _duplicate_error(proposal.award_type, proposal.recipient_name, proposal.year)
    return prize_for(proposal.award_type, proposal.recipient_kind, signed_on).amount


def _locked_proposals(decision: Decision) -> list[Proposal]:
    return list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(decision=decision)
        .select_related("award_type", "unit", "person")
        .order_by("award_type__position", "recipient_name", "id")
    )


def _lock(decision: Decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("owner").get(pk=decision.pk)


# --- create, update, delete ------------------------------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    actor: Any,
    owner: Unit,
    title: str,
    issuing_body: str,
    decider: str,
    fund: str | None = None,
    number: str = "",
    signed_on: dt.date | None = None,
    signer_name: str = "",
    signer_title: str = "",
    legal_basis: str = "",
    published: bool = True,
    is_demo: bool = False,
) -> Decision:
    """Draft a decision prepared by `owner`; the fund defaults to the deciding authority's level."""
    require_perm(actor, "awards.add_decision", owner)
    decision = Decision(owner=owner, is_demo=is_demo)
    decision.decider = _clean(decision, "decider", decider)
    values = {
        "title": title,
        "issuing_body": issuing_body,
        "fund": fund or FUND_OF_DECIDER[decision.decider],
        "number": number,
        "signed_on": signed_on,
        "signer_name": signer_name,
        "signer_title": signer_title,
        "legal_basis": legal_basis,
        "published": published,
    }
    for name, value in values.items():
        setattr(decision, name, _clean(decision, name, value))
    _check_unique_number(decision)
    _save_decision(decision)
    audit_record(
        actor=actor,
        action="decision.create",
        obj=decision,
        changes=model_changes({}, {**snapshot(decision, DECISION_FIELDS), "owner": owner.pk}),
    )
    return decision


def _save_decision(decision: Decision) -> None:
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError as exc:  # a concurrent decision took the number
        raise ValidationFailed(
            _("%(body)s already has a decision numbered %(number)s.")
            % {"body": decision.issuing_body, "number": decision.number},
            code="duplicate_number",
            field="number",
        ) from exc


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, **changes: Any) -> Decision:
    """Change a draft decision's fields. Changing the authority re-checks its proposals and, unless `fund` is given
    too, sets the fund of the new authority."""
    require_perm(actor, "awards.manage_decision", decision)
    decision = _lock(decision)
    _check_draft(decision)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    before = snapshot(decision, DECISION_FIELDS)
    if "decider" in changes:
        decision.decider = _clean(decision, "decider", changes["decider"])
        if "fund" not in changes and decision.decider != before["decider"]:
            decision.fund = FUND_OF_DECIDER[decision.decider]
        for proposal in Proposal.objects.filter(decision=decision).select_related("award_type").order_by("id"):
            _check_decider(decision, proposal)
    for name, value in changes.items():
        if name != "decider":
            setattr(decision, name, _clean(decision, name, value))
    _check_unique_number(decision)
    _save_decision(decision)
    diff = model_changes(before, snapshot(decision, DECISION_FIELDS))
    if diff:
        audit_record(actor=actor, action="decision.update", obj=decision, changes=diff)
    return decision


@transaction.atomic
def decision_delete(*, actor: Any, decision: Decision) -> None:
    """Delete a draft decision; its proposals go back to the accepted proposals waiting for a decision."""
    require_perm(actor, "awards.manage_decision", decision)
    decision = _lock(decision)
    _check_draft(decision)
    released = list(Proposal.objects.filter(decision=decision).order_by("id").values_list("pk", flat=True))
    Proposal.objects.filter(pk__in=released).update(decision=None, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="decision.delete",
        obj=decision,
        changes={**model_changes(snapshot(decision, DECISION_FIELDS), {}), "released_proposals": released},
    )
    decision.delete()


# --- proposals of a draft --------------------------------------------------------------------------------------------


@transaction.atomic
def decision_add_proposals(*, actor: Any, decision: Decision, proposals: Sequence[Proposal]) -> Decision:
    """Put accepted proposals into a draft decision (all of them or none)."""
    require_perm(actor, "awards.manage_decision", decision)
    decision = _lock(decision)
    _check_draft(decision)
    ids = [proposal.pk for proposal in proposals]
    if not ids:
        raise ValidationFailed(_("Choose at least one proposal."), code="required", field="proposals")
    locked = {
        proposal.pk: proposal
        for proposal in Proposal.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("award_type", "unit", "block_year__block__owner")
    }
    added: list[int] = []
    for pk in dict.fromkeys(ids):
        proposal = locked[pk]
        if not actor.has_perm("awards.view_proposal", proposal):
            raise PermissionDenied(
                _("You may not see the proposal for %(recipient)s.") % {"recipient": proposal.recipient_name},
                field="proposals",
            )
        if proposal.decision_id == decision.pk:
            continue
        _check_accepted(proposal)
        if proposal.decision_id is not None:
            raise Conflict(
                _("The proposal for %(recipient)s is already in another decision.")
                % {"recipient": proposal.recipient_name},
                code="proposal_in_decision",
                field="proposals",
            )
        _check_decider(decision, proposal)
        added.append(pk)
    if added:
        Proposal.objects.filter(pk__in=added).update(decision=decision, updated_at=timezone.now())
        audit_record(actor=actor, action="decision.add_proposals", obj=decision, changes={"proposals": added})
    return decision


@transaction.atomic
def decision_remove_proposal(*, actor: Any, decision: Decision, proposal: Proposal) -> Decision:
    """Take a proposal out of a draft decision (it waits for another decision again)."""
    require_perm(actor, "awards.manage_decision", decision)
    decision = _lock(decision)
    _check_draft(decision)
    proposal = Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    if proposal.decision_id != decision.pk:
        raise ValidationFailed(
            _("The proposal for %(recipient)s is not in this decision.") % {"recipient": proposal.recipient_name},
            code="proposal_not_in_decision",
            field="proposals",
        )
    proposal.decision = None
    proposal.save(update_fields=["decision", "updated_at"])
    audit_record(actor=actor, action="decision.remove_proposal", obj=decision, changes={"proposal": proposal.pk})
    return decision


# --- issue -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def decision_issue(
    *,
    actor: Any,
    decision: Decision,
    number: str | None = None,
    signed_on: dt.date | None = None,
    signer_name: str | None = None,
    signer_title: str | None = None,
) -> Decision:
    """Issue a draft decision: one award per proposal with the prize money of the decision date, all or nothing.

    `number`, `signed_on`, `signer_name` and `signer_title` replace the draft's values when given.
    """
    require_perm(actor, "awards.manage_decision", decision)
    decision = _lock(decision)
    _check_draft(decision)
    before = snapshot(decision, DECISION_FIELDS)
    if number is not None:
        decision.number = _clean(decision, "number", number)
    if signed_on is not None:
        decision.signed_on = _clean(decision, "signed_on", signed_on)
    if signer_name is not None:
        decision.signer_name = _clean(decision, "signer_name", signer_name)
    if signer_title is not None:
        decision.signer_title = _clean(decision, "signer_title", signer_title)
    if not decision.number:
        raise ValidationFailed(_("Enter the decision's number."), code="number_required", field="number")
    if decision.signed_on is None:
        raise ValidationFailed(_("Enter the decision's date."), code="date_required", field="signed_on")
    _check_date(decision.signed_on, field="signed_on")
    if not decision.signer_name:
        raise ValidationFailed(_("Enter who signed the decision."), code="signer_required", field="signer_name")
    _check_unique_number(decision)
    proposals = _locked_proposals(decision)
    if not proposals:
        raise ValidationFailed(
            _("Add at least one accepted proposal before issuing."), code="decision_empty", field="proposals"
        )
    today = timezone.localdate()
    amounts: dict[int, int] = {}
    problems: list[tuple[Proposal, DomainError]] = []
    for proposal in proposals:
        try:
            amounts[proposal.pk] = _issue_problem(decision, proposal, decision.signed_on, today)
        except DomainError as exc:
            problems.append((proposal, exc))
    if problems:
        raise DecisionRefused(problems)

    decision.status = DecisionStatus.ISSUED
    decision.issued_at = timezone.now()
    decision.issued_by = actor
    _save_decision(decision)
    awards = [_award_of(decision, proposal, amounts[proposal.pk]) for proposal in proposals]
    for proposal in proposals:
        proposal_mark_decided(actor=actor, proposal=proposal, decision=decision)
    by_type: dict[str, dict[str, int]] = {}
    for award in awards:
        line = by_type.setdefault(f"{award.award_type.code}/{award.recipient_kind}", {"count": 0, "amount": 0})
        line["count"] += 1
        line["amount"] += award.amount or 0
    audit_record(
        actor=actor,
        action="decision.issue",
        obj=decision,
        changes={
            **model_changes(before, snapshot(decision, DECISION_FIELDS)),
            "status": [DecisionStatus.DRAFT.value, DecisionStatus.ISSUED.value],
            "awards": [award.pk for award in awards],
            "count": len(awards),
            "total_amount": sum(award.amount or 0 for award in awards),
            "fund": decision.fund,
            "totals": by_type,
        },
    )
    return decision


def _award_of(decision: Decision, proposal: Proposal, amount: int) -> Award:
    person = proposal.person if proposal.recipient_kind == Recipient.INDIVIDUAL else None
    award = Award(
        award_type=proposal.award_type,
        recipient_kind=proposal.recipient_kind,
        unit=proposal.unit,
        person=person,
        recipient_name=person.full_name if person is not None else proposal.unit.name,
        unit_name=proposal.unit.name,
        year=proposal.year,
        decision_number=decision.number,
        decision_date=decision.signed_on,
        decision_signer=decision.signer_name,
        issuing_body=decision.issuing_body,
        amount=amount,
        counts_as_history=proposal.award_type.counts_as_history,
        source=AwardSource.DECISION,
        decision=decision,
        proposal=proposal,
        fund=decision.fund,
        is_demo=decision.is_demo,
    )
    return _save(award)
