"""Conference, agenda, roll and check-in endpoints, the delegate card's own endpoints, and who may do what."""

import datetime as dt
from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient
from thidua.audit.models import AuditEvent
from thidua.conferences.models import AgendaItem, Conference, ConferenceStatus, Delegate
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> JsonClient:
    client = JsonClient()
    client.force_login(user)
    return client


def card(delegate: Any) -> dict[str, Any]:
    return {"HTTP_X_DELEGATE_CARD": delegate_services.delegate_card_token(delegate)}


def staff(world: dict[str, Any], make_user: Any) -> Any:
    """A clerk of a member unit: sees the conference, manages nothing."""
    return make_user(Role.UNIT_CLERK, unit=world["centre_b"])


def outsider(world: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.UNIT_CLERK, unit=world["other_dept"])


def events() -> int:
    return AuditEvent.objects.count()


def last_action() -> str:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event.action


# ---------------------------------------------------------------- conferences


def test_list_shows_only_visible_conferences(world: dict[str, Any], make_user: Any) -> None:
    conference = world["conference"]
    assert [c["id"] for c in signed_in(world["head"]).get("/api/conferences").json()] == [conference.pk]
    staff_rows = signed_in(staff(world, make_user)).get("/api/conferences", {"block_year": conference.block_year_id})
    assert [c["id"] for c in staff_rows.json()] == [conference.pk]
    assert signed_in(staff(world, make_user)).get("/api/conferences", {"block_year": 999999}).json() == []
    assert signed_in(outsider(world, make_user)).get("/api/conferences").json() == []
    assert JsonClient().get("/api/conferences").status_code == 401


def test_create_for_a_block_year(tree: dict[str, Any], make_user: Any) -> None:
    head = make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])
    secretary = make_user()
    url = f"/api/block-years/{tree['block_year'].pk}/conferences"
    data = {
        "title": "Hội nghị tổng kết",
        "starts_at": "2026-01-16T08:00:00+07:00",
        "place": "Hội trường",
        "secretary_id": secretary.pk,
        "quorum_numerator": 2,
        "quorum_denominator": 3,
        "quorum_strict": False,
    }
    before = events()
    response = signed_in(head).send("post", url, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "planned"
    assert body["secretary"] == secretary.get_username()
    assert body["quorum"]["numerator"] == 2
    assert body["quorum"]["label"]
    assert len(body["agenda"]) == 6
    assert body["roll"]["delegates"] == 0
    assert body["can_manage"] is True
    assert events() == before + 1
    assert last_action() == "conference.create"


def test_create_refusals(tree: dict[str, Any], make_user: Any) -> None:
    url = f"/api/block-years/{tree['block_year'].pk}/conferences"
    data = {"title": "X", "starts_at": "2026-01-16T08:00:00+07:00", "place": "Y"}
    count, before = Conference.objects.count(), events()
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    assert signed_in(clerk).send("post", url, data).json()["code"] == "permission_denied"
    admin = make_user(is_superuser=True)
    assert signed_in(admin).send("post", "/api/block-years/999999/conferences", data).status_code == 404
    blank = signed_in(admin).send("post", url, {**data, "title": "  "})
    assert (blank.status_code, blank.json()["code"], blank.json()["field"]) == (400, "required", "title")
    quorum = signed_in(admin).send("post", url, {**data, "quorum_numerator": 3, "quorum_denominator": 2})
    assert (quorum.status_code, quorum.json()["code"]) == (400, "invalid_quorum")
    secretary = signed_in(admin).send("post", url, {**data, "secretary_id": 999999})
    assert (secretary.status_code, secretary.json()["code"]) == (400, "invalid_reference")
    assert (Conference.objects.count(), events()) == (count, before)


def test_detail_for_organisers_staff_cards_and_outsiders(world: dict[str, Any], make_user: Any) -> None:
    url = f"/api/conferences/{world['conference'].pk}"
    organiser = signed_in(world["secretary"]).get(url).json()
    assert organiser["can_manage"] is True
    assert organiser["roll"] == {
        "delegates": 5,
        "voters": 4,
        "voters_present": 4,
        "guests": 1,
        "guests_present": 1,
        "present_weight": 4,
        "entitled_weight": 4,
        "quorum_label": organiser["roll"]["quorum_label"],
        "quorum_met": True,
    }
    assert signed_in(staff(world, make_user)).get(url).json()["can_manage"] is False
    assert JsonClient().get(url, **card(world["delegates"]["board"])).json()["can_manage"] is False
    assert signed_in(outsider(world, make_user)).get(url).status_code == 404
    assert signed_in(world["head"]).get("/api/conferences/999999").status_code == 404
    summary = JsonClient().get(f"{url}/roll-summary", **card(world["guest"]))
    assert summary.json()["present_weight"] == 4


def test_update_open_current_item_and_close(planned: dict[str, Any], make_user: Any) -> None:
    conference = planned["conference"]
    url = f"/api/conferences/{conference.pk}"
    secretary = signed_in(planned["secretary"])
    before = events()
    assert signed_in(staff(planned, make_user)).send("patch", url, {"place": "Khác"}).status_code == 403
    assert signed_in(outsider(planned, make_user)).send("patch", url, {"place": "Khác"}).status_code == 404
    assert signed_in(staff(planned, make_user)).post(f"{url}/open").status_code == 403
    assert events() == before

    patched = secretary.send("patch", url, {"place": "Phòng họp số 2", "quorum_numerator": 2, "quorum_denominator": 3})
    assert patched.status_code == 200, patched.content
    assert patched.json()["place"] == "Phòng họp số 2"
    assert (patched.json()["quorum"]["numerator"], patched.json()["quorum"]["denominator"]) == (2, 3)
    assert last_action() == "conference.update"

    opened = secretary.post(f"{url}/open")
    assert opened.status_code == 200, opened.content
    assert opened.json()["status"] == "open"
    again = secretary.post(f"{url}/open")
    assert (again.status_code, again.json()["code"]) == (400, "conference_not_planned")

    items = list(conference.agenda.order_by("position"))
    moved = secretary.send("put", f"{url}/current-item", {"item_id": items[2].pk})
    assert moved.json()["current_item_id"] == items[2].pk
    cleared = secretary.send("put", f"{url}/current-item", {"item_id": None})
    assert cleared.json()["current_item_id"] is None
    other = AgendaItem.objects.exclude(conference=conference).first()
    foreign = secretary.send("put", f"{url}/current-item", {"item_id": other.pk if other else 999999})
    assert (foreign.status_code, foreign.json()["code"]) == (400, "invalid_reference")

    # Closing hands the leadership over: the block head or an officer, not the secretary.
    before = events()
    assert secretary.send("post", f"{url}/close", {}).status_code == 403
    assert events() == before
    closed = signed_in(planned["head"]).send("post", f"{url}/close", {"conclusions": "Hội nghị thành công."})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert closed.json()["conclusions"] == "Hội nghị thành công."
    assert Conference.objects.get(pk=conference.pk).status == ConferenceStatus.CLOSED


def test_close_refused_while_a_poll_is_open(world: dict[str, Any]) -> None:
    poll = poll_services.poll_create(
        actor=world["secretary"],
        conference=world["conference"],
        title="Q",
        kind="selection",
        candidates=[CandidateInput(unit=world["centre_a"]), CandidateInput(unit=world["centre_b"])],
        max_choices=1,
        seats=1,
    )
    poll_services.poll_open(actor=world["secretary"], poll=poll)
    before = events()
    response = signed_in(world["head"]).send("post", f"/api/conferences/{world['conference'].pk}/close", {})
    assert (response.status_code, response.json()["code"]) == (400, "polls_still_open")
    assert events() == before


# ---------------------------------------------------------------- agenda


def test_agenda_add_update_reorder_remove(world: dict[str, Any], make_user: Any) -> None:
    conference = world["conference"]
    url = f"/api/conferences/{conference.pk}/agenda"
    secretary = signed_in(world["secretary"])
    assert len(JsonClient().get(url, **card(world["guest"])).json()) == 6

    added = secretary.send("post", url, {"title": "Phát biểu của khách mời", "presenter": "Ban TĐKT"})
    assert added.status_code == 201, added.content
    item_id = added.json()["id"]
    assert added.json()["position"] == 7
    assert last_action() == "agenda_item.add"

    patched = secretary.send("patch", f"/api/agenda-items/{item_id}", {"kind": "other", "notes": "10 phút"})
    assert patched.json()["notes"] == "10 phút"
    bad_kind = secretary.send("patch", f"/api/agenda-items/{item_id}", {"kind": "party"})
    assert bad_kind.status_code == 422

    ids = [row["id"] for row in secretary.get(url).json()]
    reordered = secretary.send("put", f"{url}/order", {"item_ids": [ids[-1], *ids[:-1]]})
    assert reordered.status_code == 200, reordered.content
    assert [row["id"] for row in secretary.get(url).json()] == [ids[-1], *ids[:-1]]
    before = events()
    incomplete = secretary.send("put", f"{url}/order", {"item_ids": ids[:-1]})
    assert (incomplete.status_code, incomplete.json()["code"]) == (400, "invalid_order")
    clerk = signed_in(staff(world, make_user))
    assert clerk.send("post", url, {"title": "X"}).status_code == 403
    assert clerk.send("patch", f"/api/agenda-items/{item_id}", {"title": "X"}).status_code == 403
    assert clerk.delete(f"/api/agenda-items/{item_id}").status_code == 403
    assert signed_in(outsider(world, make_user)).delete(f"/api/agenda-items/{item_id}").status_code == 404
    assert events() == before

    assert secretary.delete(f"/api/agenda-items/{item_id}").status_code == 204
    assert not AgendaItem.objects.filter(pk=item_id).exists()
    assert last_action() == "agenda_item.remove"


# ---------------------------------------------------------------- delegates


def test_the_roll_shows_card_tokens_to_organisers_only(world: dict[str, Any], make_user: Any) -> None:
    url = f"/api/conferences/{world['conference'].pk}/delegates"
    rows = signed_in(world["secretary"]).get(url).json()
    assert len(rows) == 5
    assert rows[-1]["is_guest"] is True
    for row in rows:
        delegate = Delegate.objects.get(pk=row["id"])
        assert row["card_token"] == delegate_services.delegate_card_token(delegate)
    staff_rows = signed_in(staff(world, make_user)).get(url).json()
    assert [row["card_token"] for row in staff_rows] == [None] * 5
    assert signed_in(outsider(world, make_user)).get(url).status_code == 404
    # A card is for the hall: it does not open the roll.
    assert JsonClient().get(url, **card(world["delegates"]["board"])).status_code == 401
    one = signed_in(staff(world, make_user)).get(f"/api/delegates/{rows[0]['id']}").json()
    assert one["card_token"] is None


def test_add_fill_update_remove(planned: dict[str, Any], make_user: Any) -> None:
    conference = planned["conference"]
    url = f"/api/conferences/{conference.pk}/delegates"
    secretary = signed_in(planned["secretary"])
    guest = secretary.send("post", url, {"full_name": "Khách mời", "organisation": "Báo Quảng Trị", "is_guest": True})
    assert guest.status_code == 201, guest.content
    assert (guest.json()["weight"], guest.json()["can_vote"]) == (0, False)
    assert guest.json()["card_token"]
    second = secretary.send("post", url, {"unit_id": planned["centre_a"].pk, "full_name": "Phó giám đốc"})
    assert second.json()["weight"] == 0  # the unit's vote is already carried

    before = (Delegate.objects.count(), events())
    no_unit = secretary.send("post", url, {"full_name": "Không đơn vị"})
    assert (no_unit.status_code, no_unit.json()["code"]) == (400, "required")
    bad_unit = secretary.send("post", url, {"full_name": "X", "unit_id": 999999})
    assert (bad_unit.status_code, bad_unit.json()["code"], bad_unit.json()["field"]) == (
        400,
        "invalid_reference",
        "unit_id",
    )
    assert signed_in(staff(planned, make_user)).send("post", url, {"full_name": "X", "is_guest": True}).status_code == (
        403
    )
    assert (Delegate.objects.count(), events()) == before

    Delegate.objects.filter(pk=planned["delegates"]["board"].pk).delete()
    filled = secretary.post(f"{url}/fill")
    assert filled.status_code == 201, filled.content
    assert [row["unit"]["id"] for row in filled.json()] == [planned["board"].pk]

    delegate_id = second.json()["id"]
    patched = secretary.send("patch", f"/api/delegates/{delegate_id}", {"job_title": "Phó Giám đốc", "weight": 1})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["job_title"], patched.json()["weight"]) == ("Phó Giám đốc", 1)
    bad_weight = secretary.send("patch", f"/api/delegates/{delegate_id}", {"weight": 500})
    assert bad_weight.status_code == 422

    before = (Delegate.objects.count(), events())
    assert signed_in(staff(planned, make_user)).delete(f"/api/delegates/{delegate_id}").status_code == 403
    assert signed_in(outsider(planned, make_user)).delete(f"/api/delegates/{delegate_id}").status_code == 404
    assert (Delegate.objects.count(), events()) == before
    assert secretary.delete(f"/api/delegates/{delegate_id}").status_code == 204
    assert not Delegate.objects.filter(pk=delegate_id).exists()
    assert last_action() == "delegate.remove"


def test_check_in_undo_and_reissue_card(planned: dict[str, Any], make_user: Any) -> None:
    delegate = planned["delegates"]["centre_b"]
    url = f"/api/delegates/{delegate.pk}"
    secretary = signed_in(planned["secretary"])
    signed_in(planned["head"]).post(f"/api/conferences/{planned['conference'].pk}/open")

    before = events()
    assert signed_in(staff(planned, make_user)).post(f"{url}/check-in").status_code == 403
    assert signed_in(outsider(planned, make_user)).post(f"{url}/check-in").status_code == 404
    assert events() == before
    checked = secretary.post(f"{url}/check-in")
    assert checked.status_code == 200, checked.content
    assert checked.json()["check_in_method"] == "secretary"
    assert checked.json()["checked_in_by"] == "thuky"
    assert secretary.post(f"{url}/check-in").json()["checked_in_at"] == checked.json()["checked_in_at"]
    undone = secretary.delete(f"{url}/check-in")
    assert undone.status_code == 200, undone.content
    assert undone.json()["checked_in_at"] is None

    old_card = card(delegate)
    assert signed_in(staff(planned, make_user)).post(f"{url}/card").status_code == 403
    reissued = secretary.post(f"{url}/card")
    assert reissued.status_code == 200, reissued.content
    assert reissued.json()["card_token"] != old_card["HTTP_X_DELEGATE_CARD"]
    assert last_action() == "delegate.reissue_card"
    refused = JsonClient().get("/api/delegate-card", **old_card)
    assert (refused.status_code, refused.json()["code"]) == (404, "card_replaced")
    new_card = {"HTTP_X_DELEGATE_CARD": reissued.json()["card_token"]}
    assert JsonClient().get("/api/delegate-card", **new_card).json()["delegate"]["id"] == delegate.pk


# ---------------------------------------------------------------- the card holder


def test_the_card_checks_in_and_lists_open_polls(planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_c"]
    holder = card(delegate)
    before = events()
    early = JsonClient().post("/api/delegate-card/check-in", **holder)
    assert (early.status_code, early.json()["code"]) == (400, "conference_not_open")
    assert events() == before

    signed_in(planned["head"]).post(f"/api/conferences/{planned['conference'].pk}/open")
    checked = JsonClient().post("/api/delegate-card/check-in", **holder)
    assert checked.status_code == 200, checked.content
    data = checked.json()
    assert data["delegate"]["check_in_method"] == "card"
    assert data["delegate"]["card_token"] is None
    assert data["conference"]["id"] == planned["conference"].pk
    assert data["open_polls"] == []
    assert last_action() == "delegate.check_in"

    for key in ("centre_a", "centre_b"):
        signed_in(planned["secretary"]).post(f"/api/delegates/{planned['delegates'][key].pk}/check-in")
    poll = poll_services.poll_create(
        actor=planned["secretary"],
        conference=planned["conference"],
        title="Q",
        kind="selection",
        candidates=[CandidateInput(unit=planned["centre_a"]), CandidateInput(unit=planned["centre_b"])],
        max_choices=1,
        seats=1,
    )
    poll_services.poll_open(actor=planned["secretary"], poll=poll)
    polls = JsonClient().get("/api/delegate-card", **holder).json()["open_polls"]
    assert polls == [{"id": poll.pk, "title": "Q", "kind": "selection", "voted": False}]

    tampered = JsonClient().get("/api/delegate-card", HTTP_X_DELEGATE_CARD="garbage")
    assert (tampered.status_code, tampered.json()["code"]) == (404, "invalid_card")
    assert JsonClient().get("/api/delegate-card").status_code == 401
    # A signed-in user without a card is not a card holder.
    assert signed_in(planned["secretary"]).get("/api/delegate-card").status_code == 401


def test_dates_are_returned_with_time_zone(world: dict[str, Any]) -> None:
    data = signed_in(world["head"]).get(f"/api/conferences/{world['conference'].pk}").json()
    assert dt.datetime.fromisoformat(data["starts_at"]).tzinfo is not None
