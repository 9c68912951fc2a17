"""Organisation pages: each renders for an allowed role, refuses others, and bad input writes nothing."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.organizations.models import (
    Block,
    BlockLeadership,
    BlockMembership,
    BlockYear,
    Person,
    PersonMembership,
    PhaseDeadline,
    PhaseTransition,
    Unit,
)
from thidua.tests_support.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


@pytest.fixture
def block_head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


@pytest.fixture
def viewer(make_user: Any) -> Any:
    return make_user(Role.VIEWER)


def url(name: str, *args: Any) -> str:
    return reverse(f"organizations:{name}", args=args)


# --- units -----------------------------------------------------------------------------------------------------------


def test_unit_list_renders_and_searches_without_tone_marks(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("unit_list"))
    assert response.status_code == 200
    assert "Sở Nội vụ" in response.content.decode()
    response = client.get(url("unit_list"), {"q": "dong ha"})
    html = response.content.decode()
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Sở Y tế" not in html


def test_unit_list_filters_by_kind(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("unit_list"), {"kind": "department"})
    names = {unit.name for unit in response.context["page_obj"]}
    assert names == {"Sở Nội vụ", "Sở Y tế"}


def test_unit_list_htmx_returns_only_the_rows(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    response = client.get(url("unit_list"), {"q": "duc tho"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trung tâm Đào tạo Đức Thọ" in html
    assert "<html" not in html
    assert "<nav" not in html.split("<table")[0]
    assert 'id="unit-results"' not in html
    assert "HX-Request" in response["Vary"]
    full = client.get(url("unit_list"), {"q": "duc tho"})
    assert "<html" in full.content.decode()
    assert "HX-Request" in full["Vary"]


def test_unit_list_paginates(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    for i in range(30):
        make_unit(f"X{i:02d}", f"Phòng thử {i:02d}", parent=tree["dept"], kind="office")
    client.force_login(viewer)
    first = client.get(url("unit_list"))
    assert len(first.context["page_obj"]) == 25
    assert "page=2" in first.content.decode()
    second = client.get(url("unit_list"), {"page": 2})
    assert second.context["page_obj"].number == 2


def test_unit_detail_shows_chain_children_staff_and_blocks(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    response = client.get(url("unit_detail", tree["centre_a"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ủy ban nhân dân tỉnh Quảng Trị" in html
    assert "Sở Nội vụ" in html
    assert "Nguyễn Văn Đức" in html  # staff
    assert "Khối thi đua các trung tâm, ban quản lý" in html  # block membership
    assert url("unit_update", tree["centre_a"].pk) in html
    dept = client.get(url("unit_detail", tree["dept"].pk)).content.decode()
    assert "Trung tâm Đào tạo Đức Thọ" in dept  # children


def test_unit_detail_hides_edit_button_without_permission(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    html = client.get(url("unit_detail", tree["centre_c"].pk)).content.decode()
    assert url("unit_update", tree["centre_c"].pk) not in html
    assert "Trần Thị Hà" not in html  # staff of a unit the clerk does not serve


def test_unit_detail_404(client: Client, viewer: Any) -> None:
    client.force_login(viewer)
    assert client.get(url("unit_detail", 999999)).status_code == 404


def test_unit_create_under_parent(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    assert client.get(url("unit_create"), {"parent": tree["dept"].pk}).status_code == 200
    data = {"code": "TTD", "name": "Trung tâm Dịch vụ", "kind": "centre", "parent": tree["dept"].pk, "status": "active"}
    response = client.post(url("unit_create") + f"?parent={tree['dept'].pk}", data)
    unit = Unit.objects.get(code="TTD")
    assert response.status_code == 302
    assert response["Location"] == url("unit_detail", unit.pk)
    assert unit.parent == tree["dept"]
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_unit_create_duplicate_code_shows_error_and_writes_nothing(
    client: Client, tree: dict[str, Any], officer: Any
) -> None:
    client.force_login(officer)
    units_before, events_before = Unit.objects.count(), AuditEvent.objects.count()
    data = {"code": "tta", "name": "Bản sao", "kind": "centre", "parent": tree["dept"].pk, "status": "active"}
    response = client.post(url("unit_create") + f"?parent={tree['dept'].pk}", data)
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert "TTA" in response.content.decode() or "tta" in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert Unit.objects.count() == units_before
    assert AuditEvent.objects.count() == events_before


def test_unit_create_refused_for_clerk(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get(url("unit_create"), {"parent": tree["centre_a"].pk}).status_code == 403
    assert client.get(url("unit_create")).status_code == 403


def test_unit_update_by_unit_head(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    unit = tree["centre_a"]
    client.force_login(make_user(Role.UNIT_HEAD, unit=unit))
    response = client.get(url("unit_update", unit.pk))
    assert response.status_code == 200
    assert response.context["form"].fields["code"].disabled  # recoding needs rights over the parent
    data = {"code": "IGNORED", "name": unit.name, "kind": unit.kind, "status": "active", "phone": "0233 123 456"}
    response = client.post(url("unit_update", unit.pk), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.phone == "0233 123 456"
    assert unit.code == "TTA"


def test_unit_clerk_of_centre_a_cannot_edit_centre_c(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    centre_c = tree["centre_c"]
    assert client.get(url("unit_update", centre_c.pk)).status_code == 403
    response = client.post(
        url("unit_update", centre_c.pk), {"code": "TTC", "name": "Hacked", "kind": "centre", "status": "active"}
    )
    assert response.status_code == 403
    centre_c.refresh_from_db()
    assert centre_c.name == "Trung tâm Kiểm soát bệnh tật"


def test_unit_update_dates_out_of_order_maps_to_field(client: Client, tree: dict[str, Any], officer: Any) -> None:
    unit = tree["centre_b"]
    client.force_login(officer)
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "status": "active",
        "parent": unit.parent_id,
        "valid_from": "2025-05-01",
        "valid_to": "2025-01-01",
    }
    response = client.post(url("unit_update", unit.pk), data)
    assert response.status_code == 400
    assert "valid_to" in response.context["form"].errors
    unit.refresh_from_db()
    assert unit.valid_from is None


# --- people ----------------------------------------------------------------------------------------------------------


def test_person_list_shows_only_visible_people(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    html = client.get(url("person_list")).content.decode()
    assert "Nguyễn Văn Đức" in html
    assert "Trần Thị Hà" not in html
    response = client.get(url("person_list"), {"q": "nguyen van duc"}, headers={"HX-Request": "true"})
    assert "Nguyễn Văn Đức" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_person_detail_404_for_people_the_user_may_not_see(
    client: Client, tree: dict[str, Any], make_user: Any
) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get(url("person_detail", tree["person_a"].pk)).status_code == 200
    assert client.get(url("person_detail", tree["person_c"].pk)).status_code == 404
    assert client.get(url("person_update", tree["person_c"].pk)).status_code == 404


def test_person_detail_shows_history(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    html = client.get(url("person_detail", tree["person_a"].pk)).content.decode()
    assert "Chuyên viên" in html
    assert "Trung tâm Lưu trữ lịch sử" in html


def test_person_create_in_unit(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    unit = tree["centre_a"]
    assert client.get(url("person_create"), {"unit": unit.pk}).status_code == 200
    data = {"full_name": "Lê Thị Mai", "position": "Kế toán", "start_date": "2024-01-02"}
    response = client.post(url("person_create") + f"?unit={unit.pk}", data)
    assert response.status_code == 302
    person = Person.objects.get(full_name="Lê Thị Mai")
    assert person.memberships.get().unit == unit
    assert client.get(url("person_create"), {"unit": tree["centre_c"].pk}).status_code == 403


def test_person_create_bad_dates_writes_nothing(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    before = Person.objects.count()
    data = {
        "full_name": "Lê Văn Bé",
        "position": "Nhân viên",
        "start_date": "2000-01-01",
        "date_of_birth": "2001-01-01",
    }
    response = client.post(url("person_create") + f"?unit={tree['centre_b'].pk}", data)
    assert response.status_code == 400
    assert "start_date" in response.context["form"].errors
    assert Person.objects.count() == before


def test_person_update(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    person = tree["person_a"]
    response = client.post(url("person_update", person.pk), {"full_name": "Nguyễn Văn Đức", "phone": "0912"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0912"


def test_membership_add_and_end(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    person = tree["person_a"]
    assert client.get(url("membership_add", person.pk)).status_code == 200
    data = {"unit": tree["centre_b"].pk, "position": "Phó giám đốc", "start_date": "2025-01-01"}
    assert client.post(url("membership_add", person.pk), data).status_code == 302
    membership = PersonMembership.objects.get(person=person, unit=tree["centre_b"])
    end_url = url("membership_end", person.pk, membership.pk)
    assert client.get(end_url).status_code == 200
    response = client.post(end_url, {"end_date": "2024-01-01"})  # before the start
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.end_date is None
    assert client.post(end_url, {"end_date": "2025-06-30"}).status_code == 302
    membership.refresh_from_db()
    assert membership.end_date == dt.date(2025, 6, 30)


def test_membership_add_in_a_unit_the_clerk_does_not_serve(
    client: Client, tree: dict[str, Any], make_user: Any
) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    person = tree["person_a"]
    data = {"unit": tree["centre_c"].pk, "position": "Chuyên viên", "start_date": "2025-01-01"}
    response = client.post(url("membership_add", person.pk), data)
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert not PersonMembership.objects.filter(person=person, unit=tree["centre_c"]).exists()


# --- blocks ----------------------------------------------------------------------------------------------------------


def test_block_list_and_detail(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    html = client.get(url("block_list")).content.decode()
    assert "Khối thi đua các sở" in html
    assert url("block_create") not in html
    html = client.get(url("block_detail", tree["block"].pk)).content.decode()
    assert "2025" in html
    assert url("block_update", tree["block"].pk) not in html
    assert client.get(url("block_create")).status_code == 403
    assert client.get(url("block_update", tree["block"].pk)).status_code == 403


def test_block_create_and_update_by_officer(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    assert url("block_create") in client.get(url("block_list")).content.decode()
    data = {
        "code": "K3",
        "name": "Cụm thi đua các huyện",
        "kind": "cluster",
        "owner": tree["province"].pk,
        "rotation_rule": "fixed_order",
        "deputy_count": 1,
    }
    response = client.post(url("block_create"), data)
    block = Block.objects.get(code="K3")
    assert response.status_code == 302
    duplicate = client.post(url("block_create"), {**data, "code": "k1"})
    assert duplicate.status_code == 400
    assert "code" in duplicate.context["form"].errors
    data = {"name": "Cụm thi đua các huyện, thị xã", "rotation_rule": "election", "deputy_count": 2, "is_active": "on"}
    assert client.post(url("block_update", block.pk), data).status_code == 302
    block.refresh_from_db()
    assert block.rotation_rule == "election"


def test_block_year_create(client: Client, tree: dict[str, Any], officer: Any) -> None:
    client.force_login(officer)
    response = client.post(url("block_year_create", tree["block"].pk), {"year": 2026, "copy_members": "on"})
    new = BlockYear.objects.get(block=tree["block"], year=2026)
    assert response["Location"] == url("block_year_detail", new.pk)
    assert new.memberships.count() == 4
    again = client.post(url("block_year_create", tree["block"].pk), {"year": 2026})
    assert again.status_code == 400
    assert "year" in again.context["form"].errors


# --- block-years -----------------------------------------------------------------------------------------------------


def test_block_year_detail_for_block_head(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    response = client.get(url("block_year_detail", block_year.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Khối thi đua các trung tâm, ban quản lý" in html
    assert html.count('class="phase-step is-') == 8
    assert 'data-phase="plan" data-state="current"' in html
    assert url("block_year_advance", block_year.pk) in html
    assert url("block_year_deadlines", block_year.pk) in html
    assert url("block_year_leadership", block_year.pk) not in html  # officers only
    assert url("block_year_member_add", block_year.pk) not in html
    assert "Trung tâm Đào tạo Đức Thọ" in html  # member and proposed head (first deputy becomes head)


def test_block_year_detail_for_viewer_has_no_buttons(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(viewer)
    html = client.get(url("block_year_detail", block_year.pk)).content.decode()
    for name in (
        "block_year_advance",
        "block_year_deadlines",
        "block_year_leadership",
        "block_year_member_add",
        "block_year_next",
    ):
        assert url(name, block_year.pk) not in html
    assert client.get(url("block_year_detail", 999999)).status_code == 404


def test_viewer_cannot_advance_the_phase(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(viewer)
    assert client.get(url("block_year_advance", block_year.pk)).status_code == 403
    assert client.post(url("block_year_advance", block_year.pk), {"to_phase": "covenant"}).status_code == 403
    block_year.refresh_from_db()
    assert block_year.phase == "plan"


def test_block_head_advances_the_phase(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    assert client.get(url("block_year_advance", block_year.pk)).status_code == 200
    response = client.post(
        url("block_year_advance", block_year.pk), {"to_phase": "covenant", "note": "Kế hoạch đã duyệt"}, follow=True
    )
    assert response.status_code == 200
    block_year.refresh_from_db()
    assert block_year.phase == "covenant"
    html = response.content.decode()
    assert 'data-phase="plan" data-state="done"' in html
    assert 'data-phase="covenant" data-state="current"' in html
    assert "Kế hoạch đã duyệt" in html


def test_phase_backwards_shows_error_and_writes_nothing(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    client.post(url("block_year_advance", block_year.pk), {"to_phase": "covenant"})
    transitions = PhaseTransition.objects.count()
    response = client.post(url("block_year_advance", block_year.pk), {"to_phase": "plan"})
    assert response.status_code == 400
    assert "to_phase" in response.context["form"].errors
    assert "alert-danger" in response.content.decode()
    block_year.refresh_from_db()
    assert block_year.phase == "covenant"
    assert PhaseTransition.objects.count() == transitions


def test_block_head_cannot_close_the_year(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    BlockYear.objects.filter(pk=block_year.pk).update(phase="proposals")
    client.force_login(block_head)
    html = client.get(url("block_year_detail", block_year.pk)).content.decode()
    assert 'data-testid="advance-button"' not in html
    assert client.post(url("block_year_advance", block_year.pk), {"to_phase": "closed"}).status_code == 403


def test_deadlines_form(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    assert client.get(url("block_year_deadlines", block_year.pk)).status_code == 200
    response = client.post(
        url("block_year_deadlines", block_year.pk), {"deadline_plan": "2025-02-15", "deadline_covenant": "2025-03-31"}
    )
    assert response.status_code == 302
    assert dict(block_year.deadlines.values_list("phase", "due_date")) == {
        "plan": dt.date(2025, 2, 15),
        "covenant": dt.date(2025, 3, 31),
    }


def test_deadlines_out_of_order_show_error_and_write_nothing(
    client: Client, tree: dict[str, Any], block_head: Any
) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    client.post(url("block_year_deadlines", block_year.pk), {"deadline_plan": "2025-02-15"})
    response = client.post(
        url("block_year_deadlines", block_year.pk), {"deadline_plan": "2025-05-01", "deadline_scoring": "2025-03-01"}
    )
    assert response.status_code == 400
    assert "deadline_scoring" in response.context["form"].errors
    assert list(PhaseDeadline.objects.filter(block_year=block_year).values_list("phase", "due_date")) == [
        ("plan", dt.date(2025, 2, 15))
    ]


def test_viewer_cannot_set_deadlines(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    client.force_login(viewer)
    assert (
        client.post(url("block_year_deadlines", tree["block_year"].pk), {"deadline_plan": "2025-02-15"}).status_code
        == 403
    )
    assert not PhaseDeadline.objects.exists()


def test_officer_adds_and_removes_members(client: Client, tree: dict[str, Any], officer: Any) -> None:
    block_year = tree["block_year"]
    new_unit = make_unit("TTE", "Trung tâm Công nghệ", parent=tree["dept"])
    client.force_login(officer)
    assert (
        url("block_year_member_add", block_year.pk)
        in client.get(url("block_year_detail", block_year.pk)).content.decode()
    )
    response = client.post(url("block_year_member_add", block_year.pk), {"unit": new_unit.pk})
    assert response.status_code == 302
    assert block_year.memberships.filter(unit=new_unit).exists()
    response = client.post(url("block_year_member_remove", block_year.pk, new_unit.pk))
    assert response.status_code == 302
    assert not block_year.memberships.filter(unit=new_unit).exists()


def test_removing_a_leadership_member_is_refused(client: Client, tree: dict[str, Any], officer: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(officer)
    response = client.post(url("block_year_member_remove", block_year.pk, tree["centre_a"].pk), follow=True)
    assert block_year.memberships.filter(unit=tree["centre_a"]).exists()
    assert "alert-danger" in response.content.decode()


def test_block_head_cannot_manage_members(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(block_head)
    assert client.post(url("block_year_member_remove", block_year.pk, tree["board"].pk)).status_code == 403
    assert client.get(url("block_year_member_add", block_year.pk)).status_code == 403
    assert block_year.memberships.filter(unit=tree["board"]).exists()


def test_member_in_other_block_same_year_is_refused(client: Client, tree: dict[str, Any], officer: Any) -> None:
    from thidua.organizations import services
    from thidua.tests_support.factories import system_actor

    other = services.block_year_create(actor=system_actor(), block=tree["other_block"], year=2025)
    client.force_login(officer)
    response = client.post(url("block_year_member_add", other.pk), {"unit": tree["centre_a"].pk})
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert not BlockMembership.objects.filter(block_year=other).exists()


def test_set_leadership(client: Client, tree: dict[str, Any], officer: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(officer)
    response = client.get(url("block_year_leadership", block_year.pk))
    assert response.status_code == 200
    assert "Nguyễn Văn Đức" in response.content.decode()  # representative choice for centre A
    data = {
        "head": tree["centre_b"].pk,
        "deputies": [tree["centre_a"].pk, tree["board"].pk],
        f"rep_{tree['centre_a'].pk}": tree["person_a"].pk,
        f"rep_title_{tree['centre_a'].pk}": "Giám đốc",
    }
    assert client.post(url("block_year_leadership", block_year.pk), data).status_code == 302
    head = BlockLeadership.objects.get(block_year=block_year, role="head")
    assert head.unit == tree["centre_b"]
    deputy = BlockLeadership.objects.get(block_year=block_year, unit=tree["centre_a"])
    assert deputy.representative == tree["person_a"]
    assert deputy.representative_title == "Giám đốc"


def test_leadership_head_not_a_member_shows_error_and_writes_nothing(
    client: Client, tree: dict[str, Any], officer: Any
) -> None:
    block_year = tree["block_year"]
    outsider = make_unit("NGOAI", "Trung tâm ngoài khối", parent=tree["dept"])
    client.force_login(officer)
    before = list(BlockLeadership.objects.filter(block_year=block_year).values_list("role", "unit_id"))
    response = client.post(
        url("block_year_leadership", block_year.pk), {"head": outsider.pk, "deputies": [tree["centre_b"].pk]}
    )
    assert response.status_code == 400
    assert "head" in response.context["form"].errors
    assert list(BlockLeadership.objects.filter(block_year=block_year).values_list("role", "unit_id")) == before


def test_leadership_same_unit_twice_is_a_service_error_on_deputies(
    client: Client, tree: dict[str, Any], officer: Any
) -> None:
    block_year = tree["block_year"]
    client.force_login(officer)
    response = client.post(
        url("block_year_leadership", block_year.pk), {"head": tree["centre_a"].pk, "deputies": [tree["centre_a"].pk]}
    )
    assert response.status_code == 400
    assert "deputies" in response.context["form"].errors
    assert BlockLeadership.objects.get(block_year=block_year, role="head").unit == tree["centre_a"]
    assert BlockLeadership.objects.filter(block_year=block_year).count() == 2


def test_block_head_cannot_set_leadership(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    client.force_login(block_head)
    assert client.get(url("block_year_leadership", tree["block_year"].pk)).status_code == 403


def test_open_next_year_with_rotation(client: Client, tree: dict[str, Any], officer: Any) -> None:
    block_year = tree["block_year"]
    client.force_login(officer)
    response = client.post(url("block_year_next", block_year.pk))
    next_year = BlockYear.objects.get(block=tree["block"], year=2026)
    assert response["Location"] == url("block_year_detail", next_year.pk)
    assert next_year.leadership.get(role="head").unit == tree["centre_b"]
    again = client.post(url("block_year_next", block_year.pk), follow=True)
    assert "alert-danger" in again.content.decode()
    assert BlockYear.objects.filter(block=tree["block"]).count() == 2


def test_block_head_cannot_open_next_year(client: Client, tree: dict[str, Any], block_head: Any) -> None:
    client.force_login(block_head)
    assert client.post(url("block_year_next", tree["block_year"].pk)).status_code == 403
    assert client.get(url("block_year_next", tree["block_year"].pk)).status_code == 405
