"""Block and block-year endpoints: members, leadership, deadlines, phases, rotation and the next year."""

from typing import Any

import pytest

from thidua.accounts.roles import Role
from thidua.api.tests.helpers import audit_count, last_event, last_events
from thidua.organizations import services
from thidua.organizations.models import Block, BlockLeadership, BlockMembership, BlockYear, Phase, PhaseDeadline
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- blocks


def test_block_list_and_detail(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    client = client_for(make_user())
    body = client.get("/api/blocks").json()
    assert body["count"] == 2
    found = client.get("/api/blocks", {"q": "trung tam"}).json()
    assert [b["code"] for b in found["items"]] == ["K1"]
    detail = client.get(f"/api/blocks/{tree['block'].pk}").json()
    assert detail["owner"]["code"] == "QT"
    assert detail["year_count"] == 1
    assert client.get("/api/blocks/999999").status_code == 404


def test_block_create_and_patch(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    client = client_for(officer)
    before = audit_count()
    created = client.send(
        "post",
        "/api/blocks",
        {"code": "C1", "name": "Cụm thi đua số 1", "owner_id": tree["province"].pk, "kind": "cluster"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["kind"] == "cluster"
    assert audit_count() == before + 1
    assert last_event().action == "block.create"

    patched = client.send(
        "patch", f"/api/blocks/{created.json()['id']}", {"deputy_count": 3, "rotation_rule": "election"}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["deputy_count"] == 3
    assert audit_count() == before + 2
    assert last_event().action == "block.update"


def test_block_duplicate_code(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    count, before = Block.objects.count(), audit_count()
    response = client_for(admin_user).send(
        "post", "/api/blocks", {"code": "k1", "name": "Trùng", "owner_id": tree["province"].pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_code"
    assert (Block.objects.count(), audit_count()) == (count, before)


def test_department_officer_cannot_touch_provincial_block(
    tree: dict[str, Any], make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"]))
    before = audit_count()
    created = client.send("post", "/api/blocks", {"code": "K9", "name": "K9", "owner_id": tree["province"].pk})
    assert created.status_code == 403
    patched = client.send("patch", f"/api/blocks/{tree['block'].pk}", {"name": "Đổi"})
    assert patched.status_code == 403
    assert audit_count() == before


# ---------------------------------------------------------------- block-years: reads


def test_block_year_list_filters(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2024)
    client = client_for(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get("/api/block-years").json()["count"] == 2
    by_block = client.get("/api/block-years", {"block": tree["block"].pk}).json()
    assert [(b["block"]["code"], b["year"], b["member_count"]) for b in by_block["items"]] == [("K1", 2025, 4)]
    assert client.get("/api/block-years", {"year": 2024}).json()["items"][0]["block"]["code"] == "K2"
    mine = client.get("/api/block-years", {"mine": "true"}).json()
    assert [b["id"] for b in mine["items"]] == [tree["block_year"].pk]


def test_block_year_detail(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    person = tree["person_a"]
    services.block_year_set_leadership(
        actor=system_actor(),
        block_year=by,
        head=tree["centre_a"],
        deputies=[tree["centre_b"]],
        representatives={tree["centre_a"].pk: (person, "Giám đốc")},
    )
    response = client_for(make_user()).get(f"/api/block-years/{by.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == "plan"
    assert body["next_phase"] == "covenant"
    assert [m["unit"]["code"] for m in body["members"]] == ["TTA", "TTB", "TTC", "BQL"]
    assert [(row["role"], row["unit"]["code"]) for row in body["leadership"]] == [("head", "TTA"), ("deputy", "TTB")]
    assert body["leadership"][0]["representative"] == {"id": person.pk, "full_name": person.full_name}
    assert body["leadership"][0]["representative_title"] == "Giám đốc"
    assert body["deadlines"] == []
    assert body["transitions"] == []
    assert client_for(make_user()).get("/api/block-years/999999").status_code == 404


# ---------------------------------------------------------------- block-years: writes


def test_create_block_year_with_deadlines(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    before = audit_count()
    response = client_for(officer).send(
        "post",
        f"/api/blocks/{tree['block'].pk}/years",
        {"year": 2026, "deadlines": {"plan": "2026-02-15", "covenant": "2026-03-15"}, "copy_members": True},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2026
    assert [(d["phase"], d["due_date"]) for d in body["deadlines"]] == [
        ("plan", "2026-02-15"),
        ("covenant", "2026-03-15"),
    ]
    assert len(body["members"]) == 4
    assert audit_count() == before + 1
    assert last_event().action == "block_year.create"


def test_create_block_year_deadlines_out_of_order(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    count, before = BlockYear.objects.count(), audit_count()
    response = client_for(admin_user).send(
        "post",
        f"/api/blocks/{tree['block'].pk}/years",
        {"year": 2026, "deadlines": {"plan": "2026-05-01", "covenant": "2026-03-01"}},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "dates_out_of_order"
    assert response.json()["field"] == "deadlines.covenant"
    assert (BlockYear.objects.count(), audit_count()) == (count, before)


def test_create_block_year_duplicate_and_bad_phase(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    client = client_for(admin_user)
    duplicate = client.send("post", f"/api/blocks/{tree['block'].pk}/years", {"year": 2025})
    assert duplicate.status_code == 400
    assert duplicate.json()["code"] == "duplicate"
    bad_phase = client.send(
        "post", f"/api/blocks/{tree['block'].pk}/years", {"year": 2027, "deadlines": {"x": "2027-01-01"}}
    )
    assert bad_phase.status_code == 422
    assert bad_phase.json()["code"] == "invalid"


def test_set_deadlines(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    client = client_for(head)
    before = audit_count()
    ok = client.send(
        "put", f"/api/block-years/{by.pk}/deadlines", {"deadlines": {"plan": "2025-02-01", "scoring": "2025-11-30"}}
    )
    assert ok.status_code == 200, ok.content
    assert [d["phase"] for d in ok.json()["deadlines"]] == ["plan", "scoring"]
    assert audit_count() == before + 1
    assert last_event().action == "block_year.set_deadlines"

    bad = client.send(
        "put", f"/api/block-years/{by.pk}/deadlines", {"deadlines": {"plan": "2025-12-01", "scoring": "2025-11-30"}}
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "dates_out_of_order"
    assert audit_count() == before + 1
    assert set(PhaseDeadline.objects.filter(block_year=by).values_list("phase", flat=True)) == {"plan", "scoring"}


def test_set_deadlines_needs_permission(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    response = client_for(clerk).send(
        "put", f"/api/block-years/{tree['block_year'].pk}/deadlines", {"deadlines": {"plan": "2025-02-01"}}
    )
    assert response.status_code == 403


def test_add_and_remove_member(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    client = client_for(admin_user)
    new_unit = services.unit_create(actor=system_actor(), code="TTE", name="Trung tâm E", parent=tree["dept"])
    before = audit_count()
    added = client.send("post", f"/api/block-years/{by.pk}/members", {"unit_id": new_unit.pk})
    assert added.status_code == 201, added.content
    assert "TTE" in [m["unit"]["code"] for m in added.json()["members"]]
    assert audit_count() == before + 1
    assert last_event().action == "block_year.member_add"

    removed = client.send("delete", f"/api/block-years/{by.pk}/members/{new_unit.pk}")
    assert removed.status_code == 204
    assert not BlockMembership.objects.filter(block_year=by, unit=new_unit).exists()
    assert audit_count() == before + 2
    assert last_event().action == "block_year.member_remove"

    again = client.send("delete", f"/api/block-years/{by.pk}/members/{new_unit.pk}")
    assert again.status_code == 400
    assert again.json()["code"] == "not_member"


def test_remove_leader_refused(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    before = audit_count()
    response = client_for(admin_user).send("delete", f"/api/block-years/{by.pk}/members/{tree['centre_a'].pk}")
    assert response.status_code == 400
    assert response.json()["code"] == "member_in_leadership"
    assert audit_count() == before


def test_unit_in_two_blocks_of_same_kind(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    other_year = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    count, before = BlockMembership.objects.count(), audit_count()
    response = client_for(admin_user).send(
        "post", f"/api/block-years/{other_year.pk}/members", {"unit_id": tree["centre_a"].pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unit_in_other_block"
    assert (BlockMembership.objects.count(), audit_count()) == (count, before)


def test_block_head_cannot_manage_members(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    response = client_for(head).send("delete", f"/api/block-years/{by.pk}/members/{tree['board'].pk}")
    assert response.status_code == 403
    assert BlockMembership.objects.filter(block_year=by, unit=tree["board"]).exists()


def test_set_leadership_with_representatives(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    person_c = tree["person_c"]
    before = audit_count()
    response = client_for(officer).send(
        "put",
        f"/api/block-years/{by.pk}/leadership",
        {
            "head_unit_id": tree["centre_c"].pk,
            "deputy_unit_ids": [tree["centre_a"].pk, tree["board"].pk],
            "representatives": [{"unit_id": tree["centre_c"].pk, "person_id": person_c.pk, "title": "Giám đốc"}],
        },
    )
    assert response.status_code == 200, response.content
    leadership = response.json()["leadership"]
    assert [(r["role"], r["unit"]["code"]) for r in leadership] == [
        ("head", "TTC"),
        ("deputy", "TTA"),
        ("deputy", "BQL"),
    ]
    assert leadership[0]["representative"]["id"] == person_c.pk
    assert audit_count() == before + 1
    assert last_event().action == "block_year.set_leadership"


def test_set_leadership_not_member(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    outsider = services.unit_create(actor=system_actor(), code="NGOAI", name="Ngoài khối", parent=tree["dept"])
    rows, before = list(BlockLeadership.objects.filter(block_year=by).values_list("unit_id", "role")), audit_count()
    client = client_for(admin_user)
    as_head = client.send(
        "put",
        f"/api/block-years/{by.pk}/leadership",
        {"head_unit_id": outsider.pk, "deputy_unit_ids": [tree["centre_b"].pk]},
    )
    assert as_head.status_code == 400
    assert as_head.json()["code"] == "not_member"
    assert as_head.json()["field"] == "head"
    as_deputy = client.send(
        "put",
        f"/api/block-years/{by.pk}/leadership",
        {"head_unit_id": tree["centre_a"].pk, "deputy_unit_ids": [outsider.pk]},
    )
    assert as_deputy.status_code == 400
    assert as_deputy.json()["code"] == "not_member"
    assert as_deputy.json()["field"] == "deputies"
    assert list(BlockLeadership.objects.filter(block_year=by).values_list("unit_id", "role")) == rows
    assert audit_count() == before


def test_set_leadership_representative_must_work_there(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    response = client_for(admin_user).send(
        "put",
        f"/api/block-years/{by.pk}/leadership",
        {
            "head_unit_id": tree["centre_a"].pk,
            "deputy_unit_ids": [tree["centre_b"].pk],
            "representatives": [{"unit_id": tree["centre_a"].pk, "person_id": tree["person_c"].pk}],
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "representative_not_staff"


def test_block_head_cannot_set_leadership(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    response = client_for(head).send(
        "put",
        f"/api/block-years/{by.pk}/leadership",
        {"head_unit_id": tree["centre_b"].pk, "deputy_unit_ids": [tree["centre_a"].pk]},
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- phases


def _advance(client: Any, by: BlockYear, to_phase: str, note: str = "") -> Any:
    return client.send("post", f"/api/block-years/{by.pk}/transitions", {"to_phase": to_phase, "note": note})


def test_block_head_advances_phase(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    before = audit_count()
    response = _advance(client_for(head), by, "covenant", "Đã ký giao ước")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == "covenant"
    assert body["transitions"][0] | {"created_at": None} == {
        "from_phase": "plan",
        "to_phase": "covenant",
        "actor": head.username,
        "note": "Đã ký giao ước",
        "created_at": None,
    }
    assert audit_count() == before + 1
    assert last_event().action == "block_year.advance_phase"


def test_phase_backwards_and_skipped(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    client = client_for(admin_user)
    assert _advance(client, by, "covenant").status_code == 200
    before = audit_count()
    backwards = _advance(client, by, "plan")
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "phase_backwards"
    skipped = _advance(client, by, "scoring")
    assert skipped.status_code == 400
    assert skipped.json()["code"] == "phase_skipped"
    by.refresh_from_db()
    assert by.phase == "covenant"
    assert audit_count() == before


def test_unknown_phase_is_422(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    response = _advance(client_for(admin_user), tree["block_year"], "party")
    assert response.status_code == 422
    assert response.json()["field"] == "to_phase"


def test_block_head_cannot_close(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    actor = system_actor()
    for phase in ["covenant", "registration", "midyear_review", "scoring", "conference", "proposals"]:
        by = services.block_year_advance_phase(actor=actor, block_year=by, to_phase=phase)
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    before = audit_count()
    refused = _advance(client_for(head), by, "closed")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    by.refresh_from_db()
    assert by.phase == "proposals"
    assert audit_count() == before

    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    closed = _advance(client_for(officer), by, "closed")
    assert closed.status_code == 200
    assert closed.json()["phase"] == Phase.CLOSED
    assert closed.json()["next_phase"] is None
    assert audit_count() == before + 1


def test_covenant_needs_two_members_and_a_head(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    empty = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    response = _advance(client_for(admin_user), empty, "covenant")
    assert response.status_code == 400
    assert response.json()["code"] == "phase_not_ready"


# ---------------------------------------------------------------- rotation and next year


def test_rotation_proposal(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    response = client_for(make_user()).get(f"/api/block-years/{by.pk}/rotation-proposal")
    assert response.status_code == 200
    body = response.json()
    assert body["rule"] == "deputy_becomes_head"
    assert body["head"]["code"] == "TTB"
    assert body["needs_election"] is False
    assert all(d["id"] != body["head"]["id"] for d in body["deputies"])
    assert {"id", "code", "name"} <= set(body["head"])


def test_rotation_proposal_election(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    services.block_update(actor=system_actor(), block=tree["block"], rotation_rule="election")
    body = client_for(make_user()).get(f"/api/block-years/{tree['block_year'].pk}/rotation-proposal").json()
    assert body == {"rule": "election", "head": None, "deputies": [], "needs_election": True}


def test_create_next_year(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    before = audit_count()
    response = client_for(officer).send("post", f"/api/block-years/{by.pk}/next")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["year"] == 2026
    assert len(body["members"]) == 4
    assert body["leadership"][0] == body["leadership"][0] | {"role": "head"}
    assert body["leadership"][0]["unit"]["code"] == "TTB"
    actions = [e.action for e in last_events(audit_count() - before)]
    assert actions == ["block_year.create", "block_year.set_leadership"]

    again = client_for(officer).send("post", f"/api/block-years/{by.pk}/next")
    assert again.status_code == 400
    assert again.json()["code"] == "duplicate"


def test_block_head_cannot_create_next_year(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    by = tree["block_year"]
    head = make_user(Role.BLOCK_HEAD, block_year=by)
    count = BlockYear.objects.count()
    response = client_for(head).send("post", f"/api/block-years/{by.pk}/next")
    assert response.status_code == 403
    assert BlockYear.objects.count() == count
