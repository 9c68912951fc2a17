"""The hall's shared screens: the projector, the published bulletin (page and JSON) and the receipt check."""

import json
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.conferences import rules
from thidua.conferences.models import Poll
from thidua.conferences.services import conference as conference_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.tests.test_views_hall_vote import (
    HTMX,
    approval_poll,
    candidate,
    election_poll,
    english_client,
    scan,
    selection_poll,
    text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return english_client()


def vote(world: dict[str, Any], poll: Poll, votes: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Cast each delegate's content; the receipts by delegate key."""
    return {
        key: poll_services.poll_cast(
            actor=None, poll=poll, delegate=world["delegates"][key], content=content, idempotency_key=str(uuid.uuid4())
        ).receipt
        for key, content in votes.items()
    }


def closed_leading_poll(world: dict[str, Any]) -> tuple[Poll, dict[str, str]]:
    poll = selection_poll(world)
    a, b = candidate(poll, world["centre_a"]), candidate(poll, world["centre_b"])
    receipts = vote(
        world,
        poll,
        {
            "centre_a": {"choices": [a]},
            "centre_b": {"choices": [a]},
            "centre_c": {"choices": [a]},
            "board": {"choices": [b]},
        },
    )
    return poll_services.poll_close(actor=world["secretary"], poll=poll), receipts


# --- projector -------------------------------------------------------------------------------------------------------


def projector(client: Client, world: dict[str, Any], **params: Any) -> Any:
    return client.get(reverse("conferences:projector", args=[world["conference"].pk]), params)


def live(client: Client, world: dict[str, Any], state: str) -> Any:
    return client.get(reverse("conferences:projector_live", args=[world["conference"].pk]), {"state": state}, **HTMX)


def chart_config(body: str, poll: Poll) -> dict[str, Any]:
    """The Chart.js config the result's canvas carries in its data-chart-config attribute (`body` unescaped)."""
    match = re.search(rf'<canvas id="chart-result-{poll.pk}" data-chart-config="(.*?)" role="img"', body)
    assert match
    config: dict[str, Any] = json.loads(match.group(1))
    return config


def state_of(response: Any) -> str:
    match = re.search(r'data-testid="projector-live" data-state="([0-9a-f]+)"', text(response))
    assert match
    return match.group(1)


def test_the_projector_shows_the_item_the_quorum_and_the_count(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    client.force_login(world["secretary"])
    response = projector(client, world)
    assert response.status_code == 200
    body = text(response)
    assert world["conference"].current_item.title in body
    assert "Present: 4 of 4 votes" in body
    assert "quorum (more than 1/2)" in body
    assert poll.title in body
    assert "0 of 4 have voted" in body
    assert 'hx-trigger="every 2s"' in body


def test_the_live_fragment_answers_204_until_someone_votes(
    client: Client, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    poll = selection_poll(world)
    approval_poll(world)
    client.force_login(world["secretary"])
    state = state_of(projector(client, world))
    with django_assert_max_num_queries(12):  # session, user, permission, polls, 2 per open poll, roll: no recount
        assert live(client, world, state).status_code == 204
    vote(world, poll, {"centre_b": {"choices": [candidate(poll, world["centre_a"])]}})
    response = live(client, world, state)
    assert response.status_code == 200
    assert "1 of 4 have voted" in text(response)
    assert "<html" not in text(response)
    assert state_of(response) != state


def test_after_the_close_the_projector_shows_the_result_with_a_chart(client: Client, world: dict[str, Any]) -> None:
    poll, _receipts = closed_leading_poll(world)
    client.force_login(world["head"])
    body = text(projector(client, world))
    assert 'data-testid="projector-result"' in body
    assert re.search(r"Elected:</span>\s*<strong>" + re.escape(world["centre_a"].name), body)
    assert "Threshold: more than 1/2 of 4 → at least 3 votes." in body
    assert f"{world['centre_a'].name}: 3 votes (75.0 %) — passes." in body
    config = chart_config(body, poll)
    assert config["type"] == "bar"
    labels = config["data"]["labels"]
    votes = dict(zip(labels, config["data"]["datasets"][0]["data"], strict=True))
    assert votes[world["centre_a"].name] == 3
    assert votes[world["centre_b"].name] == 1
    assert "<script id=" not in body  # htmx would drop a json_script from the live fragment
    assert "js/charts.js" in body


def test_the_projector_pins_a_poll_and_draws_approval_and_election_results(
    client: Client, world: dict[str, Any]
) -> None:
    approval = approval_poll(world)
    b, c = candidate(approval, world["centre_b"]), candidate(approval, world["centre_c"])
    vote(world, approval, {k: {"answers": {str(b): "yes", str(c): "no"}} for k in ("centre_a", "centre_b", "board")})
    approval = poll_services.poll_close(actor=world["secretary"], poll=approval)
    election = election_poll(world)
    head = candidate(election, world["centre_a"], "head")
    deputy = candidate(election, world["centre_b"], "deputy")
    vote(world, election, {k: {"head": [head], "deputy": [deputy]} for k in ("centre_a", "centre_c", "board")})
    poll_services.poll_close(actor=world["secretary"], poll=election)
    client.force_login(world["secretary"])
    body = text(projector(client, world))
    assert "Head:</span>" in body
    assert "Deputies:</span>" in body
    pinned = text(projector(client, world, poll=approval.pk))
    assert "Approved:</span>" in pinned
    config = chart_config(pinned, approval)
    assert [d["label"] for d in config["data"]["datasets"]] == ["Yes", "No", "Abstain"]


@pytest.mark.parametrize("who", ["voter_user", "anonymous", "clerk"])
def test_only_organisers_see_the_projector(client: Client, world: dict[str, Any], make_user: Any, who: str) -> None:
    if who == "clerk":
        client.force_login(make_user(Role.UNIT_CLERK, unit=world["centre_b"]))
    elif who == "voter_user":
        client.force_login(world["voter_user"])
    response = projector(client, world)
    if who == "anonymous":
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    else:
        assert response.status_code == 403
        assert live(client, world, "").status_code == 403


# --- bulletin --------------------------------------------------------------------------------------------------------


def test_the_bulletin_is_published_at_the_close(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    vote(world, poll, {"centre_b": {"choices": [candidate(poll, world["centre_a"])]}})
    client.force_login(world["secretary"])
    response = client.get(reverse("conferences:bulletin", args=[poll.pk]))
    assert response.status_code == 200
    assert "The bulletin is published when the poll closes." in text(response)
    assert 'data-testid="bulletin-table"' not in text(response)
    as_json = client.get(reverse("conferences:bulletin_json", args=[poll.pk]))
    assert as_json.status_code == 409
    assert as_json.json()["code"] == "bulletin_not_published"


def test_the_bulletin_lists_every_ballot_with_names_hashes_and_the_final_hash(
    client: Client, world: dict[str, Any], make_user: Any
) -> None:
    poll, receipts = closed_leading_poll(world)
    client.force_login(make_user(Role.UNIT_CLERK, unit=world["centre_c"]))  # staff of a member unit may view
    response = client.get(reverse("conferences:bulletin", args=[poll.pk]))
    assert response.status_code == 200
    body = text(response)
    assert poll.bulletin_head in body
    assert poll_services.bulletin_genesis(poll) in body
    assert body.count("<tr data-ballot=") == 4
    assert body.count(f"<td>{world['centre_a'].name}</td>") == 3
    for receipt in receipts.values():
        assert rules.receipt_hash(receipt) in body
    assert "How to recompute it" in body
    assert reverse("conferences:bulletin_json", args=[poll.pk]) in body


def test_the_session_delegate_may_read_the_bulletin(client: Client, world: dict[str, Any]) -> None:
    poll, _receipts = closed_leading_poll(world)
    scan(client, world["delegates"]["board"])
    assert client.get(reverse("conferences:bulletin", args=[poll.pk])).status_code == 200
    assert client.get(reverse("conferences:bulletin_json", args=[poll.pk])).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_strangers_do_not_see_the_bulletin(client: Client, world: dict[str, Any], make_user: Any, who: str) -> None:
    poll, _receipts = closed_leading_poll(world)
    if who == "viewer":
        client.force_login(make_user(Role.VIEWER))
    assert client.get(reverse("conferences:bulletin", args=[poll.pk])).status_code == 403
    assert client.get(reverse("conferences:bulletin_json", args=[poll.pk])).status_code == 403
    assert client.get(reverse("conferences:receipt", args=[poll.pk])).status_code == 403


def test_a_missing_poll_is_404(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["secretary"])
    assert client.get(reverse("conferences:bulletin", args=[999999])).status_code == 404
    assert client.get(reverse("conferences:projector", args=[999999])).status_code == 404


def spec_from_document(document: dict[str, Any]) -> rules.PollSpec:
    """What a stranger would write to recount the downloaded bulletin with the rules."""
    spec = document["spec"]
    threshold = spec["threshold"]
    return rules.PollSpec(
        kind=rules.PollKind(spec["kind"]),
        candidates=[
            rules.Candidate(
                key=c["id"],
                name=c["name"],
                group=c["group"] or None,
                score=Decimal(c["score"]) if c["score"] is not None else None,
                rank=c["rank"],
                unit=c["unit_id"],
            )
            for c in spec["candidates"]
        ],
        threshold=rules.Threshold(threshold["numerator"], threshold["denominator"], strict=threshold["strict"]),
        base=rules.Base(spec["base"]),
        tie_rule=rules.TieRule(spec["tie_rule"]),
        min_choices=spec["min_choices"],
        max_choices=spec["max_choices"],
        seats=spec["seats"],
    )


def test_the_json_bulletin_recounts_to_the_announced_outcome(client: Client, world: dict[str, Any]) -> None:
    poll, receipts = closed_leading_poll(world)
    client.force_login(world["secretary"])
    response = client.get(reverse("conferences:bulletin_json", args=[poll.pk]))
    assert response.status_code == 200
    assert f"bulletin-poll-{poll.pk}.json" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["poll"]["id"] == poll.pk
    assert document["bulletin_head"] == poll.bulletin_head
    assert document["genesis"] == poll_services.bulletin_genesis(poll)
    assert document["spec"]["present_weight"] == 4
    assert document["spec"]["paper"] is None
    entries = [
        rules.BulletinEntry(e["ballot_id"], e["weight"], e["content"], e["receipt_hash"]) for e in document["entries"]
    ]
    links = [e["link_hash"] for e in document["entries"]]
    assert rules.verify_chain(entries, links, poll_identity=document["genesis"]) is None
    assert links[-1] == document["bulletin_head"]
    spec = spec_from_document(document)
    outcome = rules.recount(
        spec,
        entries,
        present_weight=document["spec"]["present_weight"],
        entitled_weight=document["spec"]["entitled_weight"],
    )
    stored = dict(document["outcome"])
    stored.pop("quorum")  # the conference's rule, not part of the bulletin's recount
    assert poll_services.outcome_to_json(outcome, spec) == stored
    assert all(rules.find_receipt(r, entries) for r in receipts.values())


# --- receipt check ---------------------------------------------------------------------------------------------------


def check(client: Client, poll: Poll, code: str) -> Any:
    return client.post(reverse("conferences:receipt", args=[poll.pk]), {"receipt": code})


def test_a_receipt_is_found_on_its_bulletin_line(client: Client, world: dict[str, Any]) -> None:
    poll, receipts = closed_leading_poll(world)
    scan(client, world["delegates"]["board"])
    assert client.get(reverse("conferences:receipt", args=[poll.pk])).status_code == 200
    entries = poll_services.bulletin_of(poll)
    wanted = rules.receipt_hash(receipts["board"])
    line = next(i for i, e in enumerate(entries, start=1) if e.receipt_hash == wanted)
    response = check(client, poll, receipts["board"].lower().replace("-", " "))  # typed loosely
    assert response.status_code == 200
    assert f"Your ballot is in the bulletin, line {line}." in text(response)
    assert world["centre_b"].name in text(response)  # what it chose


def test_a_malformed_receipt_is_refused(client: Client, world: dict[str, Any]) -> None:
    poll, receipts = closed_leading_poll(world)
    client.force_login(world["secretary"])
    tampered = receipts["board"][:-1] + ("A" if receipts["board"][-1] != "A" else "B")
    for code in ("", "hello", tampered):
        response = check(client, poll, code)
        assert response.status_code == 400
        assert "This receipt code is not valid: check the 16 characters." in text(response)


def test_a_well_formed_receipt_that_is_not_in_the_bulletin(client: Client, world: dict[str, Any]) -> None:
    poll, _receipts = closed_leading_poll(world)
    client.force_login(world["secretary"])
    response = check(client, poll, poll_services.receipt_for(poll.pk, str(uuid.uuid4())))
    assert response.status_code == 200
    assert "No ballot in this poll's bulletin has this receipt code." in text(response)


def test_while_the_poll_is_open_receipts_are_checked_at_the_close(client: Client, world: dict[str, Any]) -> None:
    poll = selection_poll(world)
    receipts = vote(world, poll, {"centre_b": {"choices": [candidate(poll, world["centre_a"])]}})
    scan(client, world["delegates"]["centre_b"])
    response = check(client, poll, receipts["centre_b"])
    assert response.status_code == 200
    assert "The bulletin is published when the poll closes: check your receipt then." in text(response)
    assert "Your ballot is in the bulletin" not in text(response)


def test_after_the_conference_closes_the_bulletin_stays_readable(client: Client, world: dict[str, Any]) -> None:
    poll, _receipts = closed_leading_poll(world)
    conference_services.conference_close(actor=world["head"], conference=world["conference"])
    client.force_login(world["secretary"])
    assert client.get(reverse("conferences:bulletin", args=[poll.pk])).status_code == 200
    body = text(projector(client, world))
    assert "The conference is closed." in body
