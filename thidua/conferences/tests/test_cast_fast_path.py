"""The cheaper cast (issue #4, item 10) keeps every guarantee: the per-process spec of an open poll, the card
path that reads the poll once, the delegate read afresh inside the transaction, and the roll row and ballot
written together (one statement on PostgreSQL, a savepoint on SQLite) or not at all."""

import dataclasses
import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.audit.models import AuditEvent
from thidua.conferences.models import Ballot, Delegate, Poll, PollKind, PollStatus, VoterRoll
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db

MEMBERS = ("centre_a", "centre_b", "centre_c", "board")


def make_poll(world: dict[str, Any], *, open_it: bool = True) -> Poll:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[key]) for key in MEMBERS],
        min_choices=1,
        max_choices=1,
        seats=1,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll) if open_it else poll


def pick(poll: Poll, unit: Any) -> dict[str, Any]:
    return {"choices": [poll.candidates.get(unit=unit).pk]}


def written(poll: Poll) -> tuple[int, int, int]:
    return (
        VoterRoll.objects.filter(poll=poll).count(),
        Ballot.objects.filter(poll=poll).count(),
        AuditEvent.objects.count(),
    )


def by_card(world: dict[str, Any], poll: Poll, who: str, key: str | None = None, **kw: Any) -> Any:
    delegate = kw.pop("delegate", None) or delegate_services.delegate_from_card(
        delegate_services.delegate_card_token(world["delegates"][who])
    )
    return poll_services.poll_cast_by_card(
        poll_id=kw.pop("poll_id", poll.pk),
        delegate=delegate,
        content=kw.pop("content", None) or pick(poll, world["centre_a"]),
        idempotency_key=key or str(uuid.uuid4()),
    )


# ---------------------------------------------------------------- the spec of an open poll


def test_the_open_polls_spec_is_read_once_per_process(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    poll_services._OPEN_SPECS.clear()
    by_card(world, poll, "centre_a")
    content = pick(poll, world["centre_b"])
    with CaptureQueriesContext(connection) as queries:
        by_card(world, poll, "centre_b", content=content)
    assert not [q for q in queries.captured_queries if "conferences_candidate" in q["sql"]]
    assert written(poll)[:2] == (2, 2)


def test_a_draft_polls_spec_is_never_cached(world: dict[str, Any]) -> None:
    draft = make_poll(world, open_it=False)
    poll_services._OPEN_SPECS.clear()
    spec = poll_services.open_poll_spec(draft)
    assert not poll_services._OPEN_SPECS
    assert spec == poll_services.poll_spec(draft)


def test_the_cache_is_keyed_by_the_opening(world: dict[str, Any]) -> None:
    """A poll opened at another moment (the same id after a rolled-back test, or a reopening if one is ever
    added) gets its spec afresh, not the one cached for the earlier opening."""
    poll = make_poll(world)
    poll_services._OPEN_SPECS.clear()
    first = poll_services.open_poll_spec(poll)
    assert poll_services.open_poll_spec(poll) is first
    stale = dataclasses.replace(first, min_choices=0)
    poll_services._OPEN_SPECS[(poll.pk, poll.opened_at)] = stale
    assert poll_services.open_poll_spec(poll) is stale
    poll.opened_at = timezone.now()
    assert poll_services.open_poll_spec(poll) == first
    assert poll_services.open_poll_spec(poll) is not stale


# ---------------------------------------------------------------- the card path


def test_a_card_casts_and_a_retry_gets_the_same_receipt(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    key = str(uuid.uuid4())
    first = by_card(world, poll, "centre_b", key)
    again = by_card(world, poll, "centre_b", key)
    assert not first.replayed
    assert again.replayed
    assert again.receipt == first.receipt
    assert written(poll)[:2] == (1, 1)
    assert AuditEvent.objects.filter(action="poll.vote_recorded", object_id=str(poll.pk)).count() == 1
    with pytest.raises(Conflict) as refused:
        by_card(world, poll, "centre_b")
    assert refused.value.code == "already_voted"


def test_a_card_does_not_open_another_conferences_poll_nor_a_missing_one(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    other = conference_services.conference_create(
        actor=world["actor"],
        block_year=world["block_year"],
        title="Hội nghị khác",
        starts_at=world["conference"].starts_at,
        place="Phòng họp",
    )
    stranger = delegate_services.delegate_add(
        actor=world["actor"], conference=other, unit=world["board"], full_name="X"
    )
    before = written(poll)
    with pytest.raises(Poll.DoesNotExist):  # the API's 404, before the key is even looked at
        by_card(world, poll, "board", key="not-a-uuid", delegate=stranger)
    with pytest.raises(Poll.DoesNotExist):
        by_card(world, poll, "board", poll_id=999999)
    assert written(poll) == before


def test_the_delegate_is_read_again_inside_the_transaction(world: dict[str, Any]) -> None:
    """The card's delegate was read before the check-in was undone: the cast goes by the database."""
    poll = make_poll(world)
    stale = delegate_services.delegate_from_card(delegate_services.delegate_card_token(world["delegates"]["centre_c"]))
    assert stale.checked_in_at is not None
    delegate_services.delegate_undo_check_in(actor=world["secretary"], delegate=world["delegates"]["centre_c"])
    before = written(poll)
    with pytest.raises(ValidationFailed) as refused:
        by_card(world, poll, "centre_c", delegate=stale)
    assert refused.value.code == "not_checked_in"
    assert written(poll) == before


def test_a_closed_poll_still_answers_a_retry_and_refuses_a_new_ballot(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    key = str(uuid.uuid4())
    first = by_card(world, poll, "centre_b", key)
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    assert by_card(world, poll, "centre_b", key).receipt == first.receipt
    with pytest.raises(ValidationFailed) as refused:
        by_card(world, poll, "centre_a")
    assert refused.value.code == "poll_not_open"
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED


# ---------------------------------------------------------------- the writes


def test_a_delegate_already_on_the_roll_gets_nothing_written(world: dict[str, Any]) -> None:
    """The path of a lost race: the roll row of the winner is there when this request writes."""
    poll = make_poll(world)
    delegate = world["delegates"]["centre_b"]
    VoterRoll.objects.create(poll=poll, delegate=delegate, key_hash="x" * 64)
    with transaction.atomic():
        locked = poll_services._lock_poll_for_cast(poll.pk)
        assert not poll_services._record(locked, delegate, "y" * 64, '{"choices":[1]}', "AAAA-BBBB-CCCC-DDDD")
    assert VoterRoll.objects.filter(poll=poll).count() == 1
    assert not Ballot.objects.filter(poll=poll).exists()


def test_the_roll_row_and_the_ballot_are_one_statement_on_postgresql(world: dict[str, Any]) -> None:
    poll = make_poll(world)
    by_card(world, poll, "centre_a")  # the spec is cached: what follows is the steady state
    with CaptureQueriesContext(connection) as queries:
        by_card(world, poll, "centre_b")
    sql = [q["sql"] for q in queries.captured_queries]
    both = [s for s in sql if "conferences_voterroll" in s and "INSERT INTO conferences_ballot" in s]
    if connection.vendor == "postgresql":
        assert len(both) == 1
        assert not [s for s in sql if "conferences_ballot" in s and s not in both]
    else:
        assert not both
    assert written(poll)[:2] == (2, 2)


def test_the_card_lookup_reads_the_delegate_row_alone(world: dict[str, Any]) -> None:
    token = delegate_services.delegate_card_token(world["delegates"]["board"])
    with CaptureQueriesContext(connection) as queries:
        delegate = delegate_services.delegate_from_card(token)
    assert isinstance(delegate, Delegate)
    assert delegate.pk == world["delegates"]["board"].pk
    assert len(queries.captured_queries) == 1
    assert "JOIN" not in queries.captured_queries[0]["sql"]
