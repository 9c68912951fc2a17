"""The phase-transition service: a block-year moves forward through its cycle one step at a time."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import PHASE_ORDER, BlockYear, LeadershipRole, Phase, PhaseTransition
from thidua.organizations.phase_hooks import run_enter_hooks


def phase_preconditions(block_year: BlockYear, to_phase: str) -> list[str]:
    """What is missing before the block-year may enter `to_phase` (empty when ready)."""
    missing: list[str] = []
    if to_phase == Phase.COVENANT:
        if block_year.memberships.count() < 2:
            missing.append(_("The block needs at least two member units."))
        if not block_year.leadership.filter(role=LeadershipRole.HEAD).exists():
            missing.append(_("The block has no head unit."))
    return missing


@transaction.atomic
def block_year_advance_phase(*, actor: Any, block_year: BlockYear, to_phase: str, note: str = "") -> BlockYear:
    """Move to the next phase. Backwards moves and skipped phases are refused; closing needs an officer."""
    block_year = BlockYear.objects.select_for_update().select_related("block__owner").get(pk=block_year.pk)
    require_perm(actor, "organizations.advance_phase", block_year)
    if to_phase not in PHASE_ORDER:
        raise ValidationFailed(
            _("Unknown phase: %(phase)s") % {"phase": to_phase}, code="invalid_choice", field="to_phase"
        )
    current = PHASE_ORDER.index(block_year.phase)
    target = PHASE_ORDER.index(to_phase)
    if target <= current:
        raise ValidationFailed(
            _("The block-year is already in phase “%(current)s”; phases cannot move backwards.")
            % {"current": block_year.get_phase_display()},
            code="phase_backwards",
            field="to_phase",
        )
    if target != current + 1:
        raise ValidationFailed(
            _("The next phase is “%(next)s”; phases cannot be skipped.")
            % {"next": Phase(PHASE_ORDER[current + 1]).label},
            code="phase_skipped",
            field="to_phase",
        )
    if to_phase == Phase.CLOSED:
        require_perm(actor, "organizations.close_blockyear", block_year)
    missing = phase_preconditions(block_year, to_phase)
    if missing:
        raise ValidationFailed(" ".join(missing), code="phase_not_ready", field="to_phase")
    PhaseTransition.objects.create(
        block_year=block_year, from_phase=block_year.phase, to_phase=to_phase, actor=actor, note=(note or "")[:2000]
    )
    from_phase = block_year.phase
    block_year.phase = to_phase
    block_year.save(update_fields=["phase", "updated_at"])
    run_enter_hooks(actor=actor, block_year=block_year, phase=to_phase)
    audit_record(
        actor=actor,
        action="block_year.advance_phase",
        obj=block_year,
        changes={"phase": [from_phase, to_phase], "note": note},
    )
    return block_year
