"""The heart of the ballot: cast, retry, refuse a second ballot, close, count, publish, recount."""

import json
import uuid
from typing import Any

import pytest

from thidua.audit.models import AuditEvent
from thidua.conferences import rules
from thidua.conferences.models import Ballot, Poll, PollKind, PollStatus, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


def leading_unit_poll(world: dict[str, Any], **kw: Any) -> Poll:
    candidates = [CandidateInput(unit=world[k]) for k in ("centre_a", "centre_b", "centre_c", "board")]
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=candidates,
        min_choices=1,
        max_choices=1,
        seats=1,
        **kw,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll)


def choice(poll: Poll, unit: Any) -> dict[str, Any]:
    return {"choices": [poll.candidates.get(unit=unit).pk]}


def cast(world: dict[str, Any], poll: Poll, key: str, unit: Any, *, key_id: str | None = None) -> Any:
    return poll_services.poll_cast(
        actor=None,
        poll=poll,
        delegate=world["delegates"][key],
        content=choice(poll, unit),
        idempotency_key=key_id or str(uuid.uuid4()),
    )


def test_cast_writes_a_roll_row_and_an_anonymous_ballot(world: dict[str, Any]) -> None:
    poll = leading_unit_poll(world)
    result = cast(world, poll, "centre_b", world["centre_a"])
    assert not result.replayed
    assert poll_services.normalise_receipt(result.receipt.lower()) == result.receipt
    roll = VoterRoll.objects.get(poll=poll)
    assert roll.delegate == world["delegates"]["centre_b"]
    ballot = Ballot.objects.get(poll=poll)
    assert json.loads(ballot.content) == choice(poll, world["centre_a"])
    assert ballot.receipt_hash == rules.receipt_hash(result.receipt)
    assert ballot.link_hash == ""
    event = AuditEvent.objects.filter(action="poll.vote_recorded").get()
    assert str(ballot.id) not in json.dumps(event.changes)


def test_a_retry_with_the_same_key_returns_the_same_receipt_and_writes_nothing(world: dict[str, Any]) -> None:
    poll = leading_unit_poll(world)
    key = str(uuid.uuid4())
    first = cast(world, poll, "centre_b", world["centre_a"], key_id=key)
    events = AuditEvent.objects.count()
    again = cast(world, poll, "centre_b", world["centre_a"], key_id=key)
    assert again.replayed
    assert again.receipt == first.receipt
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert AuditEvent.objects.count() == events


def test_a_second_ballot_is_refused(world: dict[str, Any]) -> None:
    poll = leading_unit_poll(world)
    cast(world, poll, "centre_b", world["centre_a"])
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as error:
        cast(world, poll, "centre_b", world["board"])
    assert error.value.code == "already_voted"
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ({"choices": []}, "too_few_choices"),
        ({"choices": "x"}, "malformed_ballot"),
        ({"choices": [999999]}, "unknown_candidate"),
        ({"nonsense": True}, "malformed_ballot"),
    ],
)
def test_bad_ballots_are_refused_and_nothing_is_written(world: dict[str, Any], content: Any, code: str) -> None:
    poll = leading_unit_poll(world)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        poll_services.poll_cast(
            actor=None,
            poll=poll,
            delegate=world["delegates"]["centre_a"],
            content=content,
            idempotency_key=str(uuid.uuid4()),
        )
    assert error.value.code == code
    assert not VoterRoll.objects.filter(poll=poll).exists()
    assert not Ballot.objects.filter(poll=poll).exists()
    assert AuditEvent.objects.count() == events


def test_close_counts_chains_and_can_be_recounted(world: dict[str, Any]) -> None:
    poll = leading_unit_poll(world)
    receipts = [
        cast(world, poll, "centre_a", world["centre_a"]).receipt,
        cast(world, poll, "centre_b", world["centre_a"]).receipt,
        cast(world, poll, "centre_c", world["centre_a"]).receipt,
        cast(world, poll, "board", world["centre_b"]).receipt,
    ]
    poll = poll_services.poll_close(actor=world["secretary"], poll=poll)
    assert poll.status == PollStatus.CLOSED
    assert poll.present_weight == 4
    assert poll.entitled_weight == 4
    winner = poll.candidates.get(unit=world["centre_a"]).pk
    assert poll.outcome is not None
    assert poll.outcome["elected"] == [winner]
    assert poll.outcome["elected_by_group"] == {"": [world["centre_a"].pk]}
    entries = poll_services.bulletin_of(poll)
    links = [b.link_hash for b in sorted(Ballot.objects.filter(poll=poll), key=lambda b: str(b.id))]
    assert rules.verify_chain(entries, links, poll_identity=poll_services.bulletin_genesis(poll)) is None
    assert links[-1] == poll.bulletin_head
    for receipt in receipts:
        assert rules.find_receipt(receipt, entries) is not None
    assert poll_services.recount_as_stored(poll) == poll.outcome
    assert poll.outcome["quorum"] == {"rule": [1, 2, True], "met": True}


def test_after_the_close_the_storage_order_is_the_bulletin_order(world: dict[str, Any]) -> None:
    from django.db import connection

    poll = leading_unit_poll(world)
    for key in ("board", "centre_c", "centre_b", "centre_a"):
        cast(world, poll, key, world["centre_a"])
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM conferences_ballot WHERE poll_id = %s ORDER BY {physical}", [poll.pk])
        stored = [str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()]
    assert stored == sorted(stored)
    assert len(stored) == 4
