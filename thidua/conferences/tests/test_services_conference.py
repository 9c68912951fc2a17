"""The conference and its agenda: plan, edit, open, move through the agenda, close and hand over."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from thidua.audit.models import AuditEvent
from thidua.conferences.models import AgendaItem, Conference, ConferenceStatus, PollKind
from thidua.conferences.services import conference as services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import PermissionDenied, ValidationFailed
from thidua.organizations.models import BlockLeadership, BlockYear, LeadershipRole

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(dt.datetime(2026, 1, 16, 8, 0))


def test_create_adds_the_usual_agenda_and_an_audit_event(tree: dict[str, Any], make_user: Any) -> None:
    from thidua.accounts.roles import Role

    head = make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])
    conference = services.conference_create(
        actor=head, block_year=tree["block_year"], title="Hội nghị tổng kết", starts_at=WHEN, place="Đông Hà"
    )
    assert conference.status == ConferenceStatus.PLANNED
    assert [item.kind for item in conference.agenda.order_by("position")] == [
        "report",
        "scoring_results",
        "leading_unit",
        "commendation",
        "leadership",
        "next_plan",
    ]
    assert AuditEvent.objects.filter(action="conference.create", object_id=str(conference.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": " "}, "required"),
        ({"place": ""}, "required"),
        ({"quorum": (3, 2)}, "invalid_quorum"),
        ({"quorum": (0, 2)}, "invalid_quorum"),
        ({"starts_at": "tomorrow"}, "invalid"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    tree: dict[str, Any], admin_user: Any, kwargs: dict[str, Any], code: str
) -> None:
    data = {"title": "Hội nghị", "starts_at": WHEN, "place": "Đông Hà", **kwargs}
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.conference_create(actor=admin_user, block_year=tree["block_year"], **data)
    assert error.value.code == code
    assert not Conference.objects.exists()
    assert AuditEvent.objects.count() == events


def test_create_needs_the_permission(tree: dict[str, Any], make_user: Any) -> None:
    from thidua.accounts.roles import Role

    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    with pytest.raises(PermissionDenied):
        services.conference_create(
            actor=clerk, block_year=tree["block_year"], title="Hội nghị", starts_at=WHEN, place="Đông Hà"
        )
    assert not Conference.objects.exists()


def test_update_open_and_current_item(planned: dict[str, Any]) -> None:
    conference, secretary = planned["conference"], planned["secretary"]
    services.conference_update(actor=secretary, conference=conference, place="Hội trường B", quorum=(2, 3))
    conference.refresh_from_db()
    assert (conference.place, conference.quorum_numerator, conference.quorum_denominator) == ("Hội trường B", 2, 3)
    with pytest.raises(ValidationFailed) as error:
        services.conference_update(actor=secretary, conference=conference, status="closed")
    assert error.value.code == "unknown_field"
    services.conference_open(actor=secretary, conference=conference)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.OPEN
    assert conference.current_item == conference.agenda.order_by("position").first()
    with pytest.raises(ValidationFailed) as error:
        services.conference_open(actor=secretary, conference=conference)
    assert error.value.code == "conference_not_planned"
    last = conference.agenda.order_by("position").last()
    services.conference_set_current_item(actor=secretary, conference=conference, item=last)
    conference.refresh_from_db()
    assert conference.current_item == last


def test_agenda_add_update_reorder_remove(planned: dict[str, Any]) -> None:
    conference, secretary = planned["conference"], planned["secretary"]
    item = services.agenda_item_add(actor=secretary, conference=conference, title="Phát biểu của khách mời")
    assert item.position == 7
    services.agenda_item_update(actor=secretary, item=item, presenter="Ban Thi đua - Khen thưởng", kind="other")
    item.refresh_from_db()
    assert item.presenter == "Ban Thi đua - Khen thưởng"
    with pytest.raises(ValidationFailed) as error:
        services.agenda_item_update(actor=secretary, item=item, kind="party")
    assert error.value.code == "invalid_choice"
    ids = list(conference.agenda.order_by("position").values_list("pk", flat=True))
    services.agenda_reorder(actor=secretary, conference=conference, item_ids=list(reversed(ids)))
    assert list(conference.agenda.order_by("position").values_list("pk", flat=True)) == list(reversed(ids))
    with pytest.raises(ValidationFailed) as error:
        services.agenda_reorder(actor=secretary, conference=conference, item_ids=ids[:-1])
    assert error.value.code == "invalid_order"
    services.agenda_item_remove(actor=secretary, item=item)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def _election(world: dict[str, Any]) -> Any:
    candidates = [
        CandidateInput(unit=world["centre_b"], group="head"),
        CandidateInput(unit=world["centre_c"], group="deputy"),
        CandidateInput(unit=world["board"], group="deputy"),
    ]
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Bầu khối trưởng, khối phó năm 2026",
        kind=PollKind.ELECTION,
        candidates=candidates,
        min_choices=0,
        seats=2,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll)


def test_closing_hands_the_elected_leadership_to_next_year(world: dict[str, Any]) -> None:
    import uuid

    poll = _election(world)
    ids = {c.unit_id: c.pk for c in poll.candidates.all()}
    content = {"head": [ids[world["centre_b"].pk]], "deputy": [ids[world["centre_c"].pk], ids[world["board"].pk]]}
    for delegate in world["delegates"].values():
        poll_services.poll_cast(
            actor=None, poll=poll, delegate=delegate, content=content, idempotency_key=str(uuid.uuid4())
        )
    with pytest.raises(ValidationFailed) as error:
        services.conference_close(actor=world["head"], conference=world["conference"])
    assert error.value.code == "polls_still_open"
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    with pytest.raises(PermissionDenied):
        services.conference_close(actor=world["secretary"], conference=world["conference"])
    conference = services.conference_close(
        actor=world["head"], conference=world["conference"], conclusions="Thống nhất"
    )
    assert conference.status == ConferenceStatus.CLOSED
    next_year = BlockYear.objects.get(block=world["block"], year=2026)
    assert conference.leadership_applied_to == next_year
    seats = list(BlockLeadership.objects.filter(block_year=next_year).order_by("position"))
    assert [(s.role, s.unit_id) for s in seats] == [
        (LeadershipRole.HEAD, world["centre_b"].pk),
        (LeadershipRole.DEPUTY, world["centre_c"].pk),
        (LeadershipRole.DEPUTY, world["board"].pk),
    ]
    assert set(next_year.memberships.values_list("unit_id", flat=True)) == {
        world[k].pk for k in ("centre_a", "centre_b", "centre_c", "board")
    }
    assert AuditEvent.objects.filter(action="block_year.hand_over").exists()
    with pytest.raises(ValidationFailed) as error:
        services.agenda_item_add(actor=world["secretary"], conference=conference, title="Muộn")
    assert error.value.code == "conference_closed"


def test_closing_without_an_election_leaves_next_year_alone(world: dict[str, Any]) -> None:
    conference = services.conference_close(actor=world["head"], conference=world["conference"])
    assert conference.leadership_applied_to is None
    assert not BlockYear.objects.filter(block=world["block"], year=2026).exists()


def test_close_only_in_session(planned: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.conference_close(actor=planned["head"], conference=planned["conference"])
    assert error.value.code == "conference_not_open"
