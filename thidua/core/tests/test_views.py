"""Pages outside one domain object: My work, profile, sign-in, language switch, audit log, base layout."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts.roles import Role
from thidua.core import selectors
from thidua.organizations import services
from thidua.tests_support.factories import system_actor

pytestmark = pytest.mark.django_db


def _set_deadlines(block_year: Any, **deadlines: dt.date) -> None:
    services.block_year_set_deadlines(actor=system_actor(), block_year=block_year, deadlines=deadlines)


def test_home_requires_login(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_home_shows_block_head_next_deadline_and_actions(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    block_year = tree["block_year"]
    _set_deadlines(block_year, plan=dt.date(2025, 2, 15), covenant=dt.date(2025, 3, 31))
    head = make_user(Role.BLOCK_HEAD, block_year=block_year)
    client.force_login(head)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Khối thi đua các trung tâm, ban quản lý" in html
    assert 'data-testid="deadline"' in html
    assert "15-02-2025" in html  # Vietnamese short date format
    assert reverse("organizations:block_year_advance", args=[block_year.pk]) in html
    assert reverse("organizations:block_year_deadlines", args=[block_year.pk]) in html
    # A block head does not manage the leadership (officers do).
    assert reverse("organizations:block_year_leadership", args=[block_year.pk]) not in html


def test_my_work_marks_overdue_and_sorts_by_deadline(tree: dict[str, Any], make_user: Any) -> None:
    actor = system_actor()
    other = services.block_year_create(actor=actor, block=tree["other_block"], year=2025)
    _set_deadlines(tree["block_year"], plan=dt.date(2025, 6, 1))
    _set_deadlines(other, plan=dt.date(2025, 3, 1))
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    items = selectors.my_work(officer, today=dt.date(2025, 4, 1))
    assert [item.block_year.pk for item in items] == [other.pk, tree["block_year"].pk]
    assert items[0].overdue is True
    assert items[1].overdue is False
    assert {"advance", "deadlines", "members", "leadership"} <= set(items[0].actions)


def test_home_empty_state_for_viewer(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.VIEWER))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


def test_unit_clerk_sees_their_unit_block_year(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    html = client.get(reverse("home")).content.decode()
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert reverse("organizations:block_year_detail", args=[tree["block_year"].pk]) in html
    assert reverse("organizations:block_year_advance", args=[tree["block_year"].pk]) not in html


def test_base_layout_is_accessible_and_csp_clean(client: Client, tree: dict[str, Any], admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert 'href="#main"' in html
    assert 'id="main"' in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "django_htmx/htmx-2.min.js" in html
    assert " style=" not in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    for tag in re.findall(r"<script[^>]*>", html):
        assert f'nonce="{nonce.group(1)}"' in tag
    assert "cdn" not in html.lower()
    assert reverse("mfa_index") in html
    assert reverse("audit:event_list") in html
    assert f'action="{reverse("account_logout")}" method="post"' in html


@pytest.mark.parametrize("language", ["en", "ro", "vi"])
def test_language_switch(client: Client, admin_user: Any, language: str) -> None:
    client.force_login(admin_user)
    response = client.post(reverse("set_language"), {"language": language, "next": reverse("home")})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}"' in html
    assert 'data-testid="current-language">' + language in html


def test_login_page_uses_our_layout_and_signs_in_by_username_or_email(client: Client, make_user: Any) -> None:
    user = make_user(username="khoitruong")
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert 'name="login"' in html
    assert "form-control" in html
    assert reverse("account_signup") not in html
    response = client.post(reverse("account_login"), {"login": "khoitruong", "password": "secret-pass-123"})
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_login_with_wrong_password_shows_error(client: Client, make_user: Any) -> None:
    make_user(username="someone")
    response = client.post(reverse("account_login"), {"login": "someone", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_logout_and_mfa_pages_use_our_layout(client: Client, admin_user: Any) -> None:
    client.force_login(admin_user)
    for name in ("mfa_index", "account_logout", "account_change_password"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'id="main"' in response.content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_profile_lists_roles(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    user = make_user(Role.UNIT_HEAD, unit=tree["centre_a"])
    client.force_login(user)
    html = client.get(reverse("profile")).content.decode()
    assert "Trung tâm Lưu trữ lịch sử" in html


def test_audit_log_for_officers_only(client: Client, tree: dict[str, Any], make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get(reverse("audit:event_list")).status_code == 403
    client.force_login(make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"]))
    response = client.get(reverse("audit:event_list"))
    assert response.status_code == 200
    assert "unit.create" in response.content.decode()


def test_audit_log_filters(client: Client, tree: dict[str, Any], admin_user: Any) -> None:
    client.force_login(admin_user)
    response = client.get(reverse("audit:event_list"), {"action": "block.create"})
    page = response.context["page_obj"]
    assert page.paginator.count == 2
    assert {event.action for event in page} == {"block.create"}
    response = client.get(reverse("audit:event_list"), {"object_type": "organizations.person"})
    assert {event.object_type for event in response.context["page_obj"]} == {"organizations.person"}


def test_phase_steps_states(tree: dict[str, Any]) -> None:
    block_year = tree["block_year"]
    _set_deadlines(block_year, plan=dt.date(2025, 1, 31))
    steps = selectors.phase_steps(block_year, today=dt.date(2025, 2, 1))
    assert [s.state for s in steps][:2] == ["current", "upcoming"]
    assert steps[0].overdue is True
    assert len(steps) == 8
    assert timezone.localdate()  # the default `today` is the local date


def test_home_lists_the_clerks_scoring_work_and_the_block_year_page_links_the_years_work(
    client: Client, tree: dict[str, Any], make_user: Any
) -> None:
    from thidua.scoring.tests.helpers_sheets import make_criteria

    block_year = tree["block_year"]
    make_criteria(block_year)
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_c"])
    client.force_login(clerk)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    tasks = page.context["scoring_tasks"]
    assert [(t.unit, t.url) for t in tasks] == [
        (tree["centre_c"], reverse("scoring:self_sheet", args=[block_year.pk, tree["centre_c"].pk]))
    ]
    assert b'data-testid="scoring-tasks"' in page.content

    detail = client.get(reverse("organizations:block_year_detail", args=[block_year.pk])).content.decode()
    for name in ("emulation:covenant", "movements:movement_list", "scoring:criteria_detail", "scoring:sheet_list"):
        assert reverse(name, args=[block_year.pk]) in detail
    # The ranking is not published: a member unit's clerk gets no link to it.
    assert reverse("scoring:ranking", args=[block_year.pk]) not in detail
