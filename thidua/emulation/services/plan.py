"""Services for a block-year's plan and its covenant: editing, opening for signing, signing, closing.

The covenant's text (title, introduction, commitments) can change only while it is a draft, so every
member unit signs the same words. Reopening an open covenant returns it to draft and voids the
signatures given so far (the audit log keeps who had signed).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import Conflict, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.emulation.models import (
    Covenant,
    CovenantCommitment,
    CovenantSignature,
    CovenantStatus,
    Plan,
    PlanMilestone,
)
from thidua.emulation.services._common import (
    MAX_LINE,
    MAX_TEXT,
    check_date,
    check_date_between,
    check_member,
    check_open,
)
from thidua.organizations.models import BlockYear, PersonMembership, Unit
from thidua.organizations.services._common import clean_text

MAX_MILESTONES = 50
MAX_COMMITMENTS = 50


# ---------------------------------------------------------------- plan


def _clean_milestones(block_year: BlockYear, milestones: Sequence[tuple[dt.date, str]]) -> list[tuple[dt.date, str]]:
    if len(milestones) > MAX_MILESTONES:
        raise ValidationFailed(
            _("A plan has at most %(max)d milestones.") % {"max": MAX_MILESTONES}, code="too_many", field="milestones"
        )
    first, last = dt.date(block_year.year - 1, 1, 1), dt.date(block_year.year + 1, 12, 31)
    cleaned = []
    for date, title in milestones:
        check_date(date, field="milestones")
        check_date_between(date, first, last, field="milestones", code="milestone_out_of_range")
        cleaned.append((date, clean_text(title, field="milestones", max_length=255, required=True)))
    return sorted(cleaned, key=lambda row: row[0])


def _plan_snapshot(plan: Plan | None) -> dict[str, Any]:
    if plan is None or plan.pk is None:
        return {}
    return {
        "objectives": plan.objectives,
        "milestones": [[str(m.date), m.title] for m in plan.milestones.order_by("date", "position", "id")],
    }


@transaction.atomic
def plan_save(
    *,
    actor: Any,
    block_year: BlockYear,
    objectives: str,
    milestones: Sequence[tuple[dt.date, str]] = (),
) -> Plan:
    """Create or replace the block-year's plan: its objectives and its milestones (date, title)."""
    require_perm(actor, "emulation.manage_plan", block_year)
    check_open(block_year)
    objectives = clean_text(objectives, field="objectives", max_length=MAX_TEXT)
    rows = _clean_milestones(block_year, milestones)
    plan = Plan.objects.select_for_update(of=("self",)).filter(block_year=block_year).first()
    created = plan is None
    before = _plan_snapshot(plan)
    if plan is None:
        plan = Plan.objects.create(block_year=block_year, objectives=objectives)
    else:
        plan.objectives = objectives
        plan.save()
        plan.milestones.all().delete()
    PlanMilestone.objects.bulk_create(
        PlanMilestone(plan=plan, position=index, date=date, title=title) for index, (date, title) in enumerate(rows)
    )
    diff = model_changes(before, _plan_snapshot(plan))
    if created or diff:
        audit_record(actor=actor, action="plan.create" if created else "plan.update", obj=plan, changes=diff)
    return plan


# ---------------------------------------------------------------- covenant: text


def _clean_commitments(commitments: Sequence[str]) -> list[str]:
    lines = [(text or "").strip() for text in commitments]
    lines = [text for text in lines if text]
    if len(lines) > MAX_COMMITMENTS:
        raise ValidationFailed(
            _("A covenant has at most %(max)d commitments.") % {"max": MAX_COMMITMENTS},
            code="too_many",
            field="commitments",
        )
    for text in lines:
        clean_text(text, field="commitments", max_length=MAX_LINE)
    return lines


def _covenant_snapshot(covenant: Covenant | None) -> dict[str, Any]:
    if covenant is None or covenant.pk is None:
        return {}
    return {
        "title": covenant.title,
        "preamble": covenant.preamble,
        "commitments": list(covenant.commitments.order_by("position").values_list("text", flat=True)),
    }


def _locked_covenant(covenant: Covenant) -> Covenant:
    """Re-read the covenant under a row lock (two heads signing or an open and a sign racing)."""
    return (
        Covenant.objects.select_for_update(of=("self",)).select_related("block_year__block__owner").get(pk=covenant.pk)
    )


@transaction.atomic
def covenant_save(
    *, actor: Any, block_year: BlockYear, title: str, preamble: str = "", commitments: Sequence[str] = ()
) -> Covenant:
    """Create or change the covenant's text; only a draft can change."""
    require_perm(actor, "emulation.manage_plan", block_year)
    check_open(block_year)
    covenant = Covenant.objects.select_for_update(of=("self",)).filter(block_year=block_year).first()
    if covenant is not None and covenant.status != CovenantStatus.DRAFT:
        raise Conflict(
            _("The covenant is no longer a draft; its text cannot change. Reopen it first."),
            code="covenant_not_draft",
        )
    title = clean_text(title, field="title", max_length=255, required=True)
    preamble = clean_text(preamble, field="preamble", max_length=MAX_TEXT)
    lines = _clean_commitments(commitments)
    created = covenant is None
    before = _covenant_snapshot(covenant)
    if covenant is None:
        covenant = Covenant.objects.create(block_year=block_year, title=title, preamble=preamble)
    else:
        covenant.title, covenant.preamble = title, preamble
        covenant.save()
        covenant.commitments.all().delete()
    CovenantCommitment.objects.bulk_create(
        CovenantCommitment(covenant=covenant, position=index, text=text) for index, text in enumerate(lines, start=1)
    )
    diff = model_changes(before, _covenant_snapshot(covenant))
    if created or diff:
        action = "covenant.create" if created else "covenant.update"
        audit_record(actor=actor, action=action, obj=covenant, changes=diff)
    return covenant


# ---------------------------------------------------------------- covenant: signing


@transaction.atomic
def covenant_open_for_signing(*, actor: Any, covenant: Covenant) -> Covenant:
    """Lock the text and let the member units' heads sign."""
    covenant = _locked_covenant(covenant)
    require_perm(actor, "emulation.manage_plan", covenant.block_year)
    check_open(covenant.block_year)
    if covenant.status != CovenantStatus.DRAFT:
        raise Conflict(_("Only a draft covenant can be opened for signing."), code="covenant_not_draft")
    if not covenant.commitments.exists():
        raise ValidationFailed(
            _("Add at least one commitment before opening the covenant for signing."),
            code="covenant_empty",
            field="commitments",
        )
    covenant.status = CovenantStatus.OPEN
    covenant.opened_at = timezone.now()
    covenant.opened_by = actor
    covenant.save()
    audit_record(
        actor=actor, action="covenant.open", obj=covenant, changes={"status": [CovenantStatus.DRAFT, covenant.status]}
    )
    return covenant


def _signer(actor: Any, unit: Unit) -> tuple[str, str]:
    """The signing user's name and their current position in the unit (when their staff record says so)."""
    membership = (
        PersonMembership.objects.filter(person__user=actor, unit=unit, end_date__isnull=True)
        .select_related("person")
        .order_by("-start_date", "id")
        .first()
    )
    if membership is not None:
        return membership.person.full_name, membership.position
    return str(actor), ""


@transaction.atomic
def covenant_sign(
    *, actor: Any, covenant: Covenant, unit: Unit, signer_name: str = "", signer_title: str = ""
) -> CovenantSignature:
    """The head of a member unit signs the open covenant for the unit (once)."""
    covenant = _locked_covenant(covenant)
    require_perm(actor, "emulation.sign_covenant", unit)
    check_open(covenant.block_year)
    if covenant.status != CovenantStatus.OPEN:
        raise Conflict(_("The covenant is not open for signing."), code="covenant_not_open")
    check_member(covenant.block_year, unit)
    if covenant.signatures.filter(unit=unit).exists():
        raise Conflict(_("%(unit)s has already signed the covenant.") % {"unit": unit}, code="already_signed")
    default_name, default_title = _signer(actor, unit)
    name = clean_text(signer_name, field="signer_name", max_length=200) or default_name
    title = clean_text(signer_title, field="signer_title", max_length=200) or default_title
    try:
        with transaction.atomic():
            signature = CovenantSignature.objects.create(
                covenant=covenant,
                unit=unit,
                signed_by=actor,
                signer_name=name[:200],
                signer_title=title[:200],
                signed_at=timezone.now(),
            )
    except IntegrityError as exc:  # a concurrent signature for the same unit
        raise Conflict(_("%(unit)s has already signed the covenant.") % {"unit": unit}, code="already_signed") from exc
    audit_record(
        actor=actor,
        action="covenant.sign",
        obj=covenant,
        changes={"unit": unit.pk, "signer_name": name, "signer_title": title},
    )
    return signature


@transaction.atomic
def covenant_withdraw_signature(*, actor: Any, covenant: Covenant, unit: Unit) -> None:
    """Take back a unit's signature while the covenant is still open."""
    covenant = _locked_covenant(covenant)
    require_perm(actor, "emulation.sign_covenant", unit)
    check_open(covenant.block_year)
    if covenant.status != CovenantStatus.OPEN:
        raise Conflict(_("The covenant is not open for signing."), code="covenant_not_open")
    signature = covenant.signatures.filter(unit=unit).first()
    if signature is None:
        raise ValidationFailed(
            _("%(unit)s has not signed the covenant.") % {"unit": unit}, code="not_signed", field="unit"
        )
    audit_record(
        actor=actor,
        action="covenant.withdraw_signature",
        obj=covenant,
        changes={"unit": unit.pk, "signer_name": signature.signer_name, "signed_at": signature.signed_at},
    )
    signature.delete()


@transaction.atomic
def covenant_close(*, actor: Any, covenant: Covenant) -> Covenant:
    """End the signing; the signatures given stay, none can be added or withdrawn."""
    covenant = _locked_covenant(covenant)
    require_perm(actor, "emulation.manage_plan", covenant.block_year)
    check_open(covenant.block_year)
    if covenant.status != CovenantStatus.OPEN:
        raise Conflict(_("Only a covenant open for signing can be closed."), code="covenant_not_open")
    covenant.status = CovenantStatus.CLOSED
    covenant.closed_at = timezone.now()
    covenant.closed_by = actor
    covenant.save()
    audit_record(
        actor=actor,
        action="covenant.close",
        obj=covenant,
        changes={"status": [CovenantStatus.OPEN, covenant.status], "signatures": covenant.signatures.count()},
    )
    return covenant


@transaction.atomic
def covenant_reopen(*, actor: Any, covenant: Covenant, reason: str) -> Covenant:
    """Return an open covenant to draft so its text can change; the signatures given so far are voided."""
    covenant = _locked_covenant(covenant)
    require_perm(actor, "emulation.manage_plan", covenant.block_year)
    check_open(covenant.block_year)
    if covenant.status != CovenantStatus.OPEN:
        raise Conflict(_("Only a covenant open for signing can be reopened."), code="covenant_not_open")
    reason = clean_text(reason, field="reason", max_length=MAX_LINE, required=True)
    voided = list(covenant.signatures.order_by("unit_id").values_list("unit_id", flat=True))
    covenant.signatures.all().delete()
    covenant.status = CovenantStatus.DRAFT
    covenant.opened_at = None
    covenant.opened_by = None
    covenant.save()
    audit_record(
        actor=actor,
        action="covenant.reopen",
        obj=covenant,
        changes={"status": [CovenantStatus.OPEN, CovenantStatus.DRAFT], "voided_signatures": voided, "reason": reason},
    )
    return covenant
