"""Services for the good-practice library: draft, publish, withdraw, comment, adopt, attach files.

A practice belongs to a member unit of a block-year and is written by that unit's staff. Once
published, every signed-in user can read it, comment on it, and record that their own unit adopted
it; the library spans all block-years. The search key is rebuilt on every save so that searches
ignore tone marks and đ/Đ.
"""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import Conflict, NotFound, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key
from thidua.movements.models import (
    Movement,
    Practice,
    PracticeAdoption,
    PracticeComment,
    PracticeStatus,
    Theme,
)
from thidua.movements.services._common import (
    MAX_TEXT,
    check_date,
    check_members,
    check_movement_year,
    check_open,
)
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.services._common import check_choice, clean_text, snapshot

PRACTICE_FIELDS = ["title", "theme", "movement", "problem", "approach", "results", "contact"]
MAX_COMMENT = 5000


def _refresh_key(practice: Practice) -> None:
    practice.search_key = search_key(
        practice.title,
        practice.problem,
        practice.approach,
        practice.results,
        practice.contact,
        practice.unit.name,
        practice.unit.short_name,
        practice.movement.title if practice.movement else "",
    )


def _clean(practice: Practice) -> None:
    practice.title = clean_text(practice.title, field="title", max_length=255, required=True)
    check_choice(practice.theme, Theme, field="theme")
    for name in ("problem", "approach", "results"):
        setattr(practice, name, clean_text(getattr(practice, name), field=name, max_length=MAX_TEXT))
    practice.contact = clean_text(practice.contact, field="contact", max_length=500)
    check_movement_year(practice.movement, practice.block_year)


def _locked_practice(practice: Practice) -> Practice:
    """The practice re-read under a row lock, so that two state changes cannot interleave."""
    return (
        Practice.objects.select_for_update(of=("self",))
        .select_related("unit", "block_year__block__owner", "movement")
        .get(pk=practice.pk)
    )


@transaction.atomic
def practice_create(
    *,
    actor: Any,
    block_year: BlockYear,
    unit: Unit,
    title: str,
    theme: str | None = None,
    movement: Movement | None = None,
    problem: str = "",
    approach: str = "",
    results: str = "",
    contact: str = "",
) -> Practice:
    """Draft a practice of a member unit; the theme defaults to the linked movement's."""
    require_perm(actor, "movements.add_practice", unit)
    check_open(block_year)
    check_members(block_year, [unit], field="unit")
    practice = Practice(
        block_year=block_year,
        unit=unit,
        title=title,
        theme=theme or (movement.theme if movement is not None else Theme.OTHER),
        movement=movement,
        problem=problem or "",
        approach=approach or "",
        results=results or "",
        contact=contact or "",
        status=PracticeStatus.DRAFT,
        created_by=actor,
    )
    _clean(practice)
    _refresh_key(practice)
    practice.save()
    changes = model_changes({}, snapshot(practice, PRACTICE_FIELDS))
    changes["block_year"] = [None, block_year.pk]
    changes["unit"] = [None, unit.pk]
    audit_record(actor=actor, action="practice.create", obj=practice, changes=changes)
    return practice


@transaction.atomic
def practice_update(*, actor: Any, practice: Practice, **changes: Any) -> Practice:
    """Edit a draft or published practice (a withdrawn one is frozen)."""
    require_perm(actor, "movements.change_practice", practice)
    if practice.status == PracticeStatus.WITHDRAWN:
        raise Conflict(_("A withdrawn practice cannot be changed."), code="practice_withdrawn")
    unknown = set(changes) - set(PRACTICE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(field)s") % {"field": ", ".join(sorted(unknown))},
            code="unknown_field",
        )
    before = snapshot(practice, PRACTICE_FIELDS)
    for name, value in changes.items():
        if name in ("problem", "approach", "results", "contact") and value is None:
            value = ""
        setattr(practice, name, value)
    _clean(practice)
    _refresh_key(practice)
    practice.save()
    diff = model_changes(before, snapshot(practice, PRACTICE_FIELDS))
    if diff:
        audit_record(actor=actor, action="practice.update", obj=practice, changes=diff)
    return practice


@transaction.atomic
def practice_publish(*, actor: Any, practice: Practice, published_at: dt.datetime | None = None) -> Practice:
    """Publish a draft to the library. `published_at` (not in the future) records an earlier publication."""
    practice = _locked_practice(practice)
    require_perm(actor, "movements.publish_practice", practice)
    if practice.status != PracticeStatus.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="not_draft")
    now = timezone.now()
    if published_at is not None and (not isinstance(published_at, dt.datetime) or published_at > now):
        raise ValidationFailed(_("The publication time cannot be in the future."), code="invalid", field="published_at")
    missing = [name for name in ("problem", "approach", "results") if not getattr(practice, name)]
    if missing:
        raise ValidationFailed(
            _("Describe the problem, the approach and the results before publishing."),
            code="incomplete",
            field=missing[0],
        )
    practice.status = PracticeStatus.PUBLISHED
    practice.published_at = published_at or now
    practice.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="practice.publish",
        obj=practice,
        changes={
            "status": [PracticeStatus.DRAFT, PracticeStatus.PUBLISHED],
            "published_at": str(practice.published_at),
        },
    )
    return practice


@transaction.atomic
def practice_withdraw(*, actor: Any, practice: Practice, reason: str = "") -> Practice:
    """Take a published practice out of the library (its comments and adoptions stay on record)."""
    practice = _locked_practice(practice)
    require_perm(actor, "movements.withdraw_practice", practice)
    if practice.status != PracticeStatus.PUBLISHED:
        raise Conflict(_("Only a published practice can be withdrawn."), code="not_published")
    reason = clean_text(reason, field="reason", max_length=2000)
    practice.status = PracticeStatus.WITHDRAWN
    practice.withdrawn_at = timezone.now()
    practice.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit_record(
        actor=actor,
        action="practice.withdraw",
        obj=practice,
        changes={"status": [PracticeStatus.PUBLISHED, PracticeStatus.WITHDRAWN], "reason": reason},
    )
    return practice


@transaction.atomic
def practice_delete(*, actor: Any, practice: Practice) -> None:
    """Delete a draft (published practices are withdrawn instead, so the library's history stays)."""
    require_perm(actor, "movements.delete_practice", practice)
    if practice.status != PracticeStatus.DRAFT:
        raise Conflict(_("Only a draft can be deleted; withdraw a published practice."), code="not_draft")
    for attachment in attachments_of(practice):
        attachment_remove(actor=actor, attachment=attachment)
    audit_record(
        actor=actor,
        action="practice.delete",
        obj=practice,
        changes=model_changes(snapshot(practice, PRACTICE_FIELDS), dict.fromkeys(PRACTICE_FIELDS)),
    )
    practice.delete()


@transaction.atomic
def practice_attach(*, actor: Any, practice: Practice, upload: UploadedFile) -> Attachment:
    require_perm(actor, "movements.change_practice", practice)
    if practice.status == PracticeStatus.WITHDRAWN:
        raise Conflict(_("A withdrawn practice cannot be changed."), code="practice_withdrawn")
    return attachment_add(actor=actor, owner=practice, upload=upload)


@transaction.atomic
def practice_detach(*, actor: Any, practice: Practice, attachment: Attachment) -> None:
    require_perm(actor, "movements.change_practice", practice)
    if not attachments_of(practice).filter(pk=attachment.pk).exists():
        raise NotFound()
    attachment_remove(actor=actor, attachment=attachment)


@transaction.atomic
def practice_comment_add(*, actor: Any, practice: Practice, text: str) -> PracticeComment:
    """Comment on a published practice."""
    require_perm(actor, "movements.comment_practice", practice)
    if practice.status != PracticeStatus.PUBLISHED:
        raise Conflict(_("Only a published practice can be commented on."), code="not_published")
    comment = PracticeComment.objects.create(
        practice=practice, author=actor, text=clean_text(text, field="text", max_length=MAX_COMMENT, required=True)
    )
    audit_record(
        actor=actor, action="practice.comment", obj=practice, changes={"comment": comment.pk, "text": comment.text}
    )
    return comment


@transaction.atomic
def practice_comment_delete(*, actor: Any, comment: PracticeComment) -> None:
    """The author (or an administrator) deletes a comment."""
    require_perm(actor, "movements.delete_comment", comment)
    audit_record(
        actor=actor,
        action="practice.comment_delete",
        obj=comment.practice,
        changes={"comment": comment.pk, "text": [comment.text, None], "author": comment.author_id},
    )
    comment.delete()


@transaction.atomic
def practice_adopt(
    *, actor: Any, practice: Practice, unit: Unit, note: str = "", adopted_on: dt.date | None = None
) -> PracticeAdoption:
    """Record that `unit` took up a published practice of another unit, on `adopted_on` (today)."""
    require_perm(actor, "movements.view_practice", practice)
    require_perm(actor, "movements.represent_unit", unit)
    if practice.status != PracticeStatus.PUBLISHED:
        raise Conflict(_("Only a published practice can be adopted."), code="not_published")
    if unit.pk == practice.unit_id:
        raise ValidationFailed(_("A unit cannot adopt its own practice."), code="own_practice", field="unit")
    today = timezone.localdate()
    day = check_date(adopted_on, field="adopted_on", required=False) or today
    if day > today:
        raise ValidationFailed(_("The date cannot be in the future."), code="date_in_future", field="adopted_on")
    published_on = timezone.localdate(practice.published_at) if practice.published_at else today
    if day < published_on:
        raise ValidationFailed(
            _("The practice was published on %(date)s; it cannot be adopted earlier.")
            % {"date": published_on.strftime("%d/%m/%Y")},
            code="before_published",
            field="adopted_on",
        )
    duplicate = ValidationFailed(
        _("%(unit)s has already adopted this practice.") % {"unit": unit}, code="already_adopted", field="unit"
    )
    if practice.adoptions.filter(unit=unit).exists():
        raise duplicate
    try:
        with transaction.atomic():
            adoption = PracticeAdoption.objects.create(
                practice=practice,
                unit=unit,
                note=clean_text(note, field="note", max_length=MAX_TEXT),
                adopted_on=day,
                recorded_by=actor,
            )
    except IntegrityError as exc:  # lost a race with a concurrent adoption by the same unit
        raise duplicate from exc
    audit_record(
        actor=actor,
        action="practice.adopt",
        obj=practice,
        changes={"unit": [None, unit.pk], "adopted_on": str(day), "adoption": adoption.pk},
    )
    return adoption


@transaction.atomic
def practice_adoption_remove(*, actor: Any, adoption: PracticeAdoption) -> None:
    require_perm(actor, "movements.delete_adoption", adoption)
    audit_record(
        actor=actor,
        action="practice.adoption_remove",
        obj=adoption.practice,
        changes={"unit": [adoption.unit_id, None], "adoption": adoption.pk},
    )
    adoption.delete()
