"""The error format for broken requests, translations, the OpenAPI document and the local docs page."""

import re
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from thidua.api.tests.helpers import JsonClient, audit_count
from thidua.organizations.models import Unit

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    client = client_for(admin_user)
    count, before = Unit.objects.count(), audit_count()
    response = client.generic("POST", "/api/units", '{"code": "X", "name": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert response.json()["message"]
    assert (Unit.objects.count(), audit_count()) == (count, before)


def test_payload_too_large_is_413(tree: dict[str, Any], admin_user: Any, client_for: Any) -> None:
    client = client_for(admin_user)
    count = Unit.objects.count()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = client.send("post", "/api/units", {"code": "BIG", "name": "x" * 5000})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Unit.objects.count() == count


def test_validation_error_lists_details(admin_user: Any, client_for: Any) -> None:
    response = client_for(admin_user).send("post", "/api/units", {"code": "X", "name": "Y", "valid_from": "not-a-date"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "valid_from"
    assert body["details"][0]["loc"] == ["body", "payload", "valid_from"]


def test_django_permission_denied_maps_to_403(admin_user: Any, client_for: Any, monkeypatch: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from thidua.organizations import selectors

    def refuse(**kwargs: Any) -> Any:
        raise PermissionDenied

    monkeypatch.setattr(selectors, "unit_list", refuse)
    response = client_for(admin_user).get("/api/units")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_unexpected_error_is_json_500(admin_user: Any, client_for: Any, monkeypatch: Any) -> None:
    from thidua.organizations import selectors

    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "block_list", boom)
    response = client_for(admin_user).get("/api/blocks")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "boom" not in response.content.decode()


@pytest.mark.parametrize("language", ["en", "vi", "ro"])
def test_messages_follow_accept_language(tree: dict[str, Any], make_user: Any, client_for: Any, language: str) -> None:
    clerk = make_user("unit_clerk", unit=tree["centre_a"])
    response = client_for(clerk).send(
        "patch", f"/api/units/{tree['centre_c'].pk}", {"name": "X"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    with translation.override(language):
        expected = str(translation.gettext("You do not have permission to do this."))
    assert response.json()["message"] == expected
    if language == "en":
        assert response.json()["message"] == "You do not have permission to do this."


def test_not_authenticated_message_in_english() -> None:
    response = JsonClient().get("/api/me", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication is required: sign in or send an API token.",
    }


EXPECTED_PATHS = {
    "/api/me": {"get"},
    "/api/tokens": {"get", "post"},
    "/api/tokens/{token_id}": {"delete"},
    "/api/units": {"get", "post"},
    "/api/units/{unit_id}": {"get", "patch"},
    "/api/people": {"get", "post"},
    "/api/people/{person_id}": {"get", "patch"},
    "/api/people/{person_id}/memberships": {"get", "post"},
    "/api/memberships/{membership_id}/end": {"post"},
    "/api/blocks": {"get", "post"},
    "/api/blocks/{block_id}": {"get", "patch"},
    "/api/blocks/{block_id}/years": {"post"},
    "/api/block-years": {"get"},
    "/api/block-years/{block_year_id}": {"get"},
    "/api/block-years/{block_year_id}/deadlines": {"put"},
    "/api/block-years/{block_year_id}/members": {"post"},
    "/api/block-years/{block_year_id}/members/{unit_id}": {"delete"},
    "/api/block-years/{block_year_id}/leadership": {"put"},
    "/api/block-years/{block_year_id}/transitions": {"post"},
    "/api/block-years/{block_year_id}/rotation-proposal": {"get"},
    "/api/block-years/{block_year_id}/next": {"post"},
}


def test_openapi_lists_every_endpoint_with_schemas() -> None:
    response = JsonClient().get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"] == doc["info"] | {"title": "Thidua API", "version": "1"}
    paths = doc["paths"]
    for path, methods in EXPECTED_PATHS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            responses = paths[path][method]["responses"]
            success = [code for code in responses if code.startswith("2")]
            assert success, (path, method)
            if success != ["204"]:
                assert "content" in responses[success[0]], (path, method)
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert "ErrorOut" in doc["components"]["schemas"]


def test_docs_page_uses_only_local_assets() -> None:
    response = JsonClient().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    external = re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert external == []
    assert not re.search(r"https?://", html)
