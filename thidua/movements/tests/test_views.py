"""Movements pages: each renders for an allowed role, refuses others (403/404), and bad input writes nothing."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.attachments.services import attachments_of
from thidua.audit.models import AuditEvent
from thidua.movements import services
from thidua.movements.models import Activity, Movement, Practice, PracticeAdoption, PracticeComment
from thidua.movements.tests.conftest import NothingWritten, make_criteria, upload
from thidua.organizations import services as org_services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"movements:{name}", args=args)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def no_inline_code(html: str) -> None:
    """The strict CSP allows neither inline style attributes nor inline scripts nor hx-on."""
    assert not re.search(r"\sstyle=", html)
    assert "hx-on" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script


# --- block-year pages ------------------------------------------------------------------------------------------------


def test_overview_shows_numbers_and_charts(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    response = login(client, users["viewer"]).get(url("overview", w["block_year"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="stat-movements">1<' in html
    assert 'id="chart-kinds"' in html
    assert 'data-chart="chart-units"' in html
    assert "Trung tâm Lưu trữ lịch sử" in html
    no_inline_code(html)
    assert client.get(url("overview", 999999)).status_code == 404


def test_pages_need_a_signed_in_user(client: Client, w: dict[str, Any]) -> None:
    response = client.get(url("movement_list", w["block_year"].pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_movement_list(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    html = login(client, users["viewer"]).get(url("movement_list", w["block_year"].pk)).content.decode()
    assert "Chuyển đổi số trong cơ quan" in html
    assert 'data-testid="new-movement"' not in html
    no_inline_code(html)
    html = login(client, users["block_deputy"]).get(url("movement_list", w["block_year"].pk)).content.decode()
    assert 'data-testid="new-movement"' in html


@pytest.mark.parametrize("role", ["viewer", "unit_clerk", "department"])
def test_movement_create_refused(client: Client, w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    assert login(client, users[role]).get(url("movement_create", w["block_year"].pk)).status_code == 403


def test_movement_create(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["block_head"])
    assert client.get(url("movement_create", w["block_year"].pk)).status_code == 200
    data = {
        "title": "Vì người nghèo – an sinh xã hội",
        "theme": "social_welfare",
        "goals": "Ủng hộ Quỹ Vì người nghèo.",
        "start_date": "2025-10-01",
        "end_date": "2025-11-18",
        "participants": [w["centre_b"].pk, w["board"].pk],
    }
    response = client.post(url("movement_create", w["block_year"].pk), data)
    movement = Movement.objects.get(title="Vì người nghèo – an sinh xã hội")
    assert response.status_code == 302
    assert response["Location"] == url("movement_detail", movement.pk)
    assert movement.participants.count() == 2


def test_movement_create_bad_dates_writes_nothing(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["block_head"])
    data = {"title": "X", "theme": "other", "start_date": "2025-10-01", "end_date": "2025-09-01"}
    with NothingWritten():
        response = client.post(url("movement_create", w["block_year"].pk), data)
    assert response.status_code == 400
    assert response.context["form"].errors["end_date"]


def test_movement_detail_join_and_leave(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    movement = w["movement"]
    login(client, users["clerk_c"])
    response = client.get(url("movement_detail", movement.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="join-form"' in html
    no_inline_code(html)
    assert list(response.context["join_form"].fields["unit"].queryset) == [w["centre_c"]]
    response = client.post(url("movement_join", movement.pk), {"unit": w["centre_c"].pk})
    assert response.status_code == 302
    assert movement.participations.filter(unit=w["centre_c"]).exists()
    # the clerk of C may not take centre A out
    assert client.post(url("movement_leave", movement.pk, w["centre_a"].pk)).status_code == 403
    response = client.post(url("movement_leave", movement.pk, w["centre_c"].pk))
    assert response.status_code == 302
    assert not movement.participations.filter(unit=w["centre_c"]).exists()


def test_join_for_another_unit_is_reported_and_writes_nothing(
    client: Client, w: dict[str, Any], users: dict[str, Any]
) -> None:
    login(client, users["clerk_c"])
    with NothingWritten():
        response = client.post(url("movement_join", w["movement"].pk), {"unit": w["board"].pk}, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_movement_detail_404(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    assert login(client, users["viewer"]).get(url("movement_detail", 999999)).status_code == 404


def test_movement_update_and_delete(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    movement = w["movement"]
    assert login(client, users["unit_head"]).get(url("movement_update", movement.pk)).status_code == 403
    assert client.post(url("movement_delete", movement.pk)).status_code == 403
    login(client, users["block_head"])
    assert client.get(url("movement_update", movement.pk)).status_code == 200
    data = {
        "title": "Chuyển đổi số 2025",
        "theme": "digital_transformation",
        "goals": movement.goals,
        "start_date": "2025-02-01",
        "end_date": "2025-11-30",
        "participants": [w["centre_a"].pk],
    }
    assert client.post(url("movement_update", movement.pk), data).status_code == 302
    movement.refresh_from_db()
    assert movement.title == "Chuyển đổi số 2025"
    assert list(movement.participants.all()) == [w["centre_a"]]
    response = client.post(url("movement_delete", movement.pk))
    assert response["Location"] == url("movement_list", w["block_year"].pk)
    assert not Movement.objects.exists()


def test_movement_criteria(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    item = make_criteria(w["block_year"])
    assert login(client, users["viewer"]).get(url("movement_criteria", w["movement"].pk)).status_code == 403
    login(client, users["block_head"])
    assert client.get(url("movement_criteria", w["movement"].pk)).status_code == 200
    assert client.post(url("movement_criteria", w["movement"].pk), {"items": [item.pk]}).status_code == 302
    assert list(w["movement"].criteria.all()) == [item]
    assert "Tổ chức phong trào thi đua" in client.get(url("movement_detail", w["movement"].pk)).content.decode()


# --- activities ------------------------------------------------------------------------------------------------------


def test_activity_list_by_month(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    services.activity_create(
        actor=system_actor(),
        block_year=w["block_year"],
        organiser=w["centre_b"],
        kind="gratitude",
        title="Thăm hỏi gia đình chính sách",
        date=dt.date(2025, 7, 25),
    )
    response = login(client, users["viewer"]).get(url("activity_list", w["block_year"].pk))
    assert response.status_code == 200
    assert [m.month for m in response.context["months"]] == [dt.date(2025, 3, 1), dt.date(2025, 7, 1)]
    no_inline_code(response.content.decode())
    response = client.get(url("activity_list", w["block_year"].pk), {"kind": "gratitude"})
    assert [a.title for m in response.context["months"] for a in m.activities] == ["Thăm hỏi gia đình chính sách"]


def test_activity_create_by_unit_clerk(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["unit_clerk"])
    response = client.get(url("activity_create", w["block_year"].pk))
    assert response.status_code == 200
    assert list(response.context["form"].fields["organiser"].queryset) == [w["centre_a"]]
    data = {
        "kind": "artistic",
        "title": "Hội diễn văn nghệ chào mừng 2/9",
        "date": "2025-08-29",
        "place": "Nhà văn hóa trung tâm tỉnh",
        "organiser": w["centre_a"].pk,
        "participants": [w["centre_b"].pk],
        "attendee_count": "200",
    }
    response = client.post(url("activity_create", w["block_year"].pk), data)
    activity = Activity.objects.get(title="Hội diễn văn nghệ chào mừng 2/9")
    assert response["Location"] == url("activity_detail", activity.pk)
    # an organiser outside the user's units is not a valid choice
    with NothingWritten():
        response = client.post(url("activity_create", w["block_year"].pk), {**data, "organiser": w["centre_c"].pk})
    assert response.status_code == 400


@pytest.mark.parametrize("role", ["viewer", "delegate"])
def test_activity_create_refused(client: Client, w: dict[str, Any], users: dict[str, Any], role: str) -> None:
    assert login(client, users[role]).get(url("activity_create", w["block_year"].pk)).status_code == 403


def test_activity_detail_files(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    login(client, users["unit_clerk"])
    response = client.get(url("activity_detail", activity.pk))
    assert response.status_code == 200
    no_inline_code(response.content.decode())
    response = client.post(url("activity_attach", activity.pk), {"file": upload("anh-giai-dau.png", b"\x89PNG")})
    assert response.status_code == 302
    attachment = attachments_of(activity).get()
    # any signed-in user may download the evidence of an activity
    download = login(client, users["viewer"]).get(reverse("attachments:download", args=[attachment.pk]))
    assert download.status_code == 200
    assert client.post(url("activity_detach", activity.pk, attachment.pk)).status_code == 403
    login(client, users["unit_clerk"])
    assert client.post(url("activity_detach", activity.pk, attachment.pk)).status_code == 302
    assert not attachments_of(activity).exists()


def test_activity_bad_file_is_reported(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["unit_clerk"])
    with NothingWritten():
        response = client.post(url("activity_attach", w["activity"].pk), {"file": upload("x.exe")}, follow=True)
    assert list(response.context["messages"])


def test_activity_update_and_delete(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    activity = w["activity"]
    assert login(client, users["clerk_c"]).get(url("activity_update", activity.pk)).status_code == 403
    login(client, users["unit_head"])
    response = client.get(url("activity_update", activity.pk))
    assert response.status_code == 200
    data = {
        "kind": "sports",
        "title": "Giải bóng chuyền hơi mở rộng",
        "date": "2025-03-26",
        "organiser": w["centre_a"].pk,
        "attendee_count": "140",
    }
    assert client.post(url("activity_update", activity.pk), data).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.attendee_count, activity.participants.count()) == (
        "Giải bóng chuyền hơi mở rộng",
        140,
        0,
    )
    assert client.post(url("activity_delete", activity.pk))["Location"] == url("activity_list", w["block_year"].pk)
    assert not Activity.objects.exists()


# --- good practices --------------------------------------------------------------------------------------------------


def test_library_lists_and_searches(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["viewer"])
    response = client.get(url("practice_library"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số hóa hồ sơ lưu trữ" in html
    no_inline_code(html)
    assert "HX-Request" in response["Vary"]
    assert client.get(url("practice_library"), {"q": "so hoa"}).context["page_obj"].paginator.count == 1
    assert client.get(url("practice_library"), {"q": "van nghe"}).context["page_obj"].paginator.count == 0
    response = client.get(url("practice_library"), {"movement": w["movement"].pk})
    assert response.context["movement"] == w["movement"]
    assert (
        client.get(url("practice_library"), {"block_year": w["block_year"].pk}).context["page_obj"].paginator.count == 1
    )
    empty_year = org_services.block_year_create(actor=system_actor(), block=w["other_block"], year=2025)
    assert client.get(url("practice_library"), {"block_year": empty_year.pk}).context["page_obj"].paginator.count == 0


def test_library_htmx_returns_only_the_rows(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    login(client, users["viewer"])
    response = client.get(url("practice_library"), {"q": "nguyen van duc"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số hóa hồ sơ lưu trữ" in html
    assert "<html" not in html
    assert 'id="practice-results"' not in html
    assert "HX-Request" in response["Vary"]


def test_library_drafts_for_the_unit_only(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Bản nháp")
    assert "Bản nháp" in login(client, users["unit_clerk"]).get(url("practice_library")).content.decode()
    assert "Bản nháp" not in login(client, users["viewer"]).get(url("practice_library")).content.decode()


def test_practice_detail_visibility(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Nháp")
    login(client, users["viewer"])
    response = client.get(url("practice_detail", w["practice"].pk))
    assert response.status_code == 200
    no_inline_code(response.content.decode())
    assert client.get(url("practice_detail", draft.pk)).status_code == 404
    assert client.get(url("practice_detail", 999999)).status_code == 404
    assert login(client, users["block_head"]).get(url("practice_detail", draft.pk)).status_code == 200


def test_practice_create_publish_and_withdraw(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    assert login(client, users["viewer"]).get(url("practice_create", w["block_year"].pk)).status_code == 403
    login(client, users["unit_clerk"])
    assert "Khối thi đua các trung tâm" in client.get(url("practice_library")).content.decode()  # "share" menu
    assert client.get(url("practice_create", w["block_year"].pk)).status_code == 200
    data = {
        "unit": w["centre_a"].pk,
        "title": "Một cửa liên thông điện tử",
        "theme": "",
        "movement": w["movement"].pk,
        "problem": "Chậm",
        "approach": "Trực tuyến",
        "results": "Nhanh",
        "contact": "Chị Hà, 0912 345 678",
    }
    response = client.post(url("practice_create", w["block_year"].pk), data)
    practice = Practice.objects.get(title="Một cửa liên thông điện tử")
    assert response["Location"] == url("practice_detail", practice.pk)
    assert practice.theme == "digital_transformation"
    assert client.post(url("practice_publish", practice.pk)).status_code == 302
    practice.refresh_from_db()
    assert practice.status == "published"
    assert client.get(url("practice_withdraw", practice.pk)).status_code == 200
    assert client.post(url("practice_withdraw", practice.pk), {"reason": "Đã lỗi thời"}).status_code == 302
    practice.refresh_from_db()
    assert practice.status == "withdrawn"


def test_practice_update_and_delete_draft(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Nháp")
    assert login(client, users["block_head"]).get(url("practice_update", draft.pk)).status_code == 403
    login(client, users["unit_head"])
    data = {"title": "Nháp đã sửa", "theme": "other", "problem": "", "approach": "", "results": "", "contact": ""}
    assert client.post(url("practice_update", draft.pk), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Nháp đã sửa"
    assert client.post(url("practice_delete", draft.pk))["Location"] == url("practice_library")
    assert not Practice.objects.filter(pk=draft.pk).exists()


def test_publish_an_incomplete_draft_is_reported(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Nháp")
    login(client, users["unit_head"])
    with NothingWritten():
        response = client.post(url("practice_publish", draft.pk), follow=True)
    assert list(response.context["messages"])
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_comments(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    login(client, users["viewer"])
    with NothingWritten():
        response = client.post(url("practice_comment", practice.pk), {"text": ""})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["text"]
    assert client.post(url("practice_comment", practice.pk), {"text": "Đơn vị sẽ học tập."}).status_code == 302
    comment = PracticeComment.objects.get()
    html = client.get(url("practice_detail", practice.pk)).content.decode()
    assert "Đơn vị sẽ học tập." in html
    login(client, users["unit_head"])
    assert client.post(url("practice_comment_delete", practice.pk, comment.pk)).status_code == 403
    login(client, users["viewer"])
    assert client.post(url("practice_comment_delete", practice.pk, comment.pk)).status_code == 302
    assert not PracticeComment.objects.exists()


def test_adopt(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    # the practice's own unit is offered no adoption box, and a forged post is refused
    response = login(client, users["unit_clerk"]).get(url("practice_detail", practice.pk))
    assert response.context["adopt_form"] is None
    assert client.post(url("practice_adopt", practice.pk), {"unit": w["centre_a"].pk}).status_code == 403
    login(client, users["clerk_c"])
    response = client.get(url("practice_detail", practice.pk))
    assert list(response.context["adopt_form"].fields["unit"].queryset) == [w["centre_c"]]
    with NothingWritten():
        response = client.post(
            url("practice_adopt", practice.pk), {"unit": w["centre_c"].pk, "adopted_on": "2025-01-01"}
        )
    assert response.status_code == 400
    assert response.context["adopt_form"].errors["adopted_on"]
    response = client.post(url("practice_adopt", practice.pk), {"unit": w["centre_c"].pk, "note": "Áp dụng"})
    assert response.status_code == 302
    adoption = PracticeAdoption.objects.get()
    assert client.get(url("practice_detail", practice.pk)).context["adopt_form"] is None  # already adopted
    assert client.post(url("practice_adoption_remove", practice.pk, adoption.pk)).status_code == 302
    assert not PracticeAdoption.objects.exists()


def test_practice_files(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    practice = w["practice"]
    assert (
        login(client, users["viewer"]).post(url("practice_attach", practice.pk), {"file": upload()}).status_code == 403
    )
    login(client, users["unit_clerk"])
    assert client.post(url("practice_attach", practice.pk), {"file": upload()}).status_code == 302
    attachment = attachments_of(practice).get()
    assert AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first() == "attachment.add"
    assert client.post(url("practice_detach", practice.pk, attachment.pk)).status_code == 302
    assert not attachments_of(practice).exists()


def test_draft_files_are_not_downloadable_by_others(client: Client, w: dict[str, Any], users: dict[str, Any]) -> None:
    draft = services.practice_create(actor=system_actor(), block_year=w["block_year"], unit=w["centre_a"], title="Nháp")
    attachment = services.practice_attach(actor=system_actor(), practice=draft, upload=upload())
    download = reverse("attachments:download", args=[attachment.pk])
    assert login(client, users["viewer"]).get(download).status_code == 404
    assert login(client, users["unit_clerk"]).get(download).status_code == 200
