"""Authentication (token, session + CSRF, officers' 2FA), /api/me and the token endpoints."""

from collections.abc import Callable
from typing import Any

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory

from thidua.accounts.models import ApiToken
from thidua.accounts.roles import Role
from thidua.api.tests.helpers import JsonClient, audit_count, bearer, last_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/me"),
        ("get", "/api/tokens"),
        ("post", "/api/tokens"),
        ("delete", "/api/tokens/1"),
        ("get", "/api/units"),
        ("post", "/api/units"),
        ("get", "/api/people"),
        ("get", "/api/blocks"),
        ("get", "/api/block-years"),
        ("post", "/api/block-years/1/transitions"),
    ],
)
def test_unauthenticated_is_401(client_for: Callable[..., JsonClient], method: str, path: str) -> None:
    response = client_for(None).send(method, path, {})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["message"]


def test_me_lists_roles_with_scopes(tree: dict[str, Any], make_user: Any, client_for: Any) -> None:
    user = make_user(Role.UNIT_CLERK, unit=tree["centre_a"], full_name="Lê Thị Mai")
    from thidua.tests_support.factories import grant

    grant(user, Role.BLOCK_HEAD, block_year=tree["block_year"])
    response = client_for(user).get("/api/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == user.username
    assert body["full_name"] == "Lê Thị Mai"
    roles = {r["role"]: r for r in body["roles"]}
    assert roles["unit_clerk"]["unit"]["id"] == tree["centre_a"].pk
    assert roles["unit_clerk"]["block_year"] is None
    assert roles["block_head"]["block_year"] == {
        "id": tree["block_year"].pk,
        "year": 2025,
        "block_id": tree["block"].pk,
        "block_name": tree["block"].name,
    }


def test_token_lifecycle(make_user: Any, client_for: Any) -> None:
    user = make_user()
    client = client_for(user)
    before = audit_count()
    created = client.send("post", "/api/tokens", {"name": "báo cáo tự động"})
    assert created.status_code == 201, created.content
    body = created.json()
    clear = body["token"]
    assert clear.startswith("td_")
    token = ApiToken.objects.get(pk=body["id"])
    assert token.key_hash == ApiToken.hash_key(clear)
    assert token.user == user
    assert audit_count() == before + 1
    event = last_event()
    assert event.action == "api_token.create"
    assert clear not in str(event.changes)
    assert clear not in event.object_repr

    # The token authenticates, and each use is stamped.
    anonymous = client_for(None)
    me = anonymous.get("/api/me", **bearer(clear))
    assert me.status_code == 200
    assert me.json()["id"] == user.pk
    token.refresh_from_db()
    assert token.last_used_at is not None

    listed = client.get("/api/tokens").json()
    assert [t["id"] for t in listed] == [token.pk]
    assert "token" not in listed[0]
    assert "key_hash" not in listed[0]

    revoked = anonymous.send("delete", f"/api/tokens/{token.pk}", **bearer(clear))
    assert revoked.status_code == 204
    assert last_event().action == "api_token.revoke"
    assert audit_count() == before + 2
    token.refresh_from_db()
    assert token.revoked_at is not None

    # A revoked token no longer works.
    after = anonymous.get("/api/me", **bearer(clear))
    assert after.status_code == 401
    assert after.json()["code"] == "not_authenticated"

    again = client.send("delete", f"/api/tokens/{token.pk}")
    assert again.status_code == 400
    assert again.json()["code"] == "already_revoked"


def test_wrong_token_is_401(client_for: Any) -> None:
    response = client_for(None).get("/api/me", **bearer("td_not-a-real-token"))
    assert response.status_code == 401


def test_token_cannot_create_tokens(make_user: Any, client_for: Any, token_for: Any) -> None:
    user = make_user()
    clear = token_for(user)
    count = ApiToken.objects.count()
    response = client_for(None).send("post", "/api/tokens", {"name": "x"}, **bearer(clear))
    assert response.status_code == 401
    assert ApiToken.objects.count() == count


def test_token_create_requires_name(make_user: Any, client_for: Any) -> None:
    before = audit_count()
    response = client_for(make_user()).send("post", "/api/tokens", {"name": "   "})
    assert response.status_code == 400
    assert response.json() | {"message": ""} == {"code": "required", "field": "name", "message": ""}
    assert audit_count() == before


def test_cannot_list_or_revoke_someone_elses_token(make_user: Any, client_for: Any, token_for: Any) -> None:
    owner, other = make_user(), make_user()
    token_for(owner)
    token = ApiToken.objects.get(user=owner)
    client = client_for(other)
    assert client.get("/api/tokens").json() == []
    before = audit_count()
    response = client.send("delete", f"/api/tokens/{token.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None
    assert audit_count() == before


def test_inactive_users_token_fails(make_user: Any, client_for: Any, token_for: Any) -> None:
    user = make_user()
    clear = token_for(user)
    user.is_active = False
    user.save()
    assert client_for(None).get("/api/me", **bearer(clear)).status_code == 401


def test_session_write_needs_csrf_token(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    client = client_for(admin_user, enforce_csrf_checks=True)
    payload = {"code": "NEW1", "name": "Đơn vị mới", "parent_id": tree["dept"].pk}
    refused = client.send("post", "/api/units", payload)
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"

    # Reading needs no CSRF token; with the cookie and header the write goes through.
    assert client.get("/api/units").status_code == 200
    request = RequestFactory().get("/")
    csrf = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    accepted = client.send("post", "/api/units", payload, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.content


def test_token_write_needs_no_csrf(tree: dict[str, Any], admin_user: Any, client_for: Any, token_for: Any) -> None:
    clear = token_for(admin_user)
    client = client_for(None, enforce_csrf_checks=True)
    response = client.send("post", "/api/units", {"code": "NEW2", "name": "Đơn vị"}, **bearer(clear))
    assert response.status_code == 201, response.content


def test_officer_without_totp_gets_mfa_required(
    tree: dict[str, Any], make_user: Any, client_for: Any, settings: Any
) -> None:
    settings.THIDUA_REQUIRE_MFA_FOR_OFFICERS = True
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    response = client_for(officer).get("/api/me")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"

    # A clerk is not an officer, so the rule does not apply.
    clerk = make_user(Role.UNIT_CLERK, unit=tree["centre_a"])
    assert client_for(clerk).get("/api/me").status_code == 200


def test_officer_with_totp_passes(tree: dict[str, Any], make_user: Any, client_for: Any, settings: Any) -> None:
    from allauth.mfa.models import Authenticator

    settings.THIDUA_REQUIRE_MFA_FOR_OFFICERS = True
    officer = make_user(Role.DEPARTMENT_OFFICER, unit=tree["dept"])
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client_for(officer).get("/api/me").status_code == 200
