"""The roll in the organisers' console: filling it, delegates and guests, check-in by htmx row swap, new cards,
and the printable delegate cards with one server-drawn QR code each."""

from typing import Any

import pytest
from django.test import Client

from thidua.conferences.models import Delegate
from thidua.conferences.services import delegates as delegate_services
from thidua.conferences.tests.test_views_console import (
    NothingWritten,
    error_codes,
    html_of,
    login,
    make_poll,
    no_inline_code,
    outsiders,
    url,
    vote,
)
from thidua.tests_support.factories import make_person

pytestmark = pytest.mark.django_db


def test_roll_page_for_organisers(client: Client, world: dict[str, Any]) -> None:
    conference = world["conference"]
    response = login(client, world["secretary"]).get(url("roll", conference.pk))
    assert response.status_code == 200
    html = html_of(response)
    for delegate in world["delegates"].values():
        assert f'data-testid="delegate-{delegate.pk}"' in html
    assert "Hoàng Thị Mai" in html
    assert 'data-testid="quorum"' in html
    no_inline_code(html)


def test_roll_refuses_others(client: Client, world: dict[str, Any]) -> None:
    users = outsiders(world)
    conference = world["conference"]
    delegate = world["delegates"]["board"]
    assert login(client, users["member_staff"]).get(url("roll", conference.pk)).status_code == 403
    assert login(client, users["member_staff"]).post(url("delegate_check_in", delegate.pk)).status_code == 403
    assert login(client, users["outsider"]).get(url("roll", conference.pk)).status_code == 404
    assert login(client, users["outsider"]).post(url("delegate_remove", delegate.pk)).status_code == 404
    assert login(client, users["outsider"]).get(url("cards", conference.pk)).status_code == 404
    assert Delegate.objects.filter(pk=delegate.pk).exists()


def test_fill_from_the_member_units(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    delegate_services.delegate_remove(actor=planned["actor"], delegate=planned["delegates"]["board"])
    login(client, planned["secretary"])
    assert client.post(url("roll_fill", conference.pk)).status_code == 302
    assert conference.delegates.filter(unit=planned["board"], weight=1).count() == 1


def test_fill_refused_while_a_poll_is_open(client: Client, world: dict[str, Any]) -> None:
    make_poll(world)
    with NothingWritten():
        response = login(client, world["secretary"]).post(url("roll_fill", world["conference"].pk))
    assert response.status_code == 400
    assert "poll_open" in error_codes(response)


def test_add_a_second_delegate_of_a_unit_and_a_guest(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    login(client, planned["secretary"])
    data = {"unit": planned["centre_a"].pk, "person": "", "full_name": "Lê Thị Hoa", "job_title": "Phó Giám đốc"}
    assert client.post(url("delegate_add", conference.pk), {**data, "weight": ""}).status_code == 302
    second = conference.delegates.get(full_name="Lê Thị Hoa")
    assert (second.unit, second.weight) == (planned["centre_a"], 0)  # the unit's vote stays with the first
    guest = {"full_name": "Võ Văn Nam", "organisation": "Báo Quảng Trị", "job_title": "Phóng viên"}
    assert client.post(url("guest_add", conference.pk), guest).status_code == 302
    assert conference.delegates.get(full_name="Võ Văn Nam").is_guest


def test_add_a_delegate_from_a_staff_record(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    person = make_person(planned["board"], "Đặng Văn Khoa", position="Phó Trưởng ban")
    login(client, planned["secretary"])
    page = html_of(client.get(url("roll", conference.pk)))
    assert "Đặng Văn Khoa — Ban Quản lý dự án" in page
    data = {"unit": planned["board"].pk, "person": person.pk, "full_name": "", "job_title": "", "weight": "0"}
    assert client.post(url("delegate_add", conference.pk), data).status_code == 302
    assert conference.delegates.get(person=person).full_name == "Đặng Văn Khoa"


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("person_c_in_board", "person_not_staff"),
        ("no_name", "required"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(client: Client, planned: dict[str, Any], who: str, code: str) -> None:
    conference = planned["conference"]
    if who == "person_c_in_board":
        extra = make_person(planned["centre_c"], "Ngô Văn Tùng")
        data = {"unit": planned["board"].pk, "person": extra.pk, "full_name": "", "job_title": "", "weight": ""}
    else:
        data = {"unit": planned["board"].pk, "person": "", "full_name": "  ", "job_title": "", "weight": ""}
    login(client, planned["secretary"])
    with NothingWritten():
        response = client.post(url("delegate_add", conference.pk), data)
    assert response.status_code == 400
    assert code in error_codes(response)


def test_guest_without_a_name_is_refused(client: Client, planned: dict[str, Any]) -> None:
    login(client, planned["secretary"])
    with NothingWritten():
        response = client.post(url("guest_add", planned["conference"].pk), {"full_name": ""})
    assert response.status_code == 400
    assert "required" in error_codes(response)


def test_edit_a_delegate(client: Client, planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["board"]
    login(client, planned["secretary"])
    assert client.get(url("delegate_edit", delegate.pk)).status_code == 200
    data = {"full_name": "Phạm Văn Dũng", "job_title": "Trưởng ban", "organisation": "", "weight": "2"}
    assert client.post(url("delegate_edit", delegate.pk), data).status_code == 302
    delegate.refresh_from_db()
    assert delegate.weight == 2


def test_weight_cannot_change_while_a_poll_is_open(client: Client, world: dict[str, Any]) -> None:
    make_poll(world)
    delegate = world["delegates"]["board"]
    data = {"full_name": "Phạm Văn Dũng", "job_title": "Trưởng ban", "organisation": "", "weight": "2"}
    with NothingWritten():
        response = login(client, world["secretary"]).post(url("delegate_edit", delegate.pk), data)
    assert response.status_code == 400
    assert "poll_open" in error_codes(response)


def test_check_in_and_undo_swap_the_row(client: Client, planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_b"]
    login(client, planned["secretary"])
    response = client.post(url("delegate_check_in", delegate.pk), HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="delegate-{delegate.pk}"')
    assert "<html" not in html
    assert "table-success" in html
    assert f'data-testid="undo-{delegate.pk}"' in html
    no_inline_code(html)
    delegate.refresh_from_db()
    assert delegate.checked_in_at is not None
    html = html_of(client.post(url("delegate_undo_check_in", delegate.pk), HTTP_HX_REQUEST="true"))
    assert f'data-testid="check-in-{delegate.pk}"' in html
    delegate.refresh_from_db()
    assert delegate.checked_in_at is None


def test_check_in_without_htmx_redirects(client: Client, planned: dict[str, Any]) -> None:
    delegate = planned["delegates"]["centre_b"]
    response = login(client, planned["secretary"]).post(url("delegate_check_in", delegate.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#delegate-{delegate.pk}")


def test_undo_of_a_delegate_who_voted_shows_the_error_in_the_row(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world)
    vote(world, poll, "centre_b", world["centre_a"])
    delegate = world["delegates"]["centre_b"]
    login(client, world["secretary"])
    with NothingWritten():
        response = client.post(url("delegate_undo_check_in", delegate.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the row, with the error in it
    assert "delegate_has_voted" in error_codes(response)
    with NothingWritten():
        response = client.post(url("delegate_undo_check_in", delegate.pk))
    assert response.status_code == 400
    assert "delegate_has_voted" in error_codes(response)
    with NothingWritten():
        response = client.post(url("delegate_remove", delegate.pk))
    assert response.status_code == 400
    assert "delegate_has_voted" in error_codes(response)


def test_remove_a_delegate(client: Client, planned: dict[str, Any]) -> None:
    guest = planned["guest"]
    assert login(client, planned["secretary"]).post(url("delegate_remove", guest.pk)).status_code == 302
    assert not Delegate.objects.filter(pk=guest.pk).exists()


def test_reissue_a_card(client: Client, world: dict[str, Any]) -> None:
    delegate = world["delegates"]["centre_c"]
    old_token = delegate_services.delegate_card_token(delegate)
    response = login(client, world["secretary"]).post(url("delegate_reissue_card", delegate.pk))
    assert response.status_code == 302
    assert response["Location"] == url("cards", world["conference"].pk) + f"?delegate={delegate.pk}"
    delegate.refresh_from_db()
    assert delegate_services.delegate_card_token(delegate) != old_token
    page = html_of(client.get(response["Location"]))
    assert page.count("<svg") == 1
    assert f'data-testid="card-{delegate.pk}"' in page


def test_cards_page_has_one_qr_code_per_delegate(client: Client, world: dict[str, Any]) -> None:
    conference = world["conference"]
    response = login(client, world["secretary"]).get(url("cards", conference.pk))
    assert response.status_code == 200
    html = html_of(response)
    delegates = conference.delegates.count()
    assert html.count("<svg") == delegates == 5
    assert html.count('data-testid="card-sheet"') == 1
    for delegate in conference.delegates.all():
        assert f'data-testid="card-{delegate.pk}"' in html
    assert "Hoàng Thị Mai" in html
    no_inline_code(html)


def test_card_url_is_the_halls_card_page(rf: Any, world: dict[str, Any]) -> None:
    from thidua.conferences.views.console_roll import card_url

    request = rf.get("/")
    token = delegate_services.delegate_card_token(world["delegates"]["centre_a"])
    assert card_url(request, token) == f"http://testserver/conferences/card/{token}/"


def test_the_roll_warns_when_weights_differ(world: dict[str, Any]) -> None:
    from django.test import Client

    from thidua.conferences.services import delegates as delegate_services

    client = Client()
    client.force_login(world["secretary"])
    url = f"/conferences/{world['conference'].pk}/roll/"
    assert 'data-testid="uneven-weights"' not in client.get(url).content.decode()
    delegate_services.delegate_update(actor=world["secretary"], delegate=world["delegates"]["board"], weight=2)
    assert 'data-testid="uneven-weights"' in client.get(url).content.decode()
