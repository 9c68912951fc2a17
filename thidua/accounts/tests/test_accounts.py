"""Accounts: custom user, role scope constraints, login through allauth, throttling, required 2FA."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client, override_settings

from thidua.accounts.models import RoleAssignment, User
from thidua.accounts.roles import Role
from thidua.tests_support.factories import new_user

pytestmark = pytest.mark.django_db


def test_custom_user_model_is_in_use() -> None:
    from django.contrib.auth import get_user_model

    assert get_user_model() is User


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.UNIT_HEAD, {}),  # a unit role needs a unit
        (Role.BLOCK_HEAD, {"unit": "centre_a"}),  # a block role is not scoped to a unit
        (Role.ADMIN, {"unit": "centre_a"}),  # a global role has no scope
    ],
)
def test_role_scope_must_match_the_role(tree: dict[str, Any], role: str, scope: dict[str, str]) -> None:
    user = new_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=role, **{k: tree[v] for k, v in scope.items()})


def test_same_role_twice_on_the_same_object_is_refused(tree: dict[str, Any]) -> None:
    user = new_user()
    RoleAssignment.objects.create(user=user, role=Role.UNIT_HEAD, unit=tree["centre_a"])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.UNIT_HEAD, unit=tree["centre_a"])
    RoleAssignment.objects.create(user=user, role=Role.UNIT_HEAD, unit=tree["centre_b"])


def test_login_with_username_and_password(client: Client) -> None:
    new_user(username="khoitruong")
    response = client.post("/accounts/login/", {"login": "khoitruong", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_failed_logins_are_throttled(client: Client) -> None:
    cache.clear()
    new_user(username="target")
    for _ in range(6):
        response = client.post("/accounts/login/", {"login": "target", "password": "wrong"})
        assert response.status_code == 200
    # After five failures for this login, even the right password is refused for a while.
    response = client.post("/accounts/login/", {"login": "target", "password": "secret-pass-123"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors.as_data()["__all__"][0].code == "too_many_login_attempts"
    cache.clear()
    response = client.post("/accounts/login/", {"login": "target", "password": "secret-pass-123"})
    assert response.status_code == 302


def test_public_signup_is_closed(client: Client) -> None:
    response = client.get("/accounts/signup/")
    assert response.status_code in (200, 403)
    assert User.objects.count() == 0
    client.post(
        "/accounts/signup/", {"username": "x", "password1": "Very-long-pass-9", "password2": "Very-long-pass-9"}
    )
    assert User.objects.count() == 0


def test_pages_need_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@override_settings(THIDUA_REQUIRE_MFA_FOR_OFFICERS=True)
def test_officers_must_enrol_totp_when_required(tree: dict[str, Any], client: Client, make_user: Any) -> None:
    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


@override_settings(THIDUA_REQUIRE_MFA_FOR_OFFICERS=True)
def test_officer_with_totp_passes(tree: dict[str, Any], client: Client, make_user: Any) -> None:
    from allauth.mfa.models import Authenticator

    officer = make_user(Role.PROVINCIAL_OFFICER, unit=tree["province"])
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(officer)
    assert client.get("/").status_code == 200


@override_settings(THIDUA_REQUIRE_MFA_FOR_OFFICERS=True)
def test_non_officers_are_not_forced_into_2fa(tree: dict[str, Any], client: Client, make_user: Any) -> None:
    client.force_login(make_user(Role.UNIT_CLERK, unit=tree["centre_a"]))
    assert client.get("/").status_code == 200


def test_two_factor_setup_is_available_to_everyone(client: Client) -> None:
    client.force_login(new_user())
    assert client.get("/accounts/2fa/").status_code == 200


def test_granting_a_role_in_the_admin_is_audited(tree: dict[str, Any], admin_user: Any, client: Client) -> None:
    from thidua.audit.models import AuditEvent

    target = new_user(username="clerk")
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": target.pk,
            "role": Role.UNIT_CLERK,
            "unit": tree["centre_a"].pk,
            "block_year": "",
            "valid_from": "",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assignment = RoleAssignment.objects.get(user=target)
    event = AuditEvent.objects.get(action="admin.roleassignment.create")
    assert event.object_id == str(assignment.pk)
    assert event.actor_id == admin_user.pk


def test_password_change_is_audited(client: Client) -> None:
    from thidua.audit.models import AuditEvent

    user = new_user(username="doimatkhau")
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "secret-pass-123", "password1": "Another-long-pass-42", "password2": "Another-long-pass-42"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_changed")
    assert event.actor_id == user.pk
    assert "password" not in str(event.changes).lower()
