"""Services for activities and events: create, edit, delete, and attach photos or minutes as evidence.

An activity is organised by a member unit. Its head or clerk (or an officer over it) may record it;
the block's leaders and officers may record an activity for any member unit.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import NotFound, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.movements.models import Activity, ActivityKind, Movement
from thidua.movements.services._common import (
    MAX_TEXT,
    check_count,
    check_date,
    check_in_year,
    check_members,
    check_movement_year,
    check_open,
    ids,
    require_any,
)
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.services._common import check_choice, check_period, clean_text, snapshot

ACTIVITY_FIELDS = [
    "kind",
    "title",
    "description",
    "date",
    "end_date",
    "place",
    "organiser",
    "movement",
    "attendee_count",
]
EDITABLE = {*ACTIVITY_FIELDS, "participants"}


def _require_organiser(actor: Any, block_year: BlockYear, organiser: Unit) -> None:
    """Leaders and officers record activities of any member; a unit's staff only those their unit organises."""
    require_any(actor, ("movements.manage_movements", block_year), ("movements.represent_unit", organiser))


def _validate(activity: Activity, participants: Sequence[Unit]) -> None:
    block_year = activity.block_year
    check_choice(activity.kind, ActivityKind, field="kind")
    activity.title = clean_text(activity.title, field="title", max_length=255, required=True)
    activity.description = clean_text(activity.description, field="description", max_length=MAX_TEXT)
    activity.place = clean_text(activity.place, field="place", max_length=255)
    check_date(activity.date, field="date")
    check_date(activity.end_date, field="end_date", required=False)
    check_in_year(activity.date, block_year, field="date")
    check_in_year(activity.end_date, block_year, field="end_date")
    check_period(activity.date, activity.end_date, field="end_date")
    check_members(block_year, [activity.organiser], field="organiser")
    check_members(block_year, participants, field="participants")
    check_movement_year(activity.movement, block_year)
    check_count(activity.attendee_count, field="attendee_count")


def _record(activity: Activity) -> dict[str, Any]:
    return snapshot(activity, ACTIVITY_FIELDS) | {"participants": ids(activity.participants.all())}


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    block_year: BlockYear,
    organiser: Unit,
    title: str,
    date: dt.date,
    kind: str = ActivityKind.OTHER,
    end_date: dt.date | None = None,
    description: str = "",
    place: str = "",
    movement: Movement | None = None,
    participants: Sequence[Unit] = (),
    attendee_count: int = 0,
) -> Activity:
    """Record an activity organised by a member unit, optionally under one of the block-year's movements."""
    require_perm(actor, "movements.add_activity", block_year)
    _require_organiser(actor, block_year, organiser)
    check_open(block_year)
    activity = Activity(
        block_year=block_year,
        organiser=organiser,
        kind=kind,
        title=title,
        description=description or "",
        date=date,
        end_date=end_date,
        place=place or "",
        movement=movement,
        attendee_count=attendee_count,
        created_by=actor,
    )
    participants = list(dict.fromkeys(participants))
    _validate(activity, participants)
    activity.save()
    activity.participants.set(participants)
    changes = model_changes({}, _record(activity))
    changes["block_year"] = [None, block_year.pk]
    audit_record(actor=actor, action="activity.create", obj=activity, changes=changes)
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, **changes: Any) -> Activity:
    """Change an activity; moving it to another organiser needs the right to act for that unit too."""
    require_perm(actor, "movements.change_activity", activity)
    if "organiser" in changes and changes["organiser"] != activity.organiser:
        _require_organiser(actor, activity.block_year, changes["organiser"])
    check_open(activity.block_year)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    before = _record(activity)
    participants = changes.pop("participants", None)
    for name, value in changes.items():
        if name in ("description", "place") and value is None:
            value = ""
        setattr(activity, name, value)
    new_participants = list(dict.fromkeys(participants)) if participants is not None else None
    _validate(activity, new_participants or [])
    activity.save()
    if new_participants is not None:
        activity.participants.set(new_participants)
    diff = model_changes(before, _record(activity))
    if diff:
        audit_record(actor=actor, action="activity.update", obj=activity, changes=diff)
    return activity


@transaction.atomic
def activity_delete(*, actor: Any, activity: Activity) -> None:
    """Delete an activity and detach its files."""
    require_perm(actor, "movements.delete_activity", activity)
    check_open(activity.block_year)
    for attachment in attachments_of(activity):
        attachment_remove(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="activity.delete",
        obj=activity,
        changes=model_changes(_record(activity), dict.fromkeys([*ACTIVITY_FIELDS, "participants"])),
    )
    activity.delete()


@transaction.atomic
def activity_attach(*, actor: Any, activity: Activity, upload: UploadedFile) -> Attachment:
    """Attach a photo, the minutes or another file to the activity."""
    require_perm(actor, "movements.change_activity", activity)
    return attachment_add(actor=actor, owner=activity, upload=upload)


@transaction.atomic
def activity_detach(*, actor: Any, activity: Activity, attachment: Attachment) -> None:
    require_perm(actor, "movements.change_activity", activity)
    if not attachments_of(activity).filter(pk=attachment.pk).exists():
        raise NotFound()
    attachment_remove(actor=actor, attachment=attachment)
