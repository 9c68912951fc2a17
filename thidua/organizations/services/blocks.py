"""Services for blocks, their years, member units, deadlines and leadership."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key
from thidua.organizations.models import (
    PHASE_ORDER,
    Block,
    BlockKind,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    LeadershipRole,
    Person,
    PhaseDeadline,
    RotationRule,
    Unit,
    UnitStatus,
)
from thidua.organizations.rotation import propose_rotation
from thidua.organizations.services._common import check_choice, clean_text, snapshot

BLOCK_FIELDS = ["code", "name", "kind", "owner", "description", "rotation_rule", "deputy_count", "is_active"]


def _check_deputy_count(value: int) -> int:
    if not isinstance(value, int) or value < 0 or value > 10:
        raise ValidationFailed(
            _("The number of deputies must be between 0 and 10."), code="invalid", field="deputy_count"
        )
    return value


@transaction.atomic
def block_create(
    *,
    actor: Any,
    code: str,
    name: str,
    owner: Unit,
    kind: str = BlockKind.BLOCK,
    description: str = "",
    rotation_rule: str = RotationRule.DEPUTY_BECOMES_HEAD,
    deputy_count: int = 2,
    is_demo: bool = False,
) -> Block:
    """Create an emulation block or cluster organised by `owner` (a province or department)."""
    require_perm(actor, "organizations.add_block", owner)
    code = clean_text(code, field="code", max_length=32, required=True)
    if Block.objects.filter(code__iexact=code).exists():
        raise ValidationFailed(
            _("A block with code “%(code)s” already exists.") % {"code": code}, code="duplicate_code", field="code"
        )
    block = Block(
        code=code,
        name=clean_text(name, field="name", max_length=255, required=True),
        owner=owner,
        kind=check_choice(kind, BlockKind, field="kind"),
        description=(description or "").strip(),
        rotation_rule=check_choice(rotation_rule, RotationRule, field="rotation_rule"),
        deputy_count=_check_deputy_count(deputy_count),
        is_demo=is_demo,
    )
    block.search_key = search_key(block.name, block.code)
    block.save()
    audit_record(
        actor=actor, action="block.create", obj=block, changes=model_changes({}, snapshot(block, BLOCK_FIELDS))
    )
    return block


@transaction.atomic
def block_update(*, actor: Any, block: Block, **changes: Any) -> Block:
    require_perm(actor, "organizations.change_block", block)
    unknown = set(changes) - {"name", "description", "rotation_rule", "deputy_count", "is_active"}
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    before = snapshot(block, BLOCK_FIELDS)
    for name, value in changes.items():
        if name == "name":
            value = clean_text(value, field=name, max_length=255, required=True)
        elif name == "rotation_rule":
            check_choice(value, RotationRule, field=name)
        elif name == "deputy_count":
            _check_deputy_count(value)
        setattr(block, name, value)
    block.search_key = search_key(block.name, block.code)
    block.save()
    diff = model_changes(before, snapshot(block, BLOCK_FIELDS))
    if diff:
        audit_record(actor=actor, action="block.update", obj=block, changes=diff)
    return block


def _check_deadlines(deadlines: Mapping[str, dt.date], year: int) -> None:
    """Deadlines follow the phase order and stay within [year, year + 1]."""
    previous: tuple[str, dt.date] | None = None
    for phase in PHASE_ORDER:
        if phase not in deadlines:
            continue
        due = deadlines[phase]
        if not isinstance(due, dt.date):
            raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=f"deadlines.{phase}")
        if not dt.date(year - 1, 1, 1) <= due <= dt.date(year + 1, 12, 31):
            raise ValidationFailed(
                _("The deadline for %(phase)s is outside the block-year %(year)s.") % {"phase": phase, "year": year},
                code="deadline_out_of_range",
                field=f"deadlines.{phase}",
            )
        if previous is not None and due < previous[1]:
            raise ValidationFailed(
                _("Deadlines must follow the order of phases: %(phase)s is due before %(previous)s.")
                % {"phase": phase, "previous": previous[0]},
                code="dates_out_of_order",
                field=f"deadlines.{phase}",
            )
        previous = (phase, due)
    unknown = set(deadlines) - set(PHASE_ORDER)
    if unknown:
        raise ValidationFailed(
            _("Unknown phase: %(phase)s") % {"phase": ", ".join(sorted(unknown))}, code="invalid_choice"
        )


@transaction.atomic
def block_year_create(
    *,
    actor: Any,
    block: Block,
    year: int,
    deadlines: Mapping[str, dt.date] | None = None,
    copy_members: bool = True,
) -> BlockYear:
    """Open `year` for `block`, copying last year's members (in rotation order) unless told not to."""
    require_perm(actor, "organizations.add_blockyear", block)
    return _create_block_year(actor=actor, block=block, year=year, deadlines=deadlines, copy_members=copy_members)


def _create_block_year(
    *, actor: Any, block: Block, year: int, deadlines: Mapping[str, dt.date] | None, copy_members: bool
) -> BlockYear:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationFailed(_("Enter a year between 2000 and 2100."), code="invalid", field="year")
    if BlockYear.objects.filter(block=block, year=year).exists():
        raise ValidationFailed(
            _("%(block)s already has a block-year %(year)s.") % {"block": block, "year": year},
            code="duplicate",
            field="year",
        )
    _check_deadlines(deadlines or {}, year)
    block_year = BlockYear.objects.create(block=block, year=year)
    PhaseDeadline.objects.bulk_create(
        PhaseDeadline(block_year=block_year, phase=phase, due_date=due) for phase, due in (deadlines or {}).items()
    )
    copied: list[int] = []
    previous = BlockYear.objects.filter(block=block, year=year - 1).first()
    if copy_members and previous is not None:
        for membership in previous.memberships.select_related("unit"):
            if membership.unit.status == UnitStatus.ACTIVE:
                _add_member(block_year, membership.unit, membership.rotation_position)
                copied.append(membership.unit_id)
    audit_record(
        actor=actor,
        action="block_year.create",
        obj=block_year,
        changes={
            "block": block.pk,
            "year": year,
            "deadlines": {k: str(v) for k, v in (deadlines or {}).items()},
            "members": copied,
        },
    )
    return block_year


@transaction.atomic
def block_year_set_deadlines(*, actor: Any, block_year: BlockYear, deadlines: Mapping[str, dt.date]) -> BlockYear:
    """Replace the phase deadlines of a block-year."""
    require_perm(actor, "organizations.change_blockyear", block_year)
    _check_deadlines(deadlines, block_year.year)
    before = {d.phase: str(d.due_date) for d in block_year.deadlines.all()}
    block_year.deadlines.all().delete()
    PhaseDeadline.objects.bulk_create(
        PhaseDeadline(block_year=block_year, phase=p, due_date=d) for p, d in deadlines.items()
    )
    audit_record(
        actor=actor,
        action="block_year.set_deadlines",
        obj=block_year,
        changes={"deadlines": [before, {k: str(v) for k, v in deadlines.items()}]},
    )
    return block_year


def _add_member(block_year: BlockYear, unit: Unit, position: int | None) -> BlockMembership:
    other = (
        BlockMembership.objects.filter(unit=unit, year=block_year.year, block_kind=block_year.block.kind)
        .select_related("block_year__block")
        .first()
    )
    if other is not None:
        if other.block_year_id == block_year.pk:
            raise ValidationFailed(
                _("%(unit)s is already a member of this block in %(year)s.") % {"unit": unit, "year": block_year.year},
                code="already_member",
                field="unit",
            )
        raise ValidationFailed(
            _("%(unit)s is already a member of %(block)s in %(year)s; a unit belongs to at most one %(kind)s a year.")
            % {
                "unit": unit,
                "block": other.block_year.block,
                "year": block_year.year,
                "kind": block_year.block.get_kind_display().lower(),
            },
            code="unit_in_other_block",
            field="unit",
        )
    if position is None:
        position = (block_year.memberships.aggregate(m=Max("rotation_position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            return BlockMembership.objects.create(
                block_year=block_year,
                unit=unit,
                year=block_year.year,
                block_kind=block_year.block.kind,
                rotation_position=position,
            )
    except IntegrityError as exc:  # lost a race with a concurrent add of the same unit
        raise ValidationFailed(
            _("%(unit)s is already a member of a block of this kind in %(year)s.")
            % {"unit": unit, "year": block_year.year},
            code="unit_in_other_block",
            field="unit",
        ) from exc


@transaction.atomic
def block_member_add(
    *, actor: Any, block_year: BlockYear, unit: Unit, rotation_position: int | None = None
) -> BlockMembership:
    """Add `unit` to the block in that year (at most one block of a kind per unit and year)."""
    require_perm(actor, "organizations.manage_members", block_year)
    if unit.status != UnitStatus.ACTIVE:
        raise ValidationFailed(_("%(unit)s is not active.") % {"unit": unit}, code="unit_inactive", field="unit")
    if block_year.phase == "closed":
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")
    membership = _add_member(block_year, unit, rotation_position)
    audit_record(actor=actor, action="block_year.member_add", obj=block_year, changes={"unit": [None, unit.pk]})
    return membership


@transaction.atomic
def block_member_remove(*, actor: Any, block_year: BlockYear, unit: Unit) -> None:
    require_perm(actor, "organizations.manage_members", block_year)
    if block_year.phase == "closed":
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")
    if block_year.leadership.filter(unit=unit).exists():
        raise ValidationFailed(
            _("%(unit)s is in the block's leadership; change the leadership first.") % {"unit": unit},
            code="member_in_leadership",
            field="unit",
        )
    deleted, _detail = block_year.memberships.filter(unit=unit).delete()
    if not deleted:
        raise ValidationFailed(
            _("%(unit)s is not a member of this block-year.") % {"unit": unit}, code="not_member", field="unit"
        )
    audit_record(actor=actor, action="block_year.member_remove", obj=block_year, changes={"unit": [unit.pk, None]})


@transaction.atomic
def block_year_set_leadership(
    *,
    actor: Any,
    block_year: BlockYear,
    head: Unit,
    deputies: Sequence[Unit],
    representatives: Mapping[int, tuple[Person | None, str]] | None = None,
) -> list[BlockLeadership]:
    """Replace the head and deputy units; each must be a member, and no unit may hold two seats.

    `representatives` maps a unit id to (person, title); the person must currently work there.
    """
    require_perm(actor, "organizations.set_leadership", block_year)
    return _set_leadership(
        actor=actor, block_year=block_year, head=head, deputies=deputies, representatives=representatives
    )


def _set_leadership(
    *,
    actor: Any,
    block_year: BlockYear,
    head: Unit,
    deputies: Sequence[Unit],
    representatives: Mapping[int, tuple[Person | None, str]] | None = None,
    action: str = "block_year.set_leadership",
    extra: Mapping[str, Any] | None = None,
) -> list[BlockLeadership]:
    if block_year.phase == "closed":
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")
    if not deputies:
        raise ValidationFailed(_("Choose at least one deputy unit."), code="required", field="deputies")
    seats = [head, *deputies]
    if len({unit.pk for unit in seats}) != len(seats):
        raise ValidationFailed(
            _("A unit cannot hold two seats in the leadership."), code="duplicate_seat", field="deputies"
        )
    member_ids = set(block_year.memberships.values_list("unit_id", flat=True))
    for field_name, unit in [("head", head)] + [("deputies", d) for d in deputies]:
        if unit.pk not in member_ids:
            raise ValidationFailed(
                _("%(unit)s is not a member of this block in %(year)s.") % {"unit": unit, "year": block_year.year},
                code="not_member",
                field=field_name,
            )
    representatives = representatives or {}
    for unit_id, (person, _title) in representatives.items():
        if person is not None and not person.memberships.filter(unit_id=unit_id, end_date__isnull=True).exists():
            raise ValidationFailed(
                _("%(person)s does not work in that unit now.") % {"person": person},
                code="representative_not_staff",
                field="representatives",
            )
    before = [(row.role, row.unit_id) for row in block_year.leadership.all()]
    block_year.leadership.all().delete()
    rows = []
    for position, unit in enumerate(seats):
        person, title = representatives.get(unit.pk, (None, ""))
        rows.append(
            BlockLeadership(
                block_year=block_year,
                unit=unit,
                role=LeadershipRole.HEAD if position == 0 else LeadershipRole.DEPUTY,
                position=position,
                representative=person,
                representative_title=(title or "")[:200],
            )
        )
    BlockLeadership.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action=action,
        obj=block_year,
        changes={"leadership": [before, [(row.role, row.unit.pk) for row in rows]], **(extra or {})},
    )
    return rows


@transaction.atomic
def block_year_hand_over(
    *, actor: Any, block_year: BlockYear, head: Unit, deputies: Sequence[Unit], source: str
) -> BlockYear:
    """Give next year's seats to the units the members chose (at the year-end conference); returns year+1.

    Opens year+1 with the same members when it does not exist yet. The authority is the block's own
    decision, so the current block head may do it (unlike setting a leadership by hand, which is the
    organising body's). `source` says where the choice was made (e.g. the conference), for the audit trail.
    """
    require_perm(actor, "organizations.hand_over", block_year)
    next_year = BlockYear.objects.filter(block=block_year.block, year=block_year.year + 1).first()
    if next_year is None:
        next_year = _create_block_year(
            actor=actor, block=block_year.block, year=block_year.year + 1, deadlines=None, copy_members=True
        )
    _set_leadership(
        actor=actor,
        block_year=next_year,
        head=head,
        deputies=deputies,
        action="block_year.hand_over",
        extra={"from_block_year": block_year.pk, "source": source},
    )
    return next_year


@transaction.atomic
def block_year_create_next(*, actor: Any, block_year: BlockYear) -> BlockYear:
    """Open year+1 with the same members and the leadership proposed by the block's rotation rule."""
    next_year = block_year_create(actor=actor, block=block_year.block, year=block_year.year + 1, copy_members=True)
    members = list(next_year.memberships.values_list("unit_id", flat=True))
    head = block_year.leadership.filter(role=LeadershipRole.HEAD).values_list("unit_id", flat=True).first()
    deputies = list(
        block_year.leadership.filter(role=LeadershipRole.DEPUTY).order_by("position").values_list("unit_id", flat=True)
    )
    proposal = propose_rotation(
        rule=block_year.block.rotation_rule,
        members=members,
        head=head,
        deputies=deputies,
        deputy_count=block_year.block.deputy_count,
    )
    if proposal.head is not None and proposal.deputies and actor.has_perm("organizations.set_leadership", next_year):
        units = Unit.objects.in_bulk([proposal.head, *proposal.deputies])
        block_year_set_leadership(
            actor=actor,
            block_year=next_year,
            head=units[proposal.head],
            deputies=[units[d] for d in proposal.deputies],
        )
    return next_year
