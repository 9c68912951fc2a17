"""Services of disciplinary holds: record that a unit or person is under disciplinary review, investigation or
inspection (ND152: no award meanwhile), and lift it when the review ends.

A hold in force blocks the creation of a proposal, each forward move and the decision (services/proposals.py), and
the eligibility report shows it (selectors_eligibility). Only officers over the subject's unit record and lift
holds (awards.manage_hold); every write is audited.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.awards.models import DisciplinaryHold
from thidua.core.exceptions import Conflict, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import Person, Unit
from thidua.organizations.services._common import clean_text, snapshot

HOLD_FIELDS = ["unit", "person", "started_on", "ended_on", "reason"]


def _check_date(value: Any, *, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationFailed(_("Enter a valid date."), code="invalid_date", field=field)
    return value


@transaction.atomic
def hold_place(
    *, actor: Any, unit: Unit | None = None, person: Person | None = None, started_on: dt.date, reason: str
) -> DisciplinaryHold:
    """Record a hold on exactly one of `unit` or `person` from `started_on`."""
    if (unit is None) == (person is None):
        require_perm(actor, "awards.manage_hold", unit or person)
        raise ValidationFailed(
            _("Choose either the unit or the person under review."), code="subject_required", field="unit"
        )
    subject: Unit | Person = unit if unit is not None else person  # type: ignore[assignment]
    require_perm(actor, "awards.manage_hold", subject)
    reason = clean_text(reason, field="reason", max_length=2000, required=False)
    if not reason:
        raise ValidationFailed(_("Give the reason for the hold."), code="reason_required", field="reason")
    started_on = _check_date(started_on, field="started_on")
    hold = DisciplinaryHold.objects.create(
        unit=unit,
        person=person,
        started_on=started_on,
        reason=reason,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="hold.place", obj=hold, changes=model_changes({}, snapshot(hold, HOLD_FIELDS)))
    return hold


@transaction.atomic
def hold_lift(*, actor: Any, hold: DisciplinaryHold, ended_on: dt.date) -> DisciplinaryHold:
    """End a hold on `ended_on` (the last day it is in force)."""
    require_perm(actor, "awards.manage_hold", hold.person if hold.person_id is not None else hold.unit)
    hold = DisciplinaryHold.objects.select_for_update(of=("self",)).select_related("unit", "person").get(pk=hold.pk)
    if hold.ended_on is not None:
        raise Conflict(_("This hold has already been lifted."), code="already_lifted")
    ended_on = _check_date(ended_on, field="ended_on")
    if ended_on < hold.started_on:
        raise ValidationFailed(_("A hold cannot end before it started."), code="invalid_date", field="ended_on")
    before = snapshot(hold, HOLD_FIELDS)
    hold.ended_on = ended_on
    hold.save(update_fields=["ended_on", "updated_at"])
    audit_record(actor=actor, action="hold.lift", obj=hold, changes=model_changes(before, snapshot(hold, HOLD_FIELDS)))
    return hold
