"""The delegate roll: who represents each member unit, with what vote weight, and who has checked in.

A delegate needs no user account. Their card carries a QR code with a signed token (Django's signing, so
nothing secret is stored and a card can be printed again); the token names the delegate and the card's
nonce, so `delegate_reissue_card` makes a lost card useless. Scanning the card checks the delegate in
and lets that phone vote for them. The secretary can check people in by hand too.

Weights and guest status cannot change while a poll is open: a ballot's weight is fixed when it is cast
and the base of the count is read at the close, so both must describe the same roll.
"""

from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.roles import Role
from thidua.audit.services import audit_record, model_changes
from thidua.conferences.models import (
    CheckInMethod,
    Conference,
    ConferenceStatus,
    Delegate,
    PollStatus,
    VoterRoll,
)
from thidua.conferences.models.conference import new_nonce
from thidua.core.exceptions import NotFound, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockLeadership, Person, Unit
from thidua.organizations.services._common import clean_text

CARD_SALT = "thidua.conferences.delegate-card"
DELEGATE_FIELDS = ["full_name", "job_title", "organisation", "is_guest", "weight"]
MAX_WEIGHT = 100


def delegate_card_token(delegate: Delegate) -> str:
    """The signed token printed (as a QR code) on the delegate's card."""
    return signing.dumps({"d": delegate.pk, "n": delegate.token_nonce}, salt=CARD_SALT, compress=True)


def delegate_from_card(token: str) -> Delegate:
    """The delegate a card token names; a tampered, foreign or replaced card is refused.

    The delegate row alone (no joins: a cast, the busiest caller, needs only its ids); its conference and unit
    load on first use."""
    try:
        data = signing.loads(token, salt=CARD_SALT)
        delegate = Delegate.objects.get(pk=int(data["d"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Delegate.DoesNotExist) as exc:
        raise NotFound(_("This delegate card is not valid."), code="invalid_card") from exc
    if delegate.token_nonce != data.get("n"):
        raise NotFound(_("This delegate card has been replaced by a new one."), code="card_replaced")
    return delegate


def delegate_for_user(conference: Conference, user: Any) -> Delegate | None:
    """The delegate seat of a signed-in user (through the staff record linked to their account)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return conference.delegates.filter(person__user=user).select_related("unit").first()


def _check_not_closed(conference: Conference) -> None:
    if conference.status == ConferenceStatus.CLOSED:
        raise ValidationFailed(_("The conference is closed."), code="conference_closed")


def _check_no_open_poll(conference: Conference) -> None:
    if conference.polls.filter(status=PollStatus.OPEN).exists():
        raise ValidationFailed(
            _("A poll is open: vote weights and guests cannot change until it closes."), code="poll_open"
        )


def _member_unit_ids(conference: Conference) -> set[int]:
    return set(conference.block_year.memberships.values_list("unit_id", flat=True))


def _check_weight(weight: Any, *, is_guest: bool) -> int:
    if is_guest:
        return 0
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT:
        raise ValidationFailed(
            _("The vote weight must be a whole number between 0 and %(max)s.") % {"max": MAX_WEIGHT},
            code="invalid_weight",
            field="weight",
        )
    return weight


@transaction.atomic
def delegate_add(
    *,
    actor: Any,
    conference: Conference,
    full_name: str = "",
    unit: Unit | None = None,
    person: Person | None = None,
    job_title: str = "",
    organisation: str = "",
    is_guest: bool = False,
    weight: int | None = None,
) -> Delegate:
    """Put a delegate on the roll. A voting delegate represents a member unit; by default the first one of
    a unit carries its vote (weight 1) and further ones attend without a vote (weight 0)."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_not_closed(conference)
    if person is not None:
        full_name = full_name or person.full_name
        if unit is not None and not person.memberships.filter(unit=unit, end_date__isnull=True).exists():
            raise ValidationFailed(
                _("%(person)s does not work in %(unit)s now.") % {"person": person, "unit": unit},
                code="person_not_staff",
                field="person",
            )
        if conference.delegates.filter(person=person).exists():
            raise ValidationFailed(
                _("%(person)s is already on the roll.") % {"person": person}, code="duplicate_delegate", field="person"
            )
    full_name = clean_text(full_name, field="full_name", max_length=200, required=True)
    if not is_guest:
        if unit is None:
            raise ValidationFailed(_("A delegate with a vote represents a member unit."), code="required", field="unit")
        if unit.pk not in _member_unit_ids(conference):
            raise ValidationFailed(
                _("%(unit)s is not a member of this block in %(year)s.")
                % {"unit": unit, "year": conference.block_year.year},
                code="not_member",
                field="unit",
            )
        if weight is None:
            weight = 0 if conference.delegates.filter(unit=unit, weight__gt=0).exists() else 1
        _check_no_open_poll(conference)
    weight = _check_weight(weight, is_guest=is_guest)
    delegate = Delegate.objects.create(
        conference=conference,
        unit=unit,
        person=person,
        full_name=full_name,
        job_title=clean_text(job_title, field="job_title", max_length=200),
        organisation=clean_text(organisation, field="organisation", max_length=255),
        is_guest=is_guest,
        weight=weight,
    )
    audit_record(
        actor=actor,
        action="delegate.add",
        obj=delegate,
        changes={
            "conference": conference.pk,
            "unit": unit.pk if unit else None,
            "person": person.pk if person else None,
            "is_guest": is_guest,
            "weight": weight,
        },
    )
    return delegate


# Titles of a unit's head ("Giám đốc", "Trưởng ban", "Chánh Văn phòng", "Thủ trưởng"), not of a deputy ("Phó …").
HEAD_TITLE_PATTERN = r"^(giám đốc|trưởng|chánh|thủ trưởng|chủ tịch|viện trưởng|hiệu trưởng)"


def _representative(unit: Unit, leaders: dict[int, Person | None]) -> Person | None:
    """Who usually speaks for a unit: its representative in the block's leadership, else the holder of the
    unit head's role, else the staff member whose position is the head's."""
    if leaders.get(unit.pk) is not None:
        return leaders[unit.pk]
    current = Person.objects.filter(memberships__unit=unit, memberships__end_date__isnull=True)
    return (
        current.filter(user__role_assignments__role=Role.UNIT_HEAD, user__role_assignments__unit=unit)
        .order_by("pk")
        .first()
    ) or (
        Person.objects.filter(
            memberships__unit=unit,
            memberships__end_date__isnull=True,
            memberships__position__iregex=HEAD_TITLE_PATTERN,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def delegates_fill_from_members(*, actor: Any, conference: Conference) -> list[Delegate]:
    """One voting delegate (weight 1) for each member unit that has none on the roll yet."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_not_closed(conference)
    _check_no_open_poll(conference)
    on_roll = set(conference.delegates.filter(unit__isnull=False).values_list("unit_id", flat=True))
    leaders = {
        row.unit_id: row.representative
        for row in BlockLeadership.objects.filter(block_year=conference.block_year).select_related("representative")
    }
    taken = set(conference.delegates.filter(person__isnull=False).values_list("person_id", flat=True))
    created = []
    for membership in conference.block_year.memberships.select_related("unit").order_by(
        "rotation_position", "unit__name"
    ):
        unit = membership.unit
        if unit.pk in on_roll:
            continue
        person = _representative(unit, leaders)
        if person is not None and person.pk in taken:
            person = None
        created.append(
            Delegate.objects.create(
                conference=conference,
                unit=unit,
                person=person,
                full_name=person.full_name if person else _("Representative of %(unit)s") % {"unit": unit},
                weight=1,
            )
        )
    audit_record(
        actor=actor,
        action="conference.fill_roll",
        obj=conference,
        changes={"delegates": [d.pk for d in created], "units": [d.unit_id for d in created]},
    )
    return created


@transaction.atomic
def delegate_update(*, actor: Any, delegate: Delegate, **changes: Any) -> Delegate:
    """Change a delegate's name, position, organisation, guest status or weight."""
    conference = delegate.conference
    require_perm(actor, "conferences.manage_conference", conference)
    _check_not_closed(conference)
    unknown = set(changes) - set(DELEGATE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]}, code="unknown_field")
    before = {name: getattr(delegate, name) for name in DELEGATE_FIELDS}
    if "full_name" in changes:
        delegate.full_name = clean_text(changes["full_name"], field="full_name", max_length=200, required=True)
    if "job_title" in changes:
        delegate.job_title = clean_text(changes["job_title"], field="job_title", max_length=200)
    if "organisation" in changes:
        delegate.organisation = clean_text(changes["organisation"], field="organisation", max_length=255)
    if "is_guest" in changes or "weight" in changes:
        _check_no_open_poll(conference)
        is_guest = bool(changes.get("is_guest", delegate.is_guest))
        if not is_guest and delegate.unit_id is None:
            raise ValidationFailed(_("A delegate with a vote represents a member unit."), code="required", field="unit")
        delegate.is_guest = is_guest
        delegate.weight = _check_weight(
            changes.get("weight", 0 if is_guest else delegate.weight or 1), is_guest=is_guest
        )
    delegate.save()
    after = {name: getattr(delegate, name) for name in DELEGATE_FIELDS}
    audit_record(actor=actor, action="delegate.update", obj=delegate, changes=model_changes(before, after))
    return delegate


@transaction.atomic
def delegate_remove(*, actor: Any, delegate: Delegate) -> None:
    """Take a delegate off the roll (not once they have voted in a poll)."""
    conference = delegate.conference
    require_perm(actor, "conferences.manage_conference", conference)
    _check_not_closed(conference)
    if VoterRoll.objects.filter(delegate=delegate).exists():
        raise ValidationFailed(
            _("%(name)s has voted; the roll must keep them.") % {"name": delegate.full_name}, code="delegate_has_voted"
        )
    if delegate.can_vote:
        _check_no_open_poll(conference)
    pk, name = delegate.pk, delegate.full_name
    delegate.delete()
    audit_record(
        actor=actor,
        action="delegate.remove",
        object_type="conferences.delegate",
        object_id=pk,
        object_repr=name,
        changes={"conference": conference.pk},
    )


def _check_in(delegate: Delegate, *, actor: Any, method: str) -> Delegate:
    _check_not_closed(delegate.conference)
    if delegate.checked_in_at is not None:
        return delegate  # checking in twice (a second scan) changes nothing
    delegate.checked_in_at = timezone.now()
    delegate.check_in_method = method
    delegate.checked_in_by = actor if getattr(actor, "is_authenticated", False) else None
    delegate.save(update_fields=["checked_in_at", "check_in_method", "checked_in_by", "updated_at"])
    audit_record(actor=actor, action="delegate.check_in", obj=delegate, changes={"method": method})
    return delegate


@transaction.atomic
def delegate_check_in(*, actor: Any, delegate: Delegate) -> Delegate:
    """The secretary checks a delegate in."""
    require_perm(actor, "conferences.manage_conference", delegate.conference)
    delegate = Delegate.objects.select_for_update().select_related("conference").get(pk=delegate.pk)
    return _check_in(delegate, actor=actor, method=CheckInMethod.SECRETARY)


@transaction.atomic
def delegate_check_in_by_card(*, token: str) -> Delegate:
    """A delegate scans their own card: the signed token is the authority (no account needed)."""
    delegate = delegate_from_card(token)
    delegate = Delegate.objects.select_for_update().select_related("conference").get(pk=delegate.pk)
    if delegate.conference.status != ConferenceStatus.OPEN:
        raise ValidationFailed(_("Check-in opens when the conference is in session."), code="conference_not_open")
    return _check_in(delegate, actor=None, method=CheckInMethod.CARD)


@transaction.atomic
def delegate_undo_check_in(*, actor: Any, delegate: Delegate) -> Delegate:
    """Undo a check-in made by mistake (not for a delegate who has voted in a poll still open)."""
    require_perm(actor, "conferences.manage_conference", delegate.conference)
    _check_not_closed(delegate.conference)
    # Locked first: a cast of this delegate holds the row in SHARE mode, so the check below sees its vote.
    delegate = Delegate.objects.select_for_update().select_related("conference").get(pk=delegate.pk)
    if VoterRoll.objects.filter(delegate=delegate, poll__status=PollStatus.OPEN).exists():
        raise ValidationFailed(
            _("%(name)s has voted in an open poll.") % {"name": delegate.full_name}, code="delegate_has_voted"
        )
    before = delegate.checked_in_at
    delegate.checked_in_at = None
    delegate.check_in_method = ""
    delegate.checked_in_by = None
    delegate.save(update_fields=["checked_in_at", "check_in_method", "checked_in_by", "updated_at"])
    audit_record(actor=actor, action="delegate.undo_check_in", obj=delegate, changes={"checked_in_at": [before, None]})
    return delegate


@transaction.atomic
def delegate_reissue_card(*, actor: Any, delegate: Delegate) -> Delegate:
    """Print a new card: the old card's token stops working."""
    require_perm(actor, "conferences.manage_conference", delegate.conference)
    _check_not_closed(delegate.conference)
    delegate.token_nonce = new_nonce()
    delegate.save(update_fields=["token_nonce", "updated_at"])
    audit_record(actor=actor, action="delegate.reissue_card", obj=delegate, changes={})
    return delegate
