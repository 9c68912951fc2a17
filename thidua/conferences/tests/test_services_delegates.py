"""The roll: who may vote and with what weight, check-in by card or by the secretary, cards that can be replaced."""

import uuid
from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.conferences.models import Delegate, PollKind
from thidua.conferences.services import delegates as services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import NotFound, ValidationFailed
from thidua.tests_support.factories import make_unit

pytestmark = pytest.mark.django_db


def test_a_second_delegate_of_a_unit_attends_without_a_vote(planned: dict[str, Any]) -> None:
    extra = services.delegate_add(
        actor=planned["secretary"], conference=planned["conference"], unit=planned["centre_a"], full_name="Phó GĐ"
    )
    assert extra.weight == 0
    assert not extra.can_vote


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"full_name": ""}, "required"),
        ({"full_name": "X"}, "required"),  # a voter without a unit
        ({"full_name": "X", "unit_key": "outsider"}, "not_member"),
        ({"full_name": "X", "unit_key": "centre_a", "weight": -1}, "invalid_weight"),
        ({"full_name": "X", "unit_key": "centre_a", "weight": 101}, "invalid_weight"),
        ({"unit_key": "centre_b", "person_key": "person_a"}, "person_not_staff"),
        ({"unit_key": "centre_a", "person_key": "person_a"}, "duplicate_delegate"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(planned: dict[str, Any], kwargs: dict[str, Any], code: str) -> None:
    kwargs = dict(kwargs)
    unit_key, person_key = kwargs.pop("unit_key", None), kwargs.pop("person_key", None)
    if unit_key == "outsider":
        kwargs["unit"] = make_unit("NGOAI", "Đơn vị ngoài khối")
    elif unit_key is not None:
        kwargs["unit"] = planned[unit_key]
    if person_key is not None:
        kwargs["person"] = planned[person_key]
    count, events = Delegate.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.delegate_add(actor=planned["secretary"], conference=planned["conference"], **kwargs)
    assert error.value.code == code
    assert Delegate.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_fill_from_members_adds_one_voter_per_unit_without_one(planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    planned["delegates"]["board"].delete()
    created = services.delegates_fill_from_members(actor=planned["secretary"], conference=conference)
    assert [d.unit for d in created] == [planned["board"]]
    assert created[0].weight == 1
    assert created[0].full_name.endswith(planned["board"].name)
    assert services.delegates_fill_from_members(actor=planned["secretary"], conference=conference) == []


def test_card_check_in_needs_the_session_open(planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_b"]
    token = services.delegate_card_token(delegate)
    with pytest.raises(ValidationFailed) as error:
        services.delegate_check_in_by_card(token=token)
    assert error.value.code == "conference_not_open"
    from thidua.conferences.services.conference import conference_open

    conference_open(actor=planned["secretary"], conference=planned["conference"])
    checked = services.delegate_check_in_by_card(token=token)
    assert checked.checked_in_at is not None
    assert checked.check_in_method == "card"
    again = services.delegate_check_in_by_card(token=token)  # a second scan changes nothing
    assert again.checked_in_at == checked.checked_in_at


def test_tampered_and_replaced_cards_are_refused(planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_b"]
    token = services.delegate_card_token(delegate)
    with pytest.raises(NotFound) as error:
        services.delegate_from_card(token[:-2] + ("A" if token[-1] != "A" else "B") + token[-1])
    assert error.value.code == "invalid_card"
    services.delegate_reissue_card(actor=planned["secretary"], delegate=delegate)
    with pytest.raises(NotFound) as error:
        services.delegate_from_card(token)
    assert error.value.code == "card_replaced"
    assert services.delegate_from_card(services.delegate_card_token(Delegate.objects.get(pk=delegate.pk))) == delegate


def test_weights_are_frozen_while_a_poll_is_open(world: dict[str, Any]) -> None:
    secretary, delegate = world["secretary"], world["delegates"]["board"]
    poll = poll_services.poll_create(
        actor=secretary,
        conference=world["conference"],
        title="Suy tôn",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world["centre_a"]), CandidateInput(unit=world["centre_b"])],
        max_choices=1,
        seats=1,
    )
    poll_services.poll_open(actor=secretary, poll=poll)
    with pytest.raises(ValidationFailed) as error:
        services.delegate_update(actor=secretary, delegate=delegate, weight=3)
    assert error.value.code == "poll_open"
    services.delegate_update(actor=secretary, delegate=delegate, job_title="Trưởng ban")  # other fields may change
    poll_services.poll_cast(
        actor=None,
        poll=poll,
        delegate=delegate,
        content={"choices": [poll.candidates.order_by("pk")[0].pk]},
        idempotency_key=str(uuid.uuid4()),
    )
    with pytest.raises(ValidationFailed) as error:
        services.delegate_undo_check_in(actor=secretary, delegate=delegate)
    assert error.value.code == "delegate_has_voted"
    with pytest.raises(ValidationFailed) as error:
        services.delegate_remove(actor=secretary, delegate=delegate)
    assert error.value.code == "delegate_has_voted"


def test_guest_has_no_weight_and_cannot_vote(world: dict[str, Any]) -> None:
    guest = world["guest"]
    assert guest.weight == 0
    with pytest.raises(ValidationFailed) as error:
        services.delegate_update(actor=world["secretary"], delegate=guest, is_guest=False)
    assert error.value.code == "required"


def test_fill_finds_the_unit_head_by_position(planned: dict[str, Any]) -> None:
    from thidua.tests_support.factories import make_person

    make_person(planned["board"], "Phó Ban", position="Phó Trưởng ban")
    head = make_person(planned["board"], "Võ Văn Trưởng", position="Trưởng ban")
    planned["delegates"]["board"].delete()
    (created,) = services.delegates_fill_from_members(actor=planned["secretary"], conference=planned["conference"])
    assert created.person == head
    assert created.full_name == "Võ Văn Trưởng"
