"""Criteria pages: each renders for an allowed role and refuses others; forms write through the services,
bad input writes nothing; htmx gets the tree partial for inline editing and moves."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from thidua.accounts.roles import Role
from thidua.audit.models import AuditEvent
from thidua.organizations import services as org_services
from thidua.scoring import xlsx
from thidua.scoring.demo_criteria import build_criteria_demo
from thidua.scoring.models import CriteriaGroup, CriteriaItem, CriteriaSet, CriteriaSetStatus
from thidua.scoring.services import criteria as services
from thidua.scoring.tests.conftest import english_client
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name: str, *args: Any) -> str:
    return reverse(f"scoring:{name}", args=args)


@pytest.fixture
def head(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.BLOCK_HEAD, block_year=tree["block_year"])


@pytest.fixture
def officer(tree: dict[str, Any], make_user: Any) -> Any:
    return make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])


@pytest.fixture
def viewer(make_user: Any) -> Any:
    return make_user(Role.VIEWER)


@pytest.fixture
def demo(tree: dict[str, Any]) -> CriteriaSet:
    return build_criteria_demo(block_year=tree["block_year"], actor=system_actor())


def events() -> int:
    return AuditEvent.objects.count()


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


# --- the criteria page ---------------------------------------------------------------------------------------------


def test_detail_for_a_viewer_is_read_only(client: Client, tree: dict[str, Any], demo: CriteriaSet, viewer: Any) -> None:
    response = login(client, viewer).get(url("criteria_detail", tree["block_year"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thực hiện nhiệm vụ chuyên môn" in html
    assert 'data-testid="base-maximum">100<' in html
    assert 'data-testid="criteria-export"' in html
    assert url("criteria_item_edit", CriteriaItem.objects.get(code="1.1").pk) not in html
    assert 'data-testid="criteria-lock"' not in html
    assert url("config_edit", tree["block_year"].pk) not in html  # the settings tab is for organisers
    assert 'data-testid="settings-summary"' in html


def test_detail_for_the_head_has_the_actions(
    client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any
) -> None:
    html = login(client, head).get(url("criteria_detail", tree["block_year"].pk)).content.decode()
    assert url("criteria_item_edit", CriteriaItem.objects.get(code="1.1").pk) in html
    assert 'data-testid="criteria-lock"' in html
    assert url("config_edit", tree["block_year"].pk) in html
    assert 'data-testid="criteria-unlock"' not in html


def test_detail_without_a_set(client: Client, tree: dict[str, Any], head: Any, viewer: Any) -> None:
    html = login(client, viewer).get(url("criteria_detail", tree["block_year"].pk)).content.decode()
    assert 'data-testid="criteria-empty"' in html
    html = login(english_client(), head).get(url("criteria_detail", tree["block_year"].pk)).content.decode()
    assert 'data-testid="criteria-copy"' in html
    assert url("criteria_import", tree["block_year"].pk) in html


def test_detail_needs_login_and_an_existing_block_year(client: Client, tree: dict[str, Any], viewer: Any) -> None:
    response = client.get(url("criteria_detail", tree["block_year"].pk))
    assert response.status_code == 302
    assert login(client, viewer).get(url("criteria_detail", 999999)).status_code == 404


def test_htmx_detail_answers_the_tree_partial(
    client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any
) -> None:
    response = login(client, head).get(url("criteria_detail", tree["block_year"].pk), headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card mb-3" id="criteria-tree"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


# --- the set -------------------------------------------------------------------------------------------------------


def test_create_and_edit_the_set(client: Client, tree: dict[str, Any], head: Any) -> None:
    login(client, head)
    page = client.get(url("criteria_set_edit", tree["block_year"].pk))
    assert page.status_code == 200
    response = client.post(
        url("criteria_set_edit", tree["block_year"].pk), {"title": "Bảng điểm 2025", "total_cap": ""}
    )
    assert response.status_code == 302
    cs = CriteriaSet.objects.get(block_year=tree["block_year"])
    assert cs.title == "Bảng điểm 2025"
    response = client.post(
        url("criteria_set_edit", tree["block_year"].pk), {"title": "Bảng điểm 2025", "total_cap": "0"}
    )
    assert response.status_code == 400
    assert "more than 0" in response.content.decode()
    response = client.post(url("criteria_set_edit", tree["block_year"].pk), {"title": "Bảng mới", "bonus_cap": "15"})
    assert response.status_code == 302
    cs.refresh_from_db()
    assert (cs.title, cs.bonus_cap) == ("Bảng mới", 15)


def test_set_edit_is_refused_to_a_deputy(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    deputy = make_user(Role.BLOCK_DEPUTY, block_year=tree["block_year"])
    assert login(client, deputy).get(url("criteria_set_edit", tree["block_year"].pk)).status_code == 403
    before = events()
    assert client.post(url("criteria_set_edit", tree["block_year"].pk), {"title": "X"}).status_code == 403
    assert events() == before


def test_copy_from_last_year(client: Client, tree: dict[str, Any], demo: CriteriaSet, make_user: Any) -> None:
    next_year = org_services.block_year_create(actor=system_actor(), block=tree["block"], year=2026)
    login(client, make_user(Role.BLOCK_HEAD, block_year=next_year))
    html = client.get(url("criteria_detail", next_year.pk)).content.decode()
    assert "2025" in html
    assert 'data-testid="criteria-copy"' in html
    response = client.post(url("criteria_copy", next_year.pk), {"source": ""}, follow=True)
    assert response.status_code == 200
    assert CriteriaSet.objects.get(block_year=next_year).items.count() == 23
    response = client.post(url("criteria_copy", next_year.pk), {"source": ""}, follow=True)
    assert "already has lines" in response.content.decode()


def test_lock_then_unlock(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any, officer: Any) -> None:
    login(client, head)
    client.post(url("criteria_lock", tree["block_year"].pk))
    demo.refresh_from_db()
    assert demo.status == CriteriaSetStatus.LOCKED
    html = client.get(url("criteria_detail", tree["block_year"].pk)).content.decode()
    assert "Only an emulation officer can unlock it" in html
    assert url("criteria_item_edit", CriteriaItem.objects.get(code="1.1").pk) not in html
    assert client.get(url("criteria_unlock", tree["block_year"].pk)).status_code == 403
    login(client, officer)
    assert 'data-testid="criteria-unlock"' in client.get(url("criteria_detail", tree["block_year"].pk)).content.decode()
    assert client.get(url("criteria_unlock", tree["block_year"].pk)).status_code == 200
    response = client.post(url("criteria_unlock", tree["block_year"].pk), {"reason": ""})
    assert response.status_code == 400
    response = client.post(url("criteria_unlock", tree["block_year"].pk), {"reason": "Sửa dòng 1.1"})
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.status == CriteriaSetStatus.DRAFT


def test_lock_an_empty_set_shows_the_error(client: Client, tree: dict[str, Any], head: Any) -> None:
    services.criteria_set_create(actor=head, block_year=tree["block_year"], title="Trống")
    response = login(client, head).post(url("criteria_lock", tree["block_year"].pk), follow=True)
    assert "Add at least one criteria line" in response.content.decode()


def test_export_download(client: Client, tree: dict[str, Any], demo: CriteriaSet, viewer: Any) -> None:
    response = login(client, viewer).get(url("criteria_export", tree["block_year"].pk))
    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert load_workbook(io.BytesIO(response.content))["Tiêu chí"]["C2"].value == "Thực hiện nhiệm vụ chuyên môn"


def test_import_page(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any, viewer: Any) -> None:
    assert login(client, viewer).get(url("criteria_import", tree["block_year"].pk)).status_code == 403
    login(client, head)
    assert client.get(url("criteria_import", tree["block_year"].pk)).status_code == 200
    data = client.get(url("criteria_export", tree["block_year"].pk)).content
    book = load_workbook(io.BytesIO(data))
    book["Tiêu chí"]["E3"] = "Bỏ phiếu"
    buffer = io.BytesIO()
    book.save(buffer)
    before = events()
    response = client.post(
        url("criteria_import", tree["block_year"].pk), {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3" in html
    assert "Cách chấm" in html
    assert "Bỏ phiếu" in html
    assert events() == before
    response = client.post(url("criteria_import", tree["block_year"].pk), {"file": SimpleUploadedFile("t.xlsx", data)})
    assert response.status_code == 302
    assert events() == before + 1


# --- groups and items ----------------------------------------------------------------------------------------------


def test_group_add_edit_delete(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any) -> None:
    login(client, head)
    by = tree["block_year"].pk
    assert client.get(url("criteria_group_add", by)).status_code == 200
    response = client.post(url("criteria_group_add", by), {"code": "I", "title": "Trùng"})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    response = client.post(url("criteria_group_add", by), {"code": "VII", "title": "Nhóm mới"})
    assert response.status_code == 302
    group = CriteriaGroup.objects.get(code="VII")
    assert client.get(url("criteria_group_edit", group.pk)).status_code == 200
    client.post(url("criteria_group_edit", group.pk), {"code": "VII", "title": "Nhóm đổi tên"})
    group.refresh_from_db()
    assert group.title == "Nhóm đổi tên"
    client.post(url("criteria_group_delete", group.pk))
    assert not CriteriaGroup.objects.filter(code="VII").exists()
    response = client.post(url("criteria_group_delete", CriteriaGroup.objects.get(code="I").pk), follow=True)
    assert "tie-break order" in response.content.decode()  # group I breaks ties in the demo settings
    assert client.get(url("criteria_group_edit", 999999)).status_code == 404


def test_item_add_and_page_edit(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any) -> None:
    login(client, head)
    group = CriteriaGroup.objects.get(code="I")
    assert client.get(url("criteria_item_add", group.pk)).status_code == 200
    before = events()
    bad = client.post(url("criteria_item_add", group.pk), {"code": "1.6", "title": "X", "item_type": "points"})
    assert bad.status_code == 400
    assert "maximum points of this line" in bad.content.decode()
    assert events() == before
    response = client.post(
        url("criteria_item_add", group.pk),
        {"code": "1.6", "title": "Dòng mới", "item_type": "points", "max_points": "3", "add_another": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("criteria_item_add", group.pk)
    item = CriteriaItem.objects.get(code="1.6")
    page = client.get(url("criteria_item_edit", item.pk))
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    response = client.post(
        url("criteria_item_edit", item.pk),
        {"group": group.pk, "code": "1.6", "title": "Dòng mới", "item_type": "yes_no", "max_points": "3"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.item_type == "yes_no"


def test_item_inline_edit_with_htmx(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any) -> None:
    login(client, head)
    item = CriteriaItem.objects.get(code="1.1")
    form = client.get(url("criteria_item_edit", item.pk), headers=HTMX)
    html = form.content.decode()
    assert form.status_code == 200
    assert 'data-testid="item-inline-form"' in html
    assert "<html" not in html
    data = {
        "group": item.group_id,
        "code": "1.1",
        "title": item.title,
        "item_type": "points",
        "max_points": "12",
        "per_occurrence": "2",
        "evidence_required": "on",
    }
    before = events()
    error = client.post(url("criteria_item_edit", item.pk), data, headers=HTMX)
    assert error.status_code == 200  # htmx swaps only successful answers: the errors come back in the form
    assert "Only bonus and deduction lines have points per occurrence" in error.content.decode()
    assert 'data-testid="item-inline-form"' in error.content.decode()
    assert events() == before
    data["per_occurrence"] = ""
    data["max_points"] = "14"
    saved = client.post(url("criteria_item_edit", item.pk), data, headers=HTMX)
    assert saved.status_code == 200
    assert 'data-testid="item-inline-form"' not in saved.content.decode()
    assert 'data-testid="base-maximum">102<' in saved.content.decode()
    item.refresh_from_db()
    assert item.max_points == 14


def test_item_move_and_delete(client: Client, tree: dict[str, Any], demo: CriteriaSet, head: Any) -> None:
    login(client, head)
    second = CriteriaItem.objects.get(code="1.2")
    response = client.post(url("criteria_item_move", second.pk), {"direction": "up"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert list(second.group.items.order_by("position").values_list("code", flat=True))[:2] == ["1.2", "1.1"]
    response = client.post(url("criteria_item_move", second.pk), {"direction": "down"})
    assert response.status_code == 302
    group = CriteriaGroup.objects.get(code="II")
    client.post(url("criteria_group_move", group.pk), {"direction": "up"})
    assert list(demo.groups.order_by("position").values_list("code", flat=True))[:2] == ["II", "I"]
    client.post(url("criteria_item_delete", second.pk))
    assert not CriteriaItem.objects.filter(code="1.2").exists()


def test_item_writes_are_refused_to_a_clerk(
    client: Client, tree: dict[str, Any], demo: CriteriaSet, make_user: Any
) -> None:
    login(client, make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    item = CriteriaItem.objects.get(code="1.1")
    before = events()
    for response in (
        client.get(url("criteria_item_edit", item.pk)),
        client.post(url("criteria_item_delete", item.pk)),
        client.post(url("criteria_item_move", item.pk), {"direction": "up"}),
        client.post(url("criteria_item_add", item.group_id), {"code": "9", "title": "X", "item_type": "points"}),
        client.post(url("criteria_lock", tree["block_year"].pk)),
        client.post(url("criteria_copy", tree["block_year"].pk)),
    ):
        assert response.status_code == 403
    assert events() == before
