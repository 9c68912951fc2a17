"""The delegate's side of the hall: the card landing, the phone's page, the three ballot steps, the status poller."""

import html
import re
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from thidua.audit.models import AuditEvent
from thidua.conferences.models import Ballot, CheckInMethod, Poll, PollKind, PollStatus, VoterRoll
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.conferences.views.hall_session import SESSION_KEY
from thidua.tests_support.conference import build_conference
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
UNITS = ("centre_a", "centre_b", "centre_c", "board")


def english_client() -> Client:
    """Pages are Vietnamese first (they ignore Accept-Language): English is chosen with the language cookie."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def client() -> Client:
    """The assertions read the English source strings, whatever the Vietnamese catalogue says."""
    return english_client()


@pytest.fixture
def arriving(tree: dict[str, Any]) -> dict[str, Any]:
    """The conference in session, nobody checked in yet."""
    return build_conference(tree, check_in=False)


def selection_poll(world: dict[str, Any], *, max_choices: int = 1, open_it: bool = True) -> Poll:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Suy tôn đơn vị dẫn đầu",
        kind=PollKind.SELECTION,
        candidates=[CandidateInput(unit=world[k]) for k in UNITS],
        min_choices=1,
        max_choices=max_choices,
        seats=max_choices,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll) if open_it else poll


def approval_poll(world: dict[str, Any]) -> Poll:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Đề nghị tặng Bằng khen",
        kind=PollKind.APPROVAL,
        candidates=[CandidateInput(unit=world[k]) for k in ("centre_b", "centre_c")],
        min_choices=0,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll)


def election_poll(world: dict[str, Any]) -> Poll:
    candidates = [CandidateInput(unit=world["centre_a"], group="head")] + [
        CandidateInput(unit=world[k], group="deputy") for k in ("centre_b", "centre_c")
    ]
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Bầu khối trưởng, khối phó năm 2026",
        kind=PollKind.ELECTION,
        candidates=candidates,
        min_choices=0,
        seats=1,
    )
    return poll_services.poll_open(actor=world["secretary"], poll=poll)


def candidate(poll: Poll, unit: Any, group: str = "") -> int:
    return int(poll.candidates.get(unit=unit, group=group).pk)


def card_url(delegate: Any) -> str:
    return reverse("conferences:card", args=[delegate_services.delegate_card_token(delegate)])


def scan(client: Client, delegate: Any) -> Any:
    return client.get(card_url(delegate))


def text(response: Any) -> str:
    """The page with HTML entities decoded, so assertions read it as a person does."""
    return html.unescape(response.content.decode())


def form_key(response: Any) -> str:
    match = re.search(r'name="key" value="([0-9a-f-]{36})"', text(response))
    assert match, "the ballot form carries an idempotency key"
    return match.group(1)


def review(client: Client, poll: Poll, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(reverse("conferences:ballot_review", args=[poll.pk]), data, **{**HTMX, **extra})


def cast(client: Client, poll: Poll, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(reverse("conferences:ballot_cast", args=[poll.pk]), data, **{**HTMX, **extra})


# --- the card --------------------------------------------------------------------------------------------------------


def test_the_card_checks_the_delegate_in_and_opens_the_phone_page(client: Client, arriving: dict[str, Any]) -> None:
    delegate = arriving["delegates"]["centre_b"]
    response = scan(client, delegate)
    assert response.status_code == 302
    assert response["Location"] == reverse("conferences:vote", args=[arriving["conference"].pk])
    delegate.refresh_from_db()
    assert delegate.checked_in_at is not None
    assert delegate.check_in_method == CheckInMethod.CARD
    assert AuditEvent.objects.filter(action="delegate.check_in", object_id=str(delegate.pk)).exists()
    assert client.session[SESSION_KEY] == {str(arriving["conference"].pk): [delegate.pk, delegate.token_nonce]}
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert delegate.full_name in text(page)
    assert arriving["centre_b"].name in text(page)
    assert arriving["conference"].current_item.title in text(page)
    assert "No poll is open right now" in text(page)


def test_scanning_twice_changes_nothing(client: Client, arriving: dict[str, Any]) -> None:
    delegate = arriving["delegates"]["centre_b"]
    scan(client, delegate)
    delegate.refresh_from_db()
    first = delegate.checked_in_at
    events = AuditEvent.objects.count()
    assert scan(client, delegate).status_code == 302
    delegate.refresh_from_db()
    assert delegate.checked_in_at == first
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("token", ["nonsense", "eyJkIjoxfQ:1abc:def"])
def test_an_invalid_card_is_a_clear_404(client: Client, arriving: dict[str, Any], token: str) -> None:
    response = client.get(reverse("conferences:card", args=[token]))
    assert response.status_code == 404
    assert "This delegate card is not valid." in text(response)
    assert SESSION_KEY not in client.session


def test_a_replaced_card_is_refused_and_checks_nobody_in(client: Client, arriving: dict[str, Any]) -> None:
    delegate = arriving["delegates"]["centre_c"]
    old_url = card_url(delegate)
    delegate_services.delegate_reissue_card(actor=arriving["secretary"], delegate=delegate)
    response = client.get(old_url)
    assert response.status_code == 404
    assert "This delegate card has been replaced by a new one." in text(response)
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None


def test_before_the_session_the_card_says_when_check_in_opens(client: Client, planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_a"]
    response = scan(client, delegate)
    assert response.status_code == 200
    assert "Check-in opens when the session starts." in text(response)
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None
    assert SESSION_KEY not in client.session


def test_after_the_session_the_card_says_the_conference_is_closed(client: Client, world: dict[str, Any]) -> None:
    conference_services.conference_close(actor=world["head"], conference=world["conference"])
    response = scan(client, world["delegates"]["centre_a"])
    assert response.status_code == 200
    assert "The conference is closed." in text(response)
    assert SESSION_KEY not in client.session


def test_a_reissued_card_ends_the_session_opened_with_the_old_one(client: Client, world: dict[str, Any]) -> None:
    delegate = world["delegates"]["board"]
    scan(client, delegate)
    vote_url = reverse("conferences:vote", args=[world["conference"].pk])
    assert client.get(vote_url).status_code == 200
    delegate_services.delegate_reissue_card(actor=world["secretary"], delegate=delegate)
    response = client.get(vote_url)
    assert response.status_code == 403
    assert str(world["conference"].pk) not in client.session.get(SESSION_KEY, {})


# --- the phone page --------------------------------------------------------------------------------------------------


def test_the_phone_page_shows_a_ballot_per_open_poll_with_a_fresh_key(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert response.status_code == 200
    body = text(response)
    assert poll.title in body
    assert "Choose 1 unit." in body
    for key in UNITS:
        assert world[key].name in body
    assert 'type="radio"' in body
    assert "rank 1" in body  # candidates show their rank and score
    key = form_key(response)
    assert uuid.UUID(key).version == 4
    assert form_key(client.get(reverse("conferences:vote", args=[world["conference"].pk]))) != key
    assert 'hx-trigger="every 5s"' in body


def test_a_multiple_choice_poll_uses_checkboxes(client: Client, world: dict[str, Any]) -> None:
    selection_poll(world, max_choices=2)
    scan(client, world["delegates"]["centre_b"])
    body = text(client.get(reverse("conferences:vote", args=[world["conference"].pk])))
    assert 'type="checkbox"' in body
    assert "Choose from 1 to 2 units." in body


def test_a_signed_in_delegate_votes_through_their_account(client: Client, world: dict[str, Any]) -> None:
    selection_poll(world)
    client.force_login(world["voter_user"])
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert response.status_code == 200
    assert world["delegates"]["centre_a"].full_name in text(response)


def test_a_signed_in_user_without_a_seat_is_not_a_delegate(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["secretary"])
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert response.status_code == 403
    assert "You are not a delegate of this conference." in text(response)


def test_an_anonymous_visitor_is_asked_to_scan_the_card_or_sign_in(client: Client, world: dict[str, Any]) -> None:
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert response.status_code == 403
    assert "scanning the QR code on your delegate card" in text(response)
    assert reverse("account_login") in text(response)


def test_a_guest_sees_the_polls_without_a_ballot(client: Client, world: dict[str, Any]) -> None:
    selection_poll(world)
    scan(client, world["guest"])
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert response.status_code == 200
    assert "You attend as a guest: you do not vote." in text(response)
    assert 'name="key"' not in text(response)


def test_a_delegate_who_has_voted_sees_so(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    poll_services.poll_cast(
        actor=None,
        poll=poll,
        delegate=world["delegates"]["centre_b"],
        content={"choices": [candidate(poll, world["centre_a"])]},
        idempotency_key=str(uuid.uuid4()),
    )
    scan(client, world["delegates"]["centre_b"])
    response = client.get(reverse("conferences:vote", args=[world["conference"].pk]))
    assert "You have voted in this poll." in text(response)
    assert 'name="key"' not in text(response)


# --- review, change, cast --------------------------------------------------------------------------------------------


def test_review_shows_the_choices_in_words_and_writes_nothing(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    events = AuditEvent.objects.count()
    response = review(client, poll, {"key": key, "choice": candidate(poll, world["centre_a"])})
    assert response.status_code == 200
    body = text(response)
    assert "Your ballot:" in body
    assert world["centre_a"].name in body
    assert "Confirm and cast" in body
    assert f'name="key" value="{key}"' in body
    assert f'name="choice" value="{candidate(poll, world["centre_a"])}"' in body
    assert reverse("conferences:ballot_cast", args=[poll.pk]) in body
    assert not VoterRoll.objects.filter(poll=poll).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose at least 1 unit."),
        ({"choice": ["A", "B"]}, "is not a candidate in this poll"),
    ],
)
def test_review_shows_a_bad_ballot_in_place(client: Client, world: dict[str, Any], data: Any, message: str) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    response = review(client, poll, {"key": key, **data})
    assert response.status_code == 200  # htmx swaps it in place
    assert message in text(response)
    assert form_key(response) == key
    assert not VoterRoll.objects.filter(poll=poll).exists()


def test_too_many_choices_are_refused_and_the_form_keeps_them(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    chosen = [candidate(poll, world["centre_a"]), candidate(poll, world["board"])]
    response = review(client, poll, {"key": str(uuid.uuid4()), "choice": chosen})
    assert "Choose at most 1 unit." in text(response)
    for pk in chosen:
        assert re.search(rf'value="{pk}" id="c-{poll.pk}-{pk}" autocomplete="off" checked', text(response))
    without_htmx = client.post(
        reverse("conferences:ballot_review", args=[poll.pk]), {"key": str(uuid.uuid4()), "choice": chosen}
    )
    assert without_htmx.status_code == 400
    assert "<html" in text(without_htmx)  # a whole (light) page when JavaScript is off


def test_change_brings_the_form_back_with_the_same_choices_and_key(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    chosen = candidate(poll, world["centre_c"])
    response = client.post(reverse("conferences:ballot_edit", args=[poll.pk]), {"key": key, "choice": chosen}, **HTMX)
    assert response.status_code == 200
    assert form_key(response) == key
    assert re.search(rf'value="{chosen}" id="c-{poll.pk}-{chosen}" autocomplete="off" checked', text(response))


def test_a_blank_ballot_is_reviewed_and_cast(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    response = review(client, poll, {"key": key, "blank": "1"})
    assert "Blank ballot" in text(response)
    assert 'name="blank" value="1"' in text(response)
    cast(client, poll, {"key": key, "blank": "1"})
    assert Ballot.objects.get(poll=poll).content == '{"blank":true}'


def test_cast_records_the_ballot_and_shows_the_receipt(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    delegate = world["delegates"]["centre_b"]
    scan(client, delegate)
    key = form_key(client.get(reverse("conferences:vote", args=[world["conference"].pk])))
    response = cast(client, poll, {"key": key, "choice": candidate(poll, world["centre_a"])})
    assert response.status_code == 200
    receipt = poll_services.receipt_for(poll.pk, key)
    assert f'data-testid="receipt-code">{receipt}<' in text(response)
    assert "Your vote has been recorded." in text(response)
    assert reverse("conferences:receipt", args=[poll.pk]) in text(response)
    assert VoterRoll.objects.get(poll=poll).delegate == delegate
    assert Ballot.objects.filter(poll=poll).count() == 1
    event = AuditEvent.objects.filter(action="poll.vote_recorded").get()
    assert event.actor_id is None  # the card, not an account


def test_a_retried_cast_returns_the_same_receipt_without_a_second_ballot(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    data = {"key": key, "choice": candidate(poll, world["centre_a"])}
    first = cast(client, poll, data)
    again = cast(client, poll, data)
    receipt = poll_services.receipt_for(poll.pk, key)
    assert receipt in text(first)
    assert receipt in text(again)
    assert "Your vote was already recorded; here is its receipt again." in text(again)
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_a_second_vote_is_shown_as_already_voted(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    cast(client, poll, {"key": str(uuid.uuid4()), "choice": candidate(poll, world["centre_a"])})
    response = cast(client, poll, {"key": str(uuid.uuid4()), "choice": candidate(poll, world["board"])})
    assert response.status_code == 200
    assert "You have already voted in this poll." in text(response)
    assert Ballot.objects.filter(poll=poll).count() == 1
    again = review(client, poll, {"key": str(uuid.uuid4()), "choice": candidate(poll, world["board"])})
    assert "You have voted in this poll." in text(again)
    without_htmx = client.post(
        reverse("conferences:ballot_cast", args=[poll.pk]),
        {"key": str(uuid.uuid4()), "choice": candidate(poll, world["board"])},
    )
    assert without_htmx.status_code == 409


def test_a_poll_closed_meanwhile_is_said_in_place(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    key = str(uuid.uuid4())
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    response = cast(client, poll, {"key": key, "choice": candidate(poll, world["centre_a"])})
    assert response.status_code == 200
    assert "This poll is closed." in text(response)
    assert not Ballot.objects.filter(poll=poll).exists()


def test_a_delegate_not_checked_in_is_told_to_check_in(client: Client, arriving: dict[str, Any]) -> None:
    actor = system_actor()
    for key in ("centre_b", "centre_c", "board"):
        delegate_services.delegate_check_in(actor=actor, delegate=arriving["delegates"][key])
    poll = selection_poll(arriving)
    client.force_login(arriving["voter_user"])  # centre A's delegate, signed in but not checked in
    page = client.get(reverse("conferences:vote", args=[arriving["conference"].pk]))
    assert "You are not checked in" in text(page)
    data = {"key": str(uuid.uuid4()), "choice": candidate(poll, arriving["centre_a"])}
    assert "Check in at the conference before voting." in text(review(client, poll, data))
    assert "Check in at the conference before voting." in text(cast(client, poll, data))
    assert not VoterRoll.objects.filter(poll=poll).exists()


def test_a_bad_key_is_refused_and_the_form_gets_a_new_one(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    response = cast(client, poll, {"key": "1", "choice": candidate(poll, world["centre_a"])})
    assert "The request key must be a random UUID." in text(response)
    assert uuid.UUID(form_key(response)).version == 4
    assert not VoterRoll.objects.filter(poll=poll).exists()


def test_without_a_seat_nobody_can_cast(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    data = {"key": str(uuid.uuid4()), "choice": candidate(poll, world["centre_a"])}
    response = cast(client, poll, data)
    assert response.status_code == 200
    assert "no longer linked to your seat" in text(response)
    assert client.post(reverse("conferences:ballot_cast", args=[poll.pk]), data).status_code == 403
    client.force_login(world["secretary"])  # an organiser has no seat either
    assert client.post(reverse("conferences:ballot_cast", args=[poll.pk]), data).status_code == 403
    assert not VoterRoll.objects.filter(poll=poll).exists()


def test_a_guest_cannot_cast(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["guest"])
    response = cast(client, poll, {"key": str(uuid.uuid4()), "choice": candidate(poll, world["centre_a"])})
    assert "Guests and delegates without a vote weight do not vote." in text(response)
    assert not VoterRoll.objects.filter(poll=poll).exists()


def test_an_approval_ballot_asks_every_answer(client: Client, world: dict[str, Any]) -> None:
    poll = approval_poll(world)
    scan(client, world["delegates"]["centre_a"])
    page = text(client.get(reverse("conferences:vote", args=[world["conference"].pk])))
    assert "Answer yes, no or abstain for each unit." in page
    b, c = candidate(poll, world["centre_b"]), candidate(poll, world["centre_c"])
    missing = review(client, poll, {"key": str(uuid.uuid4()), f"answer_{b}": "yes"})
    assert "Answer yes, no or abstain for every candidate" in text(missing)
    key = str(uuid.uuid4())
    data = {"key": key, f"answer_{b}": "yes", f"answer_{c}": "abstain"}
    reviewed = text(review(client, poll, data))
    assert f"{world['centre_b'].name}: Yes" in reviewed
    assert f"{world['centre_c'].name}: Abstain" in reviewed
    cast(client, poll, data)
    assert Ballot.objects.get(poll=poll).content == f'{{"answers":{{"{b}":"yes","{c}":"abstain"}}}}'


def test_an_election_ballot_has_a_head_and_deputies(client: Client, world: dict[str, Any]) -> None:
    poll = election_poll(world)
    scan(client, world["delegates"]["centre_a"])
    page = text(client.get(reverse("conferences:vote", args=[world["conference"].pk])))
    assert "Choose one unit as head and at most 1 unit as deputy." in page
    head = candidate(poll, world["centre_a"], "head")
    deputies = [candidate(poll, world["centre_b"], "deputy"), candidate(poll, world["centre_c"], "deputy")]
    too_many = review(client, poll, {"key": str(uuid.uuid4()), "head": head, "deputy": deputies})
    assert "Choose at most 1 unit as deputy." in text(too_many)
    data = {"key": str(uuid.uuid4()), "head": head, "deputy": deputies[:1]}
    reviewed = text(review(client, poll, data))
    assert f"Head: {world['centre_a'].name}" in reviewed
    assert f"Deputies: {world['centre_b'].name}" in reviewed
    assert "ballot-receipt" in text(cast(client, poll, data))


# --- the status poller -----------------------------------------------------------------------------------------------


def status(client: Client, conference: Any, state: str) -> Any:
    return client.get(reverse("conferences:vote_status", args=[conference.pk]), {"state": state}, **HTMX)


def page_state(client: Client, conference: Any) -> str:
    body = text(client.get(reverse("conferences:vote", args=[conference.pk])))
    match = re.search(r'data-state="([^"]*)"', body)
    assert match
    return match.group(1)


def test_the_status_answers_204_while_nothing_changed(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    selection_poll(world)
    approval_poll(world)
    scan(client, world["delegates"]["centre_b"])
    state = page_state(client, world["conference"])
    with django_assert_max_num_queries(4):  # session, conference, seat, open polls: every phone, every 5 s
        assert status(client, world["conference"], state).status_code == 204


def test_a_poll_that_opens_is_appended_without_touching_the_others(client: Client, world: dict[str, Any]) -> None:
    first = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    state = page_state(client, world["conference"])
    second = approval_poll(world)
    response = status(client, world["conference"], state)
    assert response.status_code == 200
    body = text(response)
    assert 'hx-swap-oob="beforeend:#poll-list"' in body
    assert f'id="poll-card-{second.pk}"' in body
    assert f'id="poll-card-{first.pk}"' not in body  # the ballot being filled stays as it is
    new_state = re.search(r'data-state="([^"]*)"', body)
    assert new_state
    assert status(client, world["conference"], new_state.group(1)).status_code == 204


def test_a_poll_that_closes_gets_a_notice(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    state = page_state(client, world["conference"])
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    body = text(status(client, world["conference"], state))
    assert f'<div id="poll-state-{poll.pk}" hx-swap-oob="true">' in body
    assert "Voting in this poll is closed." in body
    assert reverse("conferences:bulletin", args=[poll.pk]) in body
    assert f'id="ballot-{poll.pk}"' not in body  # a receipt on the screen is not wiped


def test_the_agenda_item_is_refreshed(client: Client, world: dict[str, Any]) -> None:
    scan(client, world["delegates"]["centre_b"])
    state = page_state(client, world["conference"])
    item = world["conference"].agenda.order_by("position").last()
    conference_services.conference_set_current_item(actor=world["secretary"], conference=world["conference"], item=item)
    body = text(status(client, world["conference"], state))
    assert 'id="vote-header" class="hall-who mb-3" hx-swap-oob="true"' in body
    assert item.title in body


def test_the_status_says_when_the_session_ended(client: Client, world: dict[str, Any]) -> None:
    response = status(client, world["conference"], "")
    assert response.status_code == 200
    assert "session-ended" in text(response)
    assert "hx-trigger" not in text(response)  # the polling stops


def test_no_open_poll_left_shows_the_empty_notice(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    scan(client, world["delegates"]["centre_b"])
    state = page_state(client, world["conference"])
    poll_services.poll_close(actor=world["secretary"], poll=poll)
    body = text(status(client, world["conference"], state))
    assert re.search(r'<p id="vote-empty" class="alert alert-light border" hx-swap-oob="true"', body)
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED
