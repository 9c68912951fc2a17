"""Services for the mid-year review (sơ kết): the block head's summary, remarks per unit, publication.

A draft review can be rewritten freely; publishing fixes its cut-off date and keeps a snapshot of the
figures as of that date, and from then on the review no longer changes.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import Conflict, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.emulation import selectors
from thidua.emulation.models import MidyearReview, MidyearUnitRemark, ReviewStatus
from thidua.emulation.services._common import (
    MAX_TEXT,
    check_date,
    check_date_between,
    check_not_future,
    check_open,
    member_ids,
)
from thidua.organizations.models import BlockYear
from thidua.organizations.services._common import clean_text


def _check_cutoff(block_year: BlockYear, cutoff: Any) -> dt.date:
    check_date(cutoff, field="cutoff_date")
    return check_date_between(
        cutoff,
        dt.date(block_year.year, 1, 1),
        dt.date(block_year.year, 12, 31),
        field="cutoff_date",
        code="cutoff_out_of_range",
    )


def _snapshot(review: MidyearReview | None) -> dict[str, Any]:
    if review is None or review.pk is None:
        return {}
    return {
        "summary": review.summary,
        "cutoff_date": review.cutoff_date,
        "remarks": {str(r.unit_id): r.remark for r in review.remarks.order_by("unit_id")},
    }


@transaction.atomic
def midyear_review_save(
    *,
    actor: Any,
    block_year: BlockYear,
    summary: str,
    cutoff_date: dt.date,
    remarks: Mapping[int, str] | None = None,
) -> MidyearReview:
    """Create or rewrite the draft review: the written summary, the cut-off date and remarks per member unit id.

    A blank remark removes the unit's remark.
    """
    require_perm(actor, "emulation.manage_midyear", block_year)
    check_open(block_year)
    review = MidyearReview.objects.select_for_update(of=("self",)).filter(block_year=block_year).first()
    if review is not None and review.status == ReviewStatus.PUBLISHED:
        raise Conflict(_("The mid-year review has been published; it can no longer change."), code="review_published")
    summary = clean_text(summary, field="summary", max_length=MAX_TEXT)
    cutoff = _check_cutoff(block_year, cutoff_date)
    members = member_ids(block_year)
    cleaned: dict[int, str] = {}
    for unit_id, text in (remarks or {}).items():
        if unit_id not in members:
            raise ValidationFailed(
                _("Remarks can be made only on member units of the block."), code="not_member", field="remarks"
            )
        cleaned[unit_id] = clean_text(text, field="remarks", max_length=MAX_TEXT)
    created = review is None
    before = _snapshot(review)
    if review is None:
        review = MidyearReview.objects.create(block_year=block_year, summary=summary, cutoff_date=cutoff)
    else:
        review.summary, review.cutoff_date = summary, cutoff
        review.save()
    for unit_id, text in cleaned.items():
        if text:
            MidyearUnitRemark.objects.update_or_create(review=review, unit_id=unit_id, defaults={"remark": text})
        else:
            MidyearUnitRemark.objects.filter(review=review, unit_id=unit_id).delete()
    diff = model_changes(before, _snapshot(review))
    if created or diff:
        action = "midyear_review.create" if created else "midyear_review.update"
        audit_record(actor=actor, action=action, obj=review, changes=diff)
    return review


@transaction.atomic
def midyear_review_publish(
    *, actor: Any, review: MidyearReview, cutoff_date: dt.date | None = None, today: dt.date | None = None
) -> MidyearReview:
    """Publish the review: fix the cut-off (not in the future) and keep the figures as of that date."""
    review = (
        MidyearReview.objects.select_for_update(of=("self",))
        .select_related("block_year__block__owner")
        .get(pk=review.pk)
    )
    block_year = review.block_year
    require_perm(actor, "emulation.manage_midyear", block_year)
    check_open(block_year)
    if review.status == ReviewStatus.PUBLISHED:
        raise Conflict(_("The mid-year review has already been published."), code="review_published")
    if not review.summary.strip():
        raise ValidationFailed(
            _("Write the block's summary before publishing."), code="summary_required", field="summary"
        )
    cutoff = _check_cutoff(block_year, cutoff_date if cutoff_date is not None else review.cutoff_date)
    check_not_future(cutoff, today or timezone.localdate(), field="cutoff_date", code="cutoff_in_future")
    before_cutoff = review.cutoff_date
    review.cutoff_date = cutoff
    review.figures = selectors.midyear_figures(block_year, as_of=cutoff)
    review.status = ReviewStatus.PUBLISHED
    review.published_at = timezone.now()
    review.published_by = actor
    review.save()
    audit_record(
        actor=actor,
        action="midyear_review.publish",
        obj=review,
        changes={
            "status": [ReviewStatus.DRAFT, ReviewStatus.PUBLISHED],
            "cutoff_date": [before_cutoff, cutoff],
            "totals": review.figures["totals"],
        },
    )
    return review
