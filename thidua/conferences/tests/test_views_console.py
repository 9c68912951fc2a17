"""The organisers' console pages: the list, planning, the session page with its live quorum, the agenda with
its files, closing and the minutes. Each page answers organisers, refuses others (403, or 404 when they may
not even see the conference), and a refused input shows its stable error code and writes nothing."""

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.attachments.services import attachments_of
from thidua.audit.models import AuditEvent
from thidua.conferences.models import AgendaItem, Conference, ConferenceStatus, Delegate, Poll, PollKind, VoterRoll
from thidua.conferences.services import polls as poll_services
from thidua.conferences.services.polls import CandidateInput
from thidua.tests_support.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

UNITS = ("centre_a", "centre_b", "centre_c", "board")


# --- helpers shared by the console tests ----------------------------------------------------------------------------


def url(name: str, *args: Any) -> str:
    return reverse(f"conferences:{name}", args=args)


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def html_of(response: Any) -> str:
    return response.content.decode()


def no_inline_code(html: str) -> None:
    """The strict CSP allows neither inline style attributes nor inline scripts nor hx-on."""
    assert not re.search(r"\sstyle=", html)
    assert "hx-on" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script


def error_codes(response: Any) -> set[str]:
    """The stable error codes a page shows (error boxes and form elements carry them)."""
    html = html_of(response)
    codes = set(re.findall(r'data-error-code="([^"]+)"', html))
    for group in re.findall(r'data-error-codes="([^"]*)"', html):
        codes.update(group.split())
    return codes


class NothingWritten:
    """Asserts that no audit event and no conference row was written inside the block."""

    def __enter__(self) -> "NothingWritten":
        self.before = self.counts()
        return self

    @staticmethod
    def counts() -> tuple[int, ...]:
        return (
            AuditEvent.objects.count(),
            Conference.objects.count(),
            AgendaItem.objects.count(),
            Delegate.objects.count(),
            Poll.objects.count(),
            VoterRoll.objects.count(),
        )

    def __exit__(self, *exc: Any) -> None:
        assert self.counts() == self.before


def outsiders(world: dict[str, Any]) -> dict[str, Any]:
    """A member unit's clerk (sees the conference, may not run it) and a clerk elsewhere (sees nothing)."""
    staff: Any = UserFactory(username="vanthu_b")
    grant(staff, Role.UNIT_CLERK, unit=world["centre_b"])
    outsider: Any = UserFactory(username="ngoai")
    grant(outsider, Role.UNIT_CLERK, unit=world["dept"])
    return {"member_staff": staff, "outsider": outsider}


def make_poll(world: dict[str, Any], *, open_it: bool = True, **kw: Any) -> Poll:
    data: dict[str, Any] = {
        "title": "Suy tôn đơn vị dẫn đầu",
        "kind": PollKind.SELECTION,
        "candidates": [CandidateInput(unit=world[k]) for k in kw.pop("units", UNITS)],
        "max_choices": 1,
        "seats": 1,
        "agenda_item": world["conference"].agenda.get(kind="leading_unit"),
    }
    data.update(kw)
    poll = poll_services.poll_create(actor=world["secretary"], conference=world["conference"], **data)
    return poll_services.poll_open(actor=world["secretary"], poll=poll) if open_it else poll


def vote(world: dict[str, Any], poll: Poll, who: str, *units: Any) -> None:
    poll_services.poll_cast(
        actor=None,
        poll=poll,
        delegate=world["delegates"][who],
        content={"choices": [poll.candidates.get(unit=u).pk for u in units]},
        idempotency_key=str(uuid.uuid4()),
    )


def closed_leading_poll(world: dict[str, Any]) -> Poll:
    poll = make_poll(world)
    for who in ("centre_a", "centre_b", "centre_c"):
        vote(world, poll, who, world["centre_a"])
    vote(world, poll, "board", world["centre_b"])
    return poll_services.poll_close(actor=world["secretary"], poll=poll)


# --- the list and the block-year link -------------------------------------------------------------------------------


def test_pages_need_a_signed_in_user(client: Client, world: dict[str, Any]) -> None:
    for response in (client.get(url("list")), client.get(url("console", world["conference"].pk))):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_list_shows_the_conferences_the_user_may_see(client: Client, world: dict[str, Any]) -> None:
    users = outsiders(world)
    html = html_of(login(client, world["head"]).get(url("list")))
    assert world["conference"].title in html
    assert 'data-testid="new-conference"' not in html  # no block-year chosen
    no_inline_code(html)
    html = html_of(login(client, users["outsider"]).get(url("list")))
    assert world["conference"].title not in html
    assert 'data-testid="no-conferences"' in html


def test_list_of_a_block_year_offers_planning_to_its_leaders(client: Client, world: dict[str, Any]) -> None:
    year = world["block_year"]
    html = html_of(login(client, world["head"]).get(url("list") + f"?block_year={year.pk}"))
    assert 'data-testid="new-conference"' in html
    html = html_of(login(client, world["secretary"]).get(url("list") + f"?block_year={year.pk}"))
    assert 'data-testid="new-conference"' not in html
    assert login(client, world["head"]).get(url("list") + "?block_year=999999").status_code == 404


def test_block_year_page_and_navigation_link_to_the_conferences(client: Client, world: dict[str, Any]) -> None:
    year = world["block_year"]
    html = html_of(login(client, world["head"]).get(reverse("organizations:block_year_detail", args=[year.pk])))
    assert f"{url('list')}?block_year={year.pk}" in html
    assert f'href="{url("list")}"' in html  # the main navigation


# --- planning and editing -------------------------------------------------------------------------------------------


def _conference_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Hội nghị tổng kết năm 2025",
        "starts_at": "2026-01-16T08:00",
        "place": "Hội trường Sở Nội vụ",
        "chair": "Khối trưởng",
        "secretary": "",
        "quorum_rule": "two_thirds",
        "quorum_numerator": "",
        "quorum_denominator": "",
        "default_agenda": "on",
    }
    data.update(changes)
    return data


def test_create_plans_a_conference_with_the_usual_agenda(client: Client, world: dict[str, Any]) -> None:
    year = world["block_year"]
    login(client, world["head"])
    page = client.get(url("create", year.pk))
    assert page.status_code == 200
    no_inline_code(html_of(page))
    response = client.post(url("create", year.pk), _conference_data(secretary=world["secretary"].pk))
    conference = Conference.objects.exclude(pk=world["conference"].pk).get()
    assert response.status_code == 302
    assert response["Location"] == url("console", conference.pk)
    assert (conference.quorum_numerator, conference.quorum_denominator, conference.quorum_strict) == (2, 3, False)
    assert conference.secretary == world["secretary"]
    assert conference.agenda.count() == 6
    assert AuditEvent.objects.filter(action="conference.create", object_id=str(conference.pk)).exists()


def test_create_with_a_custom_quorum(client: Client, world: dict[str, Any]) -> None:
    login(client, world["head"])
    data = _conference_data(quorum_rule="custom", quorum_numerator="3", quorum_denominator="5", default_agenda="")
    assert client.post(url("create", world["block_year"].pk), data).status_code == 302
    conference = Conference.objects.exclude(pk=world["conference"].pk).get()
    assert (conference.quorum_numerator, conference.quorum_denominator, conference.quorum_strict) == (3, 5, False)
    assert conference.agenda.count() == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quorum_rule": "custom", "quorum_numerator": "3", "quorum_denominator": "2"}, "invalid_quorum"),
        ({"place": "   "}, "required"),
        ({"quorum_rule": "custom"}, "invalid"),  # the fraction is missing
        ({"starts_at": "someday"}, "invalid"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(
    client: Client, world: dict[str, Any], changes: dict[str, Any], code: str
) -> None:
    login(client, world["head"])
    with NothingWritten():
        response = client.post(url("create", world["block_year"].pk), _conference_data(**changes))
    assert response.status_code == 400
    assert code in error_codes(response)


def test_create_is_refused_to_others(client: Client, world: dict[str, Any]) -> None:
    users = outsiders(world)
    assert login(client, world["secretary"]).get(url("create", world["block_year"].pk)).status_code == 403
    with NothingWritten():
        response = login(client, users["member_staff"]).post(url("create", world["block_year"].pk), _conference_data())
    assert response.status_code == 403
    assert login(client, world["head"]).get(url("create", 999999)).status_code == 404


def test_edit_changes_the_place_and_the_quorum(client: Client, world: dict[str, Any]) -> None:
    conference = world["conference"]
    login(client, world["secretary"])
    page = client.get(url("edit", conference.pk))
    assert page.status_code == 200
    assert 'value="more_half" selected' in html_of(page)
    data = _conference_data(place="Phòng họp số 2", quorum_rule="three_quarters", secretary=world["secretary"].pk)
    data.pop("default_agenda")
    assert client.post(url("edit", conference.pk), data).status_code == 302
    conference.refresh_from_db()
    assert conference.place == "Phòng họp số 2"
    assert (conference.quorum_numerator, conference.quorum_denominator) == (3, 4)


# --- the session page -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "deputy", "secretary"])
def test_console_answers_the_organisers(client: Client, world: dict[str, Any], who: str) -> None:
    make_poll(world)
    response = login(client, world[who]).get(url("console", world["conference"].pk))
    assert response.status_code == 200
    html = html_of(response)
    assert 'data-testid="quorum"' in html
    assert 'hx-trigger="every 3s"' in html
    assert "Suy tôn đơn vị dẫn đầu" in html
    assert 'data-testid="agenda"' in html
    no_inline_code(html)


def test_console_refuses_others(client: Client, world: dict[str, Any]) -> None:
    users = outsiders(world)
    conference = world["conference"]
    assert login(client, users["member_staff"]).get(url("console", conference.pk)).status_code == 403
    assert login(client, world["voter_user"]).get(url("console", conference.pk)).status_code == 403
    assert login(client, users["outsider"]).get(url("console", conference.pk)).status_code == 404
    assert login(client, world["head"]).get(url("console", 999999)).status_code == 404


def test_quorum_partial(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    response = login(client, planned["secretary"]).get(url("quorum", conference.pk), HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-quorum="missing"' in html
    assert "0 / 4" in html
    for delegate in planned["delegates"].values():
        Delegate.objects.filter(pk=delegate.pk).update(checked_in_at=dt.datetime(2026, 1, 16, 1, tzinfo=dt.UTC))
    html = html_of(client.get(url("quorum", conference.pk), HTTP_HX_REQUEST="true"))
    assert 'data-quorum="met"' in html
    assert "4 / 4" in html


def test_open_the_session(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    login(client, planned["secretary"])
    assert client.post(url("open", conference.pk)).status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.OPEN
    with NothingWritten():
        again = client.post(url("open", conference.pk))
    assert again.status_code == 400
    assert "conference_not_planned" in error_codes(again)
    assert client.get(url("open", conference.pk)).status_code == 405


def test_set_the_current_item(client: Client, world: dict[str, Any]) -> None:
    conference = world["conference"]
    item = conference.agenda.get(kind="leadership")
    login(client, world["secretary"])
    assert client.post(url("set_current_item", conference.pk), {"item": item.pk}).status_code == 302
    conference.refresh_from_db()
    assert conference.current_item == item
    html = html_of(client.get(url("console", conference.pk)))
    assert f'data-testid="agenda-item-{item.pk}"' in html
    assert 'data-testid="current-item"' in html
    with NothingWritten():
        response = client.post(url("set_current_item", conference.pk), {"item": 999999})
    assert response.status_code == 400
    assert "invalid_choice" in error_codes(response)


# --- the agenda -----------------------------------------------------------------------------------------------------


def test_agenda_add_edit_move_remove(client: Client, planned: dict[str, Any]) -> None:
    conference = planned["conference"]
    login(client, planned["deputy"])
    assert client.get(url("item_add", conference.pk)).status_code == 200
    data = {"kind": "other", "title": "Phát biểu của lãnh đạo Sở", "presenter": "Giám đốc Sở", "notes": ""}
    assert client.post(url("item_add", conference.pk), data).status_code == 302
    item = conference.agenda.get(title="Phát biểu của lãnh đạo Sở")
    assert item.position == 7
    edit = {**data, "title": "Phát biểu chỉ đạo"}
    assert client.get(url("item_edit", item.pk)).status_code == 200
    assert client.post(url("item_edit", item.pk), edit).status_code == 302
    item.refresh_from_db()
    assert item.title == "Phát biểu chỉ đạo"
    assert client.post(url("item_move", item.pk), {"direction": "up"}).status_code == 302
    order = list(conference.agenda.order_by("position").values_list("pk", flat=True))
    assert order.index(item.pk) == 5
    assert client.post(url("item_remove", item.pk)).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_agenda_refusals_show_the_code_and_write_nothing(client: Client, world: dict[str, Any]) -> None:
    poll = make_poll(world, open_it=False)
    item = poll.agenda_item
    assert item is not None
    login(client, world["secretary"])
    with NothingWritten():
        response = client.post(url("item_remove", item.pk))
    assert response.status_code == 400
    assert "item_has_polls" in error_codes(response)
    with NothingWritten():
        response = client.post(url("item_add", world["conference"].pk), {"kind": "other", "title": " "})
    assert response.status_code == 400
    assert "required" in error_codes(response)
    users = outsiders(world)
    assert login(client, users["member_staff"]).post(url("item_remove", item.pk)).status_code == 403
    assert login(client, users["outsider"]).get(url("item_detail", item.pk)).status_code == 404


def test_item_page_offers_the_polls_of_its_kind_and_takes_files(client: Client, world: dict[str, Any]) -> None:
    item = world["conference"].agenda.get(kind="commendation")
    login(client, world["secretary"])
    html = html_of(client.get(url("item_detail", item.pk)))
    assert 'data-testid="preset-commendation_approval"' in html
    assert 'data-testid="preset-leading_unit"' not in html
    no_inline_code(html)
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    assert client.post(url("item_attach", item.pk), {"file": upload}).status_code == 302
    attachment = attachments_of(item).get()
    assert attachment.original_name == "bao-cao.pdf"
    assert "bao-cao.pdf" in html_of(client.get(url("item_detail", item.pk)))
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    with NothingWritten():
        client.post(url("item_attach", item.pk), {"file": bad})
    assert attachments_of(item).count() == 1
    assert client.post(url("item_detach", item.pk, attachment.pk)).status_code == 302
    assert not attachments_of(item).exists()


# --- closing and the minutes ----------------------------------------------------------------------------------------


def test_close_page_says_what_happens_to_next_years_leadership(client: Client, world: dict[str, Any]) -> None:
    conference = world["conference"]
    assert login(client, world["secretary"]).get(url("close", conference.pk)).status_code == 403
    html = html_of(login(client, world["head"]).get(url("close", conference.pk)))
    assert 'data-testid="handover-none"' in html
    no_inline_code(html)


def test_close_refuses_while_a_poll_is_open(client: Client, world: dict[str, Any]) -> None:
    make_poll(world)
    login(client, world["head"])
    html = html_of(client.get(url("close", world["conference"].pk)))
    assert 'data-testid="open-polls"' in html
    with NothingWritten():
        response = client.post(url("close", world["conference"].pk), {"conclusions": "Kết luận"})
    assert response.status_code == 400
    assert "polls_still_open" in error_codes(response)


def test_close_with_conclusions(client: Client, world: dict[str, Any]) -> None:
    closed_leading_poll(world)
    conference = world["conference"]
    response = login(client, world["head"]).post(url("close", conference.pk), {"conclusions": "Thống nhất đề nghị."})
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.CLOSED
    assert conference.conclusions == "Thống nhất đề nghị."
    html = html_of(client.get(url("console", conference.pk)))
    assert 'data-testid="conference-actions"' not in html


def test_minutes_contain_attendance_outcome_and_hash(client: Client, world: dict[str, Any]) -> None:
    poll = closed_leading_poll(world)
    response = login(client, world["voter_user"]).get(url("minutes", world["conference"].pk))  # a delegate may read
    assert response.status_code == 200
    html = html_of(response)
    assert 'data-testid="minutes-attendance"' in html
    assert "Hoàng Thị Mai" in html  # the guest
    assert f'data-testid="minutes-poll-{poll.pk}"' in html
    assert poll.bulletin_head in html
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "75.0" in html  # 3 of 4 votes, stated with the arithmetic
    no_inline_code(html)
    assert login(client, outsiders(world)["outsider"]).get(url("minutes", world["conference"].pk)).status_code == 404


def test_the_list_leads_each_user_where_they_may_go(world: dict[str, Any]) -> None:
    from django.test import Client

    conference = world["conference"]
    client = Client()
    client.force_login(world["voter_user"])  # a delegate's account: no console, the minutes and the ballot
    page = client.get("/conferences/").content.decode()
    assert f"/conferences/{conference.pk}/minutes/" in page
    assert f"/conferences/{conference.pk}/vote/" in page
    client.force_login(world["secretary"])
    page = client.get("/conferences/").content.decode()
    assert 'data-testid="vote-link"' not in page
    assert client.get(f"/conferences/{conference.pk}/").status_code == 200
