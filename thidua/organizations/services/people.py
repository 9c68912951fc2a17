"""Services for people (staff) and their membership history in units."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.audit.services import audit_record, model_changes
from thidua.core.exceptions import ValidationFailed
from thidua.core.permissions import require_perm
from thidua.core.vi_text import search_key
from thidua.organizations.models import Person, PersonMembership, Unit
from thidua.organizations.services._common import check_choice, check_period, clean_text, snapshot

PERSON_FIELDS = ["full_name", "gender", "date_of_birth", "email", "phone", "user"]


def _check_gender(value: str) -> str:
    return check_choice(value, Person.Gender, field="gender") if value else ""


def _check_no_overlap(
    person: Person, unit: Unit, start: dt.date, end: dt.date | None, *, exclude_pk: int | None = None
) -> None:
    """A person holds at most one position in the same unit at a time."""
    others = person.memberships.filter(unit=unit)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        other_end = other.end_date or dt.date.max
        if start <= other_end and (end or dt.date.max) >= other.start_date:
            raise ValidationFailed(
                _("%(person)s already has a position in %(unit)s in this period.") % {"person": person, "unit": unit},
                code="membership_overlap",
                field="start_date",
            )


@transaction.atomic
def person_create(
    *,
    actor: Any,
    unit: Unit,
    full_name: str,
    position: str,
    start_date: dt.date,
    gender: str = "",
    date_of_birth: dt.date | None = None,
    email: str = "",
    phone: str = "",
    user: Any = None,
    is_demo: bool = False,
) -> Person:
    """Create a staff member with their current position in `unit`."""
    require_perm(actor, "organizations.add_person", unit)
    person = Person(
        full_name=clean_text(full_name, field="full_name", max_length=200, required=True),
        gender=_check_gender(gender),
        date_of_birth=date_of_birth,
        email=clean_text(email, field="email", max_length=254),
        phone=clean_text(phone, field="phone", max_length=50),
        user=user,
        is_demo=is_demo,
    )
    if date_of_birth is not None and date_of_birth > start_date:
        raise ValidationFailed(
            _("The start date must be after the date of birth."), code="dates_out_of_order", field="start_date"
        )
    person.search_key = search_key(person.full_name, person.email)
    person.save()
    membership = PersonMembership.objects.create(
        person=person,
        unit=unit,
        position=clean_text(position, field="position", max_length=200, required=True),
        start_date=start_date,
    )
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        changes={**model_changes({}, snapshot(person, PERSON_FIELDS)), "membership": [None, membership.pk]},
    )
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    require_perm(actor, "organizations.change_person", person)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown field: %(field)s") % {"field": ", ".join(sorted(unknown))}, code="unknown_field"
        )
    before = snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        if name == "full_name":
            value = clean_text(value, field=name, max_length=200, required=True)
        elif name in {"email", "phone"}:
            value = clean_text(value, field=name, max_length=254 if name == "email" else 50)
        elif name == "gender":
            value = _check_gender(value)
        setattr(person, name, value)
    person.search_key = search_key(person.full_name, person.email)
    person.save()
    diff = model_changes(before, snapshot(person, PERSON_FIELDS))
    if diff:
        audit_record(actor=actor, action="person.update", obj=person, changes=diff)
    return person


@transaction.atomic
def person_membership_add(
    *,
    actor: Any,
    person: Person,
    unit: Unit,
    position: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> PersonMembership:
    """Record a position of `person` in `unit` (a transfer, a second role, or past history)."""
    require_perm(actor, "organizations.add_person", unit)
    check_period(start_date, end_date, field="end_date")
    _check_no_overlap(person, unit, start_date, end_date)
    membership = PersonMembership.objects.create(
        person=person,
        unit=unit,
        position=clean_text(position, field="position", max_length=200, required=True),
        start_date=start_date,
        end_date=end_date,
    )
    audit_record(
        actor=actor,
        action="person.membership_add",
        obj=person,
        changes={
            "unit": [None, unit.pk],
            "position": [None, membership.position],
            "start_date": [None, str(start_date)],
        },
    )
    return membership


@transaction.atomic
def person_membership_end(*, actor: Any, membership: PersonMembership, end_date: dt.date) -> PersonMembership:
    """Close a position (the person left the unit or changed position)."""
    require_perm(actor, "organizations.change_person", membership.person)
    if membership.end_date is not None:
        raise ValidationFailed(_("This position has already ended."), code="already_ended", field="end_date")
    check_period(membership.start_date, end_date, field="end_date")
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "updated_at"])
    audit_record(
        actor=actor,
        action="person.membership_end",
        obj=membership.person,
        changes={"membership": membership.pk, "end_date": [None, str(end_date)]},
    )
    return membership
