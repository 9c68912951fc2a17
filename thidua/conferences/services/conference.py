"""The conference itself: plan it, its agenda, open it, move through the agenda, close it and hand over.

Closing the conference is the end of the block's year-end meeting: every poll must be closed by then,
and the head and deputies the delegates elected become next year's leadership (the organisations app's
`block_year_hand_over`, which opens next year if it does not exist yet).
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.attachments.models import Attachment
from thidua.attachments.services import attachment_add, attachment_remove, attachments_of
from thidua.audit.services import audit_record, model_changes
from thidua.conferences.models import AgendaItem, AgendaKind, Conference, ConferenceStatus, Poll, PollKind, PollStatus
from thidua.core.exceptions import NotFound, ValidationFailed
from thidua.core.permissions import require_perm
from thidua.organizations.models import BlockYear, Unit
from thidua.organizations.services import block_year_hand_over
from thidua.organizations.services._common import check_choice, clean_text

CONFERENCE_FIELDS = ["title", "starts_at", "place", "chair", "quorum_numerator", "quorum_denominator", "quorum_strict"]
ITEM_FIELDS = ["kind", "title", "presenter", "notes"]

# The agenda a year-end conference usually follows (domain.md §4.2 step 1, §4.4), titled in the
# language of the person who plans it (Vietnamese by default).
DEFAULT_AGENDA = [
    (AgendaKind.REPORT, gettext_lazy("Report on the block's emulation work of the year")),
    (AgendaKind.SCORING_RESULTS, gettext_lazy("Scoring results and ranking")),
    (AgendaKind.LEADING_UNIT, gettext_lazy("Acclaim of the leading unit")),
    (AgendaKind.COMMENDATION, gettext_lazy("Proposals for certificates of merit")),
    (AgendaKind.LEADERSHIP, gettext_lazy("Next year's head and deputy heads")),
    (AgendaKind.NEXT_PLAN, gettext_lazy("Next year's plan")),
]


def _check_open_for_changes(conference: Conference) -> None:
    if conference.status == ConferenceStatus.CLOSED:
        raise ValidationFailed(_("The conference is closed."), code="conference_closed")


def _check_quorum(numerator: Any, denominator: Any) -> tuple[int, int]:
    if not isinstance(numerator, int) or not isinstance(denominator, int) or not 0 < numerator <= denominator <= 100:
        raise ValidationFailed(
            _("The quorum must be a fraction between 0 and 1, such as 1/2 or 2/3."),
            code="invalid_quorum",
            field="quorum_numerator",
        )
    return numerator, denominator


def _clean_conference(data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "title" in clean:
        clean["title"] = clean_text(clean["title"], field="title", max_length=255, required=True)
    if "place" in clean:
        clean["place"] = clean_text(clean["place"], field="place", max_length=255, required=True)
    if "chair" in clean:
        clean["chair"] = clean_text(clean["chair"], field="chair", max_length=200)
    if "starts_at" in clean and not isinstance(clean["starts_at"], dt.datetime):
        raise ValidationFailed(_("Enter a valid date and time."), code="invalid", field="starts_at")
    if "quorum_strict" in clean:
        clean["quorum_strict"] = bool(clean["quorum_strict"])
    return clean


@transaction.atomic
def conference_create(
    *,
    actor: Any,
    block_year: BlockYear,
    title: str,
    starts_at: dt.datetime,
    place: str,
    chair: str = "",
    secretary: Any = None,
    quorum: tuple[int, int] = (1, 2),
    quorum_strict: bool = True,
    default_agenda: bool = True,
) -> Conference:
    """Plan a conference for the block-year; with `default_agenda`, the usual year-end items are added."""
    require_perm(actor, "conferences.add_conference", block_year)
    if block_year.phase == "closed":
        raise ValidationFailed(_("The block-year is closed."), code="block_year_closed")
    numerator, denominator = _check_quorum(*quorum)
    data = _clean_conference(
        {"title": title, "starts_at": starts_at, "place": place, "chair": chair, "quorum_strict": quorum_strict}
    )
    conference = Conference.objects.create(
        block_year=block_year,
        secretary=secretary,
        quorum_numerator=numerator,
        quorum_denominator=denominator,
        **data,
    )
    if default_agenda:
        AgendaItem.objects.bulk_create(
            AgendaItem(conference=conference, position=position, kind=kind, title=str(title))
            for position, (kind, title) in enumerate(DEFAULT_AGENDA, start=1)
        )
    audit_record(
        actor=actor,
        action="conference.create",
        obj=conference,
        changes={
            "block_year": block_year.pk,
            **{k: str(v) for k, v in data.items()},
            "quorum": f"{numerator}/{denominator}",
            "agenda": conference.agenda.count(),
        },
    )
    return conference


@transaction.atomic
def conference_update(*, actor: Any, conference: Conference, **changes: Any) -> Conference:
    """Change the title, date, place, chair, secretary or quorum rule (not once closed)."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_open_for_changes(conference)
    allowed = {*CONFERENCE_FIELDS, "secretary", "quorum"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]}, code="unknown_field")
    if "quorum" in changes:
        changes["quorum_numerator"], changes["quorum_denominator"] = _check_quorum(*changes.pop("quorum"))
    data = _clean_conference(changes)
    before = {name: getattr(conference, name) for name in [*CONFERENCE_FIELDS, "secretary_id"]}
    for name, value in data.items():
        setattr(conference, name, value)
    conference.save()
    after = {name: getattr(conference, name) for name in [*CONFERENCE_FIELDS, "secretary_id"]}
    audit_record(actor=actor, action="conference.update", obj=conference, changes=model_changes(before, after))
    return conference


@transaction.atomic
def conference_open(*, actor: Any, conference: Conference) -> Conference:
    """Open the session: delegates may check in with their cards from now on."""
    require_perm(actor, "conferences.manage_conference", conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status != ConferenceStatus.PLANNED:
        raise ValidationFailed(_("The conference is already open or closed."), code="conference_not_planned")
    conference.status = ConferenceStatus.OPEN
    conference.opened_at = timezone.now()
    if conference.current_item_id is None:
        conference.current_item = conference.agenda.order_by("position", "id").first()
    conference.save(update_fields=["status", "opened_at", "current_item", "updated_at"])
    audit_record(actor=actor, action="conference.open", obj=conference, changes={"status": ["planned", "open"]})
    return conference


@transaction.atomic
def conference_set_current_item(*, actor: Any, conference: Conference, item: AgendaItem | None) -> Conference:
    """Show this agenda item on the projector (None: nothing)."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_open_for_changes(conference)
    if item is not None and item.conference_id != conference.pk:
        raise ValidationFailed(_("The item is not on this conference's agenda."), code="wrong_conference", field="item")
    before = conference.current_item_id
    conference.current_item = item
    conference.save(update_fields=["current_item", "updated_at"])
    audit_record(
        actor=actor,
        action="conference.set_current_item",
        obj=conference,
        changes={"current_item": [before, item.pk if item else None]},
    )
    return conference


def elected_leadership(conference: Conference) -> tuple[Unit, list[Unit]] | None:
    """The head and deputies elected by the conference's last closed election poll with a complete outcome."""
    poll = (
        conference.polls.filter(kind=PollKind.ELECTION, status=PollStatus.CLOSED).order_by("-closed_at", "-id").first()
    )
    if poll is None or not poll.outcome:
        return None
    head_ids = poll.outcome.get("elected_by_group", {}).get("head", [])
    deputy_ids = poll.outcome.get("elected_by_group", {}).get("deputy", [])
    if len(head_ids) != 1 or not deputy_ids or poll.outcome.get("runoff"):
        return None
    units = Unit.objects.in_bulk([*head_ids, *deputy_ids])
    return units[head_ids[0]], [units[pk] for pk in deputy_ids]


@transaction.atomic
def conference_close(*, actor: Any, conference: Conference, conclusions: str | None = None) -> Conference:
    """Close the conference: no open poll may remain; the elected head and deputies take next year's seats."""
    require_perm(actor, "conferences.close_conference", conference)
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.status != ConferenceStatus.OPEN:
        raise ValidationFailed(_("Only a conference in session can be closed."), code="conference_not_open")
    if conference.polls.filter(status=PollStatus.OPEN).exists():
        raise ValidationFailed(_("Close the open polls first."), code="polls_still_open")
    if conclusions is not None:
        conference.conclusions = clean_text(conclusions, field="conclusions", max_length=20000)
    leadership = elected_leadership(conference)
    if leadership is not None:
        head, deputies = leadership
        conference.leadership_applied_to = block_year_hand_over(
            actor=actor,
            block_year=conference.block_year,
            head=head,
            deputies=deputies,
            source=f"conference:{conference.pk}",
        )
    conference.status = ConferenceStatus.CLOSED
    conference.closed_at = timezone.now()
    conference.save(update_fields=["status", "closed_at", "conclusions", "leadership_applied_to", "updated_at"])
    audit_record(
        actor=actor,
        action="conference.close",
        obj=conference,
        changes={
            "status": ["open", "closed"],
            "leadership_applied_to": conference.leadership_applied_to_id,
        },
    )
    return conference


def _check_item_data(data: dict[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "kind" in clean:
        clean["kind"] = check_choice(clean["kind"], AgendaKind, field="kind")
    if "title" in clean:
        clean["title"] = clean_text(clean["title"], field="title", max_length=255, required=True)
    if "presenter" in clean:
        clean["presenter"] = clean_text(clean["presenter"], field="presenter", max_length=200)
    if "notes" in clean:
        clean["notes"] = clean_text(clean["notes"], field="notes", max_length=20000)
    return clean


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    conference: Conference,
    title: str,
    kind: str = AgendaKind.OTHER,
    presenter: str = "",
    notes: str = "",
) -> AgendaItem:
    require_perm(actor, "conferences.manage_conference", conference)
    _check_open_for_changes(conference)
    data = _check_item_data({"title": title, "kind": kind, "presenter": presenter, "notes": notes})
    last = conference.agenda.order_by("-position").values_list("position", flat=True).first() or 0
    item = AgendaItem.objects.create(conference=conference, position=last + 1, **data)
    audit_record(actor=actor, action="agenda_item.add", obj=item, changes={"conference": conference.pk, **data})
    return item


@transaction.atomic
def agenda_item_update(*, actor: Any, item: AgendaItem, **changes: Any) -> AgendaItem:
    require_perm(actor, "conferences.manage_conference", item.conference)
    _check_open_for_changes(item.conference)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]}, code="unknown_field")
    data = _check_item_data(changes)
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    audit_record(
        actor=actor,
        action="agenda_item.update",
        obj=item,
        changes=model_changes(before, {name: getattr(item, name) for name in ITEM_FIELDS}),
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    """Remove an item without polls (a poll keeps its item: close or delete the poll first)."""
    conference = item.conference
    require_perm(actor, "conferences.manage_conference", conference)
    _check_open_for_changes(conference)
    if Poll.objects.filter(agenda_item=item).exists():
        raise ValidationFailed(_("This item has polls; it cannot be removed."), code="item_has_polls")
    pk, title = item.pk, item.title
    item.delete()
    audit_record(
        actor=actor,
        action="agenda_item.remove",
        object_type="conferences.agendaitem",
        object_id=pk,
        object_repr=title,
        changes={"conference": conference.pk},
    )


@transaction.atomic
def agenda_reorder(*, actor: Any, conference: Conference, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Put the agenda in this order (every item exactly once)."""
    require_perm(actor, "conferences.manage_conference", conference)
    _check_open_for_changes(conference)
    items = {item.pk: item for item in conference.agenda.all()}
    if sorted(item_ids) != sorted(items):
        raise ValidationFailed(_("List every agenda item exactly once."), code="invalid_order", field="items")
    before = [item.pk for item in sorted(items.values(), key=lambda i: (i.position, i.pk))]
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    audit_record(
        actor=actor, action="conference.reorder_agenda", obj=conference, changes={"order": [before, list(item_ids)]}
    )
    return [items[pk] for pk in item_ids]


@transaction.atomic
def agenda_item_attach(*, actor: Any, item: AgendaItem, upload: UploadedFile) -> Attachment:
    """Attach a file to an agenda item (the report, the plan, the slides), while the conference is not closed."""
    require_perm(actor, "conferences.manage_conference", item.conference)
    _check_open_for_changes(item.conference)
    return attachment_add(actor=actor, owner=item, upload=upload)


@transaction.atomic
def agenda_item_detach(*, actor: Any, item: AgendaItem, attachment: Attachment) -> None:
    require_perm(actor, "conferences.manage_conference", item.conference)
    _check_open_for_changes(item.conference)
    if not attachments_of(item).filter(pk=attachment.pk).exists():
        raise NotFound()
    attachment_remove(actor=actor, attachment=attachment)
