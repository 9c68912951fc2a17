"""Casting over the API: with a delegate card or as a signed-in delegate, retries, and every refusal of item 8.

Each refusal answers a stable code with a translated message and writes nothing: no voter-roll row, no
ballot, no audit event. Receipts are checked against the bulletin after the close.
"""

import uuid
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.conferences import rules
from thidua.conferences.models import Ballot, Poll, PollKind, VoterRoll
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db

MEMBERS = ("centre_a", "centre_b", "centre_c", "board")


def make_poll(world: dict[str, Any], *, open_it: bool = True, max_choices: int = 1, min_choices: int = 1) -> Poll:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[key]) for key in MEMBERS],
        min_choices=min_choices,
        max_choices=max_choices,
        seats=1,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll) if open_it else poll


@pytest.fixture
def poll(world: dict[str, Any]) -> Poll:
    return make_poll(world)


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def card(delegate: Any) -> dict[str, Any]:
    return {"HTTP_X_DELEGATE_CARD": delegate_services.delegate_card_token(delegate)}


def pick(poll: Poll, *units: Any) -> dict[str, Any]:
    return {"choices": [poll.candidates.get(unit=unit).pk for unit in units]}


def body(content: Any, key: str | None = None) -> dict[str, Any]:
    return {"content": content, "idempotency_key": key or str(uuid.uuid4())}


def written(poll: Poll) -> tuple[int, int, int]:
    return (
        VoterRoll.objects.filter(poll=poll).count(),
        Ballot.objects.filter(poll=poll).count(),
        AuditEvent.objects.count(),
    )


def cast(client: JsonClient, poll: Poll, data: dict[str, Any], **extra: Any) -> Any:
    return client.send("post", f"/api/polls/{poll.pk}/ballots", data, **extra)


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    data: dict[str, Any] = response.json()
    assert data["code"] == code, data
    assert data["message"]
    return data


# ---------------------------------------------------------------- accepted


def test_cast_with_a_card_then_a_retry_gets_the_same_receipt(world: dict[str, Any], poll: Poll) -> None:
    client = JsonClient()
    delegate = world["delegates"]["centre_b"]
    data = body(pick(poll, world["centre_a"]))
    events = AuditEvent.objects.count()
    first = cast(client, poll, data, **card(delegate))
    assert first.status_code == 201, first.content
    assert first.json()["replayed"] is False
    receipt = first.json()["receipt"]
    assert poll_services.normalise_receipt(receipt) == receipt
    assert written(poll) == (1, 1, events + 1)
    assert VoterRoll.objects.get(poll=poll).delegate == delegate

    again = cast(client, poll, data, **card(delegate))
    assert again.status_code == 200, again.content
    assert again.json() == {"receipt": receipt, "replayed": True}
    assert written(poll) == (1, 1, events + 1)


def test_cast_as_the_signed_in_delegate(world: dict[str, Any], poll: Poll) -> None:
    response = cast(signed_in(world["voter_user"]), poll, body(pick(poll, world["centre_b"])))
    assert response.status_code == 201, response.content
    assert VoterRoll.objects.get(poll=poll).delegate == world["delegates"]["centre_a"]


def test_session_casts_need_csrf_but_card_casts_do_not(world: dict[str, Any], poll: Poll) -> None:
    session = JsonClient(enforce_csrf_checks=True)
    session.force_login(world["voter_user"])
    before = written(poll)
    refused(cast(session, poll, body(pick(poll, world["centre_b"]))), 403, "csrf_failed")
    assert written(poll) == before
    by_card = cast(
        JsonClient(enforce_csrf_checks=True),
        poll,
        body(pick(poll, world["centre_b"])),
        **card(world["delegates"]["board"]),
    )
    assert by_card.status_code == 201, by_card.content


def test_a_blank_ballot_is_accepted(world: dict[str, Any], poll: Poll) -> None:
    response = cast(JsonClient(), poll, body({"blank": True}), **card(world["delegates"]["board"]))
    assert response.status_code == 201, response.content


def test_a_retry_after_the_close_still_gets_its_receipt(world: dict[str, Any], poll: Poll) -> None:
    delegate = world["delegates"]["centre_c"]
    data = body(pick(poll, world["centre_a"]))
    receipt = cast(JsonClient(), poll, data, **card(delegate)).json()["receipt"]
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    before = written(poll)
    again = cast(JsonClient(), poll, data, **card(delegate))
    assert again.status_code == 200, again.content
    assert again.json() == {"receipt": receipt, "replayed": True}
    assert written(poll) == before
    # A new ballot after the close is refused.
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(delegate)), 400, "poll_not_open")


# ---------------------------------------------------------------- refused, nothing written


def test_voting_twice_is_refused(world: dict[str, Any], poll: Poll) -> None:
    delegate = world["delegates"]["centre_b"]
    cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(delegate))
    before = written(poll)
    refused(cast(JsonClient(), poll, body(pick(poll, world["board"])), **card(delegate)), 409, "already_voted")
    assert written(poll) == before


def test_voting_in_a_poll_not_open_is_refused(world: dict[str, Any]) -> None:
    draft = make_poll(world, open_it=False)
    before = written(draft)
    response = cast(JsonClient(), draft, body(pick(draft, world["centre_a"])), **card(world["delegates"]["board"]))
    refused(response, 400, "poll_not_open")
    assert written(draft) == before


@pytest.mark.parametrize(
    ("make_content", "code"),
    [
        (lambda w, p: pick(p, w["centre_a"], w["centre_b"]), "too_many_choices"),
        (lambda w, p: {"choices": []}, "too_few_choices"),
        (lambda w, p: {"choices": [999999]}, "unknown_candidate"),
        (lambda w, p: {"choices": "centre_a"}, "malformed_ballot"),
        (lambda w, p: {"nonsense": True}, "malformed_ballot"),
        (lambda w, p: None, "malformed_ballot"),
        (lambda w, p: [1, 2], "malformed_ballot"),
    ],
)
def test_bad_content_is_refused_with_the_rules_code(
    world: dict[str, Any], poll: Poll, make_content: Any, code: str
) -> None:
    before = written(poll)
    response = cast(JsonClient(), poll, body(make_content(world, poll)), **card(world["delegates"]["board"]))
    data = refused(response, 400, code)
    assert data.get("field") in (None, "content", "choices")
    assert written(poll) == before


def test_too_few_choices_when_the_poll_asks_for_two(world: dict[str, Any]) -> None:
    poll = make_poll(world, min_choices=2, max_choices=2)
    before = written(poll)
    response = cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(world["delegates"]["board"]))
    refused(response, 400, "too_few_choices")
    assert written(poll) == before


def test_a_user_without_a_seat_is_not_a_delegate(world: dict[str, Any], poll: Poll) -> None:
    before = written(poll)
    refused(cast(signed_in(world["secretary"]), poll, body(pick(poll, world["centre_a"]))), 400, "not_a_delegate")
    assert written(poll) == before


def test_a_user_who_may_not_see_the_conference_gets_404(world: dict[str, Any], poll: Poll, make_user: Any) -> None:
    outsider = make_user(Role.UNIT_CLERK, unit=world["other_dept"])
    before = written(poll)
    refused(cast(signed_in(outsider), poll, body(pick(poll, world["centre_a"]))), 404, "not_found")
    assert written(poll) == before


def test_an_absent_delegate_is_refused(world: dict[str, Any], poll: Poll) -> None:
    delegate = world["delegates"]["centre_c"]
    delegate_services.delegate_undo_check_in(actor=world["secretary"], delegate=delegate)
    before = written(poll)
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(delegate)), 400, "not_checked_in")
    assert written(poll) == before


def test_a_guest_does_not_vote(world: dict[str, Any], poll: Poll) -> None:
    before = written(poll)
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(world["guest"])), 400, "no_vote")
    assert written(poll) == before


@pytest.mark.parametrize("key", ["", "not-a-uuid", str(uuid.uuid1()), "00000000-0000-0000-0000-000000000000"])
def test_an_invalid_idempotency_key_is_refused(world: dict[str, Any], poll: Poll, key: str) -> None:
    before = written(poll)
    data = {"content": pick(poll, world["centre_a"]), "idempotency_key": key}
    response = cast(JsonClient(), poll, data, **card(world["delegates"]["board"]))
    assert refused(response, 400, "invalid_idempotency_key")["field"] == "idempotency_key"
    assert written(poll) == before


def test_a_tampered_or_replaced_card_is_refused(world: dict[str, Any], poll: Poll) -> None:
    delegate = world["delegates"]["board"]
    token = delegate_services.delegate_card_token(delegate)
    before = written(poll)
    tampered = {"HTTP_X_DELEGATE_CARD": token[:-2] + ("AA" if not token.endswith("AA") else "BB")}
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **tampered), 404, "invalid_card")
    delegate_services.delegate_reissue_card(actor=world["secretary"], delegate=delegate)
    before = written(poll)
    old = {"HTTP_X_DELEGATE_CARD": token}
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **old), 404, "card_replaced")
    assert written(poll) == before


def test_a_card_of_another_conference_does_not_open_this_poll(world: dict[str, Any], poll: Poll) -> None:
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
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(stranger)), 404, "not_found")
    assert written(poll) == before


def test_anonymous_without_a_card_is_401(world: dict[str, Any], poll: Poll) -> None:
    before = written(poll)
    refused(cast(JsonClient(), poll, body(pick(poll, world["centre_a"]))), 401, "not_authenticated")
    assert written(poll) == before


def test_unknown_poll_is_404(world: dict[str, Any]) -> None:
    response = JsonClient().send("post", "/api/polls/999999/ballots", body({}), **card(world["delegates"]["board"]))
    refused(response, 404, "not_found")


def test_messages_follow_the_clients_language(world: dict[str, Any], poll: Poll) -> None:
    draft = make_poll(world, open_it=False)
    response = cast(
        JsonClient(),
        draft,
        body(pick(draft, world["centre_a"])),
        HTTP_ACCEPT_LANGUAGE="en",
        **card(world["delegates"]["board"]),
    )
    assert response.json()["message"] == "This poll is not open for voting."


# ---------------------------------------------------------------- receipts


def well_formed(code: str) -> bool:
    try:
        poll_services.normalise_receipt(code)
    except ValidationFailed:
        return False
    return True


def test_receipt_check_after_the_close(world: dict[str, Any], poll: Poll) -> None:
    receipt = cast(JsonClient(), poll, body(pick(poll, world["centre_a"])), **card(world["delegates"]["board"])).json()[
        "receipt"
    ]
    voter = card(world["delegates"]["board"])
    url = f"/api/polls/{poll.pk}/receipt-check"
    refused(JsonClient().send("post", url, {"receipt": receipt}, **voter), 409, "poll_not_closed")

    poll_services.poll_close(actor=world["secretary"], poll=poll)
    found = JsonClient().send("post", url, {"receipt": receipt.lower().replace("-", " ")}, **voter)
    assert found.status_code == 200, found.content
    assert found.json()["receipt"] == receipt
    assert found.json()["entry"]["receipt_hash"] == rules.receipt_hash(receipt)
    assert found.json()["entry"]["link_hash"]

    # A tampered code: one character changed, so the check character no longer matches.
    chars = receipt.replace("-", "")
    swapped = next(
        c + chars[1:] for c in poll_services.RECEIPT_ALPHABET if c != chars[0] and not well_formed(c + chars[1:])
    )
    refused(JsonClient().send("post", url, {"receipt": swapped}, **voter), 400, "malformed_receipt")
    refused(JsonClient().send("post", url, {"receipt": "hello"}, **voter), 400, "malformed_receipt")
    # A well-formed code that nobody received.
    other = poll_services.receipt_for(poll.pk, str(uuid.uuid4()))
    refused(JsonClient().send("post", url, {"receipt": other}, **voter), 404, "receipt_not_found")
