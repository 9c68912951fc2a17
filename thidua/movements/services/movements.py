"""Services for the themed movements of a block-year: create, edit, join and leave, link scoring criteria."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key
from thidua.movements.models import Movement, MovementParticipant, Theme
from thidua.movements.services._common import (
    MAX_TEXT,
    check_date,
    check_in_year,
    check_members,
    check_open,
    ids,
    require_any,
)
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.services._common import check_choice, check_period, clean_text, snapshot

MOVEMENT_FIELDS = ["title", "theme", "goals", "start_date", "end_date"]


def _check_dates(block_year: BlockYear, start_date: Any, end_date: Any) -> None:
    check_date(start_date, field="start_date")
    check_date(end_date, field="end_date")
    check_in_year(start_date, block_year, field="start_date")
    check_in_year(end_date, block_year, field="end_date")
    check_period(start_date, end_date, field="end_date")


def _check_criteria(block_year: BlockYear, items: Sequence[Any]) -> None:
    """Only lines of the block-year's own scoring table may be linked."""
    from thidua.scoring.models import CriteriaSet

    own_set = CriteriaSet.objects.filter(block_year=block_year).values_list("pk", flat=True).first()
    for item in items:
        if item.criteria_set_id != own_set:
            raise ValidationFailed(
                _("The criterion “%(item)s” is not in this block-year's scoring table.") % {"item": item},
                code="criteria_other_year",
                field="criteria",
            )


def _joined_on(value: dt.date | None, block_year: BlockYear) -> dt.date:
    day = check_date(value, field="joined_on", required=False) or timezone.localdate()
    check_in_year(day, block_year, field="joined_on")
    return day


def _refresh_key(movement: Movement) -> None:
    movement.search_key = search_key(movement.title, movement.goals)


@transaction.atomic
def movement_create(
    *,
    actor: Any,
    block_year: BlockYear,
    title: str,
    start_date: dt.date,
    end_date: dt.date,
    theme: str = Theme.OTHER,
    goals: str = "",
    participants: Sequence[Unit] = (),
    criteria: Sequence[Any] = (),
    joined_on: dt.date | None = None,
) -> Movement:
    """Launch a movement in the block-year; `participants` (member units) join it on `joined_on` (today)."""
    require_perm(actor, "movements.add_movement", block_year)
    check_open(block_year)
    movement = Movement(
        block_year=block_year,
        title=clean_text(title, field="title", max_length=255, required=True),
        theme=check_choice(theme, Theme, field="theme"),
        goals=clean_text(goals, field="goals", max_length=MAX_TEXT),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    _check_dates(block_year, start_date, end_date)
    participants = list(dict.fromkeys(participants))
    check_members(block_year, participants, field="participants")
    _check_criteria(block_year, criteria)
    day = _joined_on(joined_on, block_year)
    _refresh_key(movement)
    movement.save()
    MovementParticipant.objects.bulk_create(
        MovementParticipant(movement=movement, unit=unit, joined_on=day) for unit in participants
    )
    movement.criteria.set(criteria)
    changes = model_changes({}, snapshot(movement, MOVEMENT_FIELDS))
    changes["block_year"] = [None, block_year.pk]
    changes["participants"] = [[], ids(participants)]
    changes["criteria"] = [[], ids(criteria)]
    audit_record(actor=actor, action="movement.create", obj=movement, changes=changes)
    return movement


def _set_participants(movement: Movement, units: Sequence[Unit], day: dt.date) -> tuple[list[int], list[int]]:
    """Replace the participations; newcomers join on `day`, the others keep their date. (before, after) ids."""
    before = sorted(movement.participations.values_list("unit_id", flat=True))
    wanted = {unit.pk for unit in units}
    movement.participations.exclude(unit_id__in=wanted).delete()
    MovementParticipant.objects.bulk_create(
        MovementParticipant(movement=movement, unit=unit, joined_on=day) for unit in units if unit.pk not in before
    )
    return before, sorted(wanted)


@transaction.atomic
def movement_update(*, actor: Any, movement: Movement, **changes: Any) -> Movement:
    """Change the title, theme, goals or dates of a movement, and its participants when given."""
    require_perm(actor, "movements.change_movement", movement)
    check_open(movement.block_year)
    unknown = set(changes) - {*MOVEMENT_FIELDS, "participants"}
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    participants = changes.pop("participants", None)
    if participants is not None:
        participants = list(dict.fromkeys(participants))
        check_members(movement.block_year, participants, field="participants")
    before = snapshot(movement, MOVEMENT_FIELDS)
    for name, value in changes.items():
        if name == "title":
            value = clean_text(value, field=name, max_length=255, required=True)
        elif name == "goals":
            value = clean_text(value, field=name, max_length=MAX_TEXT)
        elif name == "theme":
            check_choice(value, Theme, field=name)
        setattr(movement, name, value)
    _check_dates(movement.block_year, movement.start_date, movement.end_date)
    day = _joined_on(None, movement.block_year) if participants is not None else None
    _refresh_key(movement)
    movement.save()
    diff = model_changes(before, snapshot(movement, MOVEMENT_FIELDS))
    if participants is not None and day is not None:
        old_ids, new_ids = _set_participants(movement, participants, day)
        if old_ids != new_ids:
            diff["participants"] = [old_ids, new_ids]
    if diff:
        audit_record(actor=actor, action="movement.update", obj=movement, changes=diff)
    return movement


@transaction.atomic
def movement_delete(*, actor: Any, movement: Movement) -> None:
    """Delete a movement; its activities and practices stay, unlinked."""
    require_perm(actor, "movements.delete_movement", movement)
    check_open(movement.block_year)
    audit_record(
        actor=actor,
        action="movement.delete",
        obj=movement,
        changes={
            **model_changes(snapshot(movement, MOVEMENT_FIELDS), dict.fromkeys(MOVEMENT_FIELDS)),
            "participants": [ids(movement.participants.all()), []],
        },
    )
    movement.delete()


@transaction.atomic
def movement_join(
    *, actor: Any, movement: Movement, unit: Unit, joined_on: dt.date | None = None
) -> MovementParticipant:
    """A member unit joins a movement (its head or clerk, or the movement's managers, may do it)."""
    require_any(actor, ("movements.change_movement", movement), ("movements.represent_unit", unit))
    check_open(movement.block_year)
    check_members(movement.block_year, [unit], field="unit")
    day = _joined_on(joined_on, movement.block_year)
    if movement.participations.filter(unit=unit).exists():
        raise ValidationFailed(
            _("%(unit)s already takes part in this movement.") % {"unit": unit}, code="already_joined", field="unit"
        )
    try:
        with transaction.atomic():
            participation = MovementParticipant.objects.create(movement=movement, unit=unit, joined_on=day)
    except IntegrityError as exc:  # lost a race with a concurrent join
        raise ValidationFailed(
            _("%(unit)s already takes part in this movement.") % {"unit": unit}, code="already_joined", field="unit"
        ) from exc
    audit_record(
        actor=actor, action="movement.join", obj=movement, changes={"unit": [None, unit.pk], "joined_on": str(day)}
    )
    return participation


@transaction.atomic
def movement_leave(*, actor: Any, movement: Movement, unit: Unit) -> None:
    require_any(actor, ("movements.change_movement", movement), ("movements.represent_unit", unit))
    check_open(movement.block_year)
    deleted, _detail = movement.participations.filter(unit=unit).delete()
    if not deleted:
        raise ValidationFailed(
            _("%(unit)s does not take part in this movement.") % {"unit": unit}, code="not_participant", field="unit"
        )
    audit_record(actor=actor, action="movement.leave", obj=movement, changes={"unit": [unit.pk, None]})


@transaction.atomic
def movement_set_participants(
    *, actor: Any, movement: Movement, units: Sequence[Unit], joined_on: dt.date | None = None
) -> Movement:
    """Replace the participating units; newcomers join on `joined_on` (today), the others keep their date."""
    require_perm(actor, "movements.change_movement", movement)
    check_open(movement.block_year)
    units = list(dict.fromkeys(units))
    check_members(movement.block_year, units, field="participants")
    day = _joined_on(joined_on, movement.block_year)
    before, after = _set_participants(movement, units, day)
    if before != after:
        audit_record(
            actor=actor, action="movement.set_participants", obj=movement, changes={"participants": [before, after]}
        )
    return movement


@transaction.atomic
def movement_set_criteria(*, actor: Any, movement: Movement, items: Sequence[Any]) -> Movement:
    """Link the movement to lines of the block-year's scoring table (replacing the previous links)."""
    require_perm(actor, "movements.change_movement", movement)
    check_open(movement.block_year)
    items = list(dict.fromkeys(items))
    _check_criteria(movement.block_year, items)
    before = sorted(movement.criteria.values_list("pk", flat=True))
    movement.criteria.set(items)
    after = ids(items)
    if before != after:
        audit_record(actor=actor, action="movement.set_criteria", obj=movement, changes={"criteria": [before, after]})
    return movement
