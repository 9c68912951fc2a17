"""Poll endpoints: prepare, open, close, outcome with its arithmetic, paper fallback, bulletin, and who may do what."""

import json
import uuid
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.conferences import rules
from thidua.conferences.models import Ballot, Candidate, PaperCount, Poll, PollStatus, VoteChannel, VoterRoll
from thidua.conferences.services import delegates as delegate_services
from thidua.organizations.models import Unit

pytestmark = pytest.mark.django_db

MEMBERS = ("centre_a", "centre_b", "centre_c", "board")


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def card(delegate: Any) -> dict[str, Any]:
    return {"HTTP_X_DELEGATE_CARD": delegate_services.delegate_card_token(delegate)}


def poll_body(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Suy tôn đơn vị dẫn đầu",
        "kind": "selection",
        "candidates": [{"unit_id": world[key].pk} for key in MEMBERS],
        "min_choices": 1,
        "max_choices": 1,
        "seats": 1,
        **extra,
    }


def create(world: dict[str, Any], user: Any = None, **extra: Any) -> Any:
    client = signed_in(user or world["secretary"])
    return client.send("post", f"/api/conferences/{world['conference'].pk}/polls", poll_body(world, **extra))


def staff(world: dict[str, Any], make_user: Any) -> Any:
    """A clerk of a member unit: sees the conference, manages nothing."""
    return make_user(Role.UNIT_CLERK, unit=world["centre_b"])


def outsider(world: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.UNIT_CLERK, unit=world["other_dept"])


def vote(world: dict[str, Any], poll_id: int, key: str, unit_key: str) -> str:
    candidate = Candidate.objects.get(poll_id=poll_id, unit=world[unit_key])
    response = JsonClient().send(
        "post",
        f"/api/polls/{poll_id}/ballots",
        {"content": {"choices": [candidate.pk]}, "idempotency_key": str(uuid.uuid4())},
        **card(world["delegates"][key]),
    )
    assert response.status_code == 201, response.content
    receipt: str = response.json()["receipt"]
    return receipt


# ---------------------------------------------------------------- prepare


def test_create_shows_candidates_with_score_and_rank(world: dict[str, Any]) -> None:
    events = AuditEvent.objects.count()
    response = create(world)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["threshold"]["label"]
    by_unit = {c["unit"]["id"]: c for c in data["candidates"]}
    assert by_unit[world["centre_a"].pk]["rank"] == 1
    assert str(by_unit[world["centre_a"].pk]["score"]) in ("95.50", "95.5")
    assert data["progress"] == {
        "voted": 0,
        "voted_paper": 0,
        "voters_present": 4,
        "voters": 4,
        "waiting": 4,
        "label": "0/4",
    }
    assert AuditEvent.objects.count() == events + 1


def test_create_refusals(world: dict[str, Any], make_user: Any) -> None:
    polls, events = Poll.objects.count(), AuditEvent.objects.count()
    assert create(world, staff(world, make_user)).status_code == 403
    assert create(world, outsider(world, make_user)).json()["code"] == "not_found"
    bad_unit = create(world, candidates=[{"unit_id": 999999}])
    assert (bad_unit.status_code, bad_unit.json()["code"]) == (400, "invalid_reference")
    foreign = Unit.objects.create(code="NGOAI", name="Đơn vị ngoài khối", kind="centre", path="/x/")
    not_member = create(world, candidates=[{"unit_id": foreign.pk}])
    assert (not_member.status_code, not_member.json()["code"]) == (400, "not_member")
    bad_item = create(world, agenda_item_id=999999)
    assert bad_item.json() == {**bad_item.json(), "code": "invalid_reference", "field": "agenda_item_id"}
    bad_kind = create(world, kind="lottery")
    assert (bad_kind.status_code, bad_kind.json()["code"]) == (422, "invalid")
    assert (Poll.objects.count(), AuditEvent.objects.count()) == (polls, events)


def test_update_and_delete_a_draft(world: dict[str, Any], make_user: Any) -> None:
    poll_id = create(world).json()["id"]
    client = signed_in(world["secretary"])
    patched = client.send(
        "patch",
        f"/api/polls/{poll_id}",
        {
            "title": "Đơn vị dẫn đầu khối",
            "candidates": [{"unit_id": world["centre_a"].pk}, {"unit_id": world["board"].pk}],
        },
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Đơn vị dẫn đầu khối"
    assert [c["unit"]["id"] for c in patched.json()["candidates"]] == [world["centre_a"].pk, world["board"].pk]
    item = world["conference"].agenda.order_by("position").first()
    with_item = client.send("patch", f"/api/polls/{poll_id}", {"agenda_item_id": item.pk})
    assert with_item.json()["agenda_item_id"] == item.pk

    events = AuditEvent.objects.count()
    assert signed_in(staff(world, make_user)).send("patch", f"/api/polls/{poll_id}", {"title": "X"}).status_code == 403
    assert signed_in(staff(world, make_user)).delete(f"/api/polls/{poll_id}").status_code == 403
    assert signed_in(outsider(world, make_user)).delete(f"/api/polls/{poll_id}").status_code == 404
    assert AuditEvent.objects.count() == events

    assert client.delete(f"/api/polls/{poll_id}").status_code == 204
    assert not Poll.objects.filter(pk=poll_id).exists()
    assert client.get(f"/api/polls/{poll_id}").status_code == 404


def test_an_open_poll_cannot_be_changed_or_deleted(world: dict[str, Any]) -> None:
    poll_id = create(world).json()["id"]
    client = signed_in(world["secretary"])
    assert client.post(f"/api/polls/{poll_id}/open").status_code == 200
    events = AuditEvent.objects.count()
    assert client.send("patch", f"/api/polls/{poll_id}", {"title": "X"}).json()["code"] == "poll_not_draft"
    assert client.delete(f"/api/polls/{poll_id}").json()["code"] == "poll_not_draft"
    assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------- read, open, vote, close


def test_list_and_detail_for_organisers_staff_and_cards(world: dict[str, Any], make_user: Any) -> None:
    poll_id = create(world).json()["id"]
    url = f"/api/conferences/{world['conference'].pk}/polls"
    assert [p["id"] for p in signed_in(staff(world, make_user)).get(url).json()] == [poll_id]
    assert [p["id"] for p in JsonClient().get(url, **card(world["delegates"]["board"])).json()] == [poll_id]
    assert signed_in(outsider(world, make_user)).get(url).status_code == 404
    assert JsonClient().get(url).status_code == 401
    detail = JsonClient().get(f"/api/polls/{poll_id}", **card(world["delegates"]["board"])).json()
    assert detail["has_voted"] is False
    assert signed_in(world["secretary"]).get(f"/api/polls/{poll_id}").json()["has_voted"] is None
    assert signed_in(outsider(world, make_user)).get(f"/api/polls/{poll_id}").status_code == 404


def test_open_vote_close_outcome_and_bulletin(world: dict[str, Any], make_user: Any) -> None:
    poll_id = create(world).json()["id"]
    secretary = signed_in(world["secretary"])
    assert signed_in(staff(world, make_user)).post(f"/api/polls/{poll_id}/open").status_code == 403
    opened = secretary.post(f"/api/polls/{poll_id}/open")
    assert opened.status_code == 200, opened.content
    assert opened.json()["status"] == "open"
    assert AuditEvent.objects.order_by("-seq").first().action == "poll.open"  # type: ignore[union-attr]

    receipts = [vote(world, poll_id, key, "centre_a") for key in ("centre_a", "centre_b", "centre_c")]
    receipts.append(vote(world, poll_id, "board", "centre_b"))
    detail = JsonClient().get(f"/api/polls/{poll_id}", **card(world["delegates"]["board"])).json()
    assert detail["has_voted"] is True
    assert detail["progress"]["label"] == "4/4"

    outcome_url = f"/api/polls/{poll_id}/outcome"
    assert secretary.get(outcome_url).json()["code"] == "poll_not_closed"
    assert secretary.get(f"/api/polls/{poll_id}/bulletin").status_code == 409
    assert signed_in(staff(world, make_user)).post(f"/api/polls/{poll_id}/close").status_code == 403

    closed = secretary.post(f"/api/polls/{poll_id}/close")
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["bulletin_head"]

    outcome = JsonClient().get(outcome_url, **card(world["delegates"]["board"]))
    assert outcome.status_code == 200, outcome.content
    data = outcome.json()
    winner = Candidate.objects.get(poll_id=poll_id, unit=world["centre_a"]).pk
    assert data["outcome"]["elected"] == [winner]
    assert data["explanation"]
    assert all(isinstance(line, str) and line for line in data["explanation"])
    assert signed_in(outsider(world, make_user)).get(outcome_url).status_code == 404

    bulletin = signed_in(staff(world, make_user)).get(f"/api/polls/{poll_id}/bulletin").json()
    assert len(bulletin["entries"]) == 4
    assert bulletin["head"] == closed.json()["bulletin_head"]
    assert bulletin["genesis"] == rules.genesis(bulletin["genesis_identity"])
    # Anyone can recompute the chain and the tally from the bulletin alone.
    entries = [
        rules.BulletinEntry(e["ballot_id"], e["weight"], e["content"], e["receipt_hash"]) for e in bulletin["entries"]
    ]
    links = [e["link_hash"] for e in bulletin["entries"]]
    assert rules.verify_chain(entries, links, poll_identity=bulletin["genesis_identity"]) is None
    assert links[-1] == bulletin["head"]
    spec = bulletin["spec"]
    recomputed = rules.recount(
        rules.PollSpec(
            kind=rules.PollKind(spec["kind"]),
            candidates=[rules.Candidate(key=c["key"], name=c["name"], unit=c["unit"]) for c in spec["candidates"]],
            threshold=rules.Threshold(
                spec["threshold"]["numerator"], spec["threshold"]["denominator"], strict=spec["threshold"]["strict"]
            ),
            base=rules.Base(spec["base"]),
            tie_rule=rules.TieRule(spec["tie_rule"]),
            min_choices=spec["min_choices"],
            max_choices=spec["max_choices"],
            seats=spec["seats"],
        ),
        entries,
        present_weight=bulletin["present_weight"],
        entitled_weight=bulletin["entitled_weight"],
    )
    assert list(recomputed.elected) == [winner]
    for receipt in receipts:
        assert rules.find_receipt(receipt, entries) is not None
    # Nothing in the bulletin names a voter.
    names = [d.full_name for d in world["delegates"].values()]
    assert not any(name in json.dumps(bulletin, ensure_ascii=False) for name in names)


def test_close_refused_when_not_open(world: dict[str, Any]) -> None:
    poll_id = create(world).json()["id"]
    events = AuditEvent.objects.count()
    response = signed_in(world["secretary"]).post(f"/api/polls/{poll_id}/close")
    assert (response.status_code, response.json()["code"]) == (400, "poll_not_open")
    assert AuditEvent.objects.count() == events


def test_open_without_quorum_is_refused(planned: dict[str, Any]) -> None:
    from thidua.conferences.services import conference as conference_services

    conference_services.conference_open(actor=planned["actor"], conference=planned["conference"])
    poll_id = create(planned).json()["id"]
    events = AuditEvent.objects.count()
    response = signed_in(planned["secretary"]).post(f"/api/polls/{poll_id}/open")
    assert (response.status_code, response.json()["code"]) == (400, "no_quorum")
    assert Poll.objects.get(pk=poll_id).status == PollStatus.DRAFT
    assert AuditEvent.objects.count() == events


# ---------------------------------------------------------------- paper fallback


def test_paper_ballots_count_and_confirmation(world: dict[str, Any], make_user: Any) -> None:
    poll_id = create(world).json()["id"]
    secretary = signed_in(world["secretary"])
    secretary.post(f"/api/polls/{poll_id}/open")
    board = world["delegates"]["board"]

    assert (
        signed_in(staff(world, make_user))
        .send("post", f"/api/polls/{poll_id}/paper-ballots", {"delegate_ids": [board.pk]})
        .status_code
        == 403
    )
    unknown = secretary.send("post", f"/api/polls/{poll_id}/paper-ballots", {"delegate_ids": [999999]})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid_reference")
    issued = secretary.send("post", f"/api/polls/{poll_id}/paper-ballots", {"delegate_ids": [board.pk]})
    assert issued.status_code == 200, issued.content
    assert issued.json()["issued"] == [board.pk]
    assert VoterRoll.objects.get(poll_id=poll_id, delegate=board).channel == VoteChannel.PAPER
    # Who took a paper ballot cannot vote electronically too.
    candidate = Candidate.objects.get(poll_id=poll_id, unit=world["centre_b"])
    again = JsonClient().send(
        "post",
        f"/api/polls/{poll_id}/ballots",
        {"content": {"choices": [candidate.pk]}, "idempotency_key": str(uuid.uuid4())},
        **card(board),
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_voted")
    assert not Ballot.objects.filter(poll_id=poll_id).exists()

    for key in ("centre_a", "centre_b", "centre_c"):
        vote(world, poll_id, key, "centre_a")
    closing = secretary.post(f"/api/polls/{poll_id}/close")
    assert closing.json()["code"] == "paper_count_unconfirmed"
    assert secretary.get(f"/api/polls/{poll_id}/paper-count").json()["code"] == "no_paper_count"

    too_many = secretary.send(
        "put", f"/api/polls/{poll_id}/paper-count", {"counts": {"votes": {str(candidate.pk): 1}}, "ballots": 2}
    )
    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_paper_ballots")
    entered = secretary.send(
        "put", f"/api/polls/{poll_id}/paper-count", {"counts": {"votes": {str(candidate.pk): 1}}, "ballots": 1}
    )
    assert entered.status_code == 200, entered.content
    assert entered.json()["entered_by"] == "thuky"
    assert entered.json()["confirmed_by"] is None
    assert signed_in(staff(world, make_user)).get(f"/api/polls/{poll_id}/paper-count").status_code == 403

    same = secretary.post(f"/api/polls/{poll_id}/paper-count/confirm")
    assert (same.status_code, same.json()["code"]) == (400, "same_person")
    confirmed = signed_in(world["head"]).post(f"/api/polls/{poll_id}/paper-count/confirm")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["confirmed_by"] == "khoitruong"
    assert PaperCount.objects.get(poll_id=poll_id).confirmed_by == world["head"]

    closed = secretary.post(f"/api/polls/{poll_id}/close")
    assert closed.status_code == 200, closed.content
    bulletin = secretary.get(f"/api/polls/{poll_id}/bulletin").json()
    assert bulletin["paper"]["ballots"] == 1
    assert len(bulletin["entries"]) == 3
    outcome = secretary.get(f"/api/polls/{poll_id}/outcome").json()["outcome"]
    assert outcome["valid"] == 4
