"""The public API (/api/public/...): no authentication, issued and published decisions only, no prize money and no
ids of people in any answer, certificate verification with its error codes."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from thidua.awards.certificates import certificate_token
from thidua.awards.models import Award

pytestmark = pytest.mark.django_db

FORBIDDEN_KEYS = {"amount", "person_id", "unit_id", "recovery_amount", "revoke_reason", "owner", "birth_date"}


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in keys_of(item)}
    if isinstance(value, list):
        return {key for item in value for key in keys_of(item)}
    return set()


def get(client: Client, path: str, status: int = 200, **params: Any) -> Any:
    response = client.get(path, params)
    assert response.status_code == status, response.content
    body = response.json()
    assert not keys_of(body) & FORBIDDEN_KEYS
    for amount in ("10530000", "1170000", "620000"):
        assert amount not in json.dumps(body)
    return body


def test_decisions_anonymous(client: Client, public: dict[str, Any]) -> None:
    body = get(client, "/api/public/decisions")
    assert [item["number"] for item in body["items"]] == ["125/QĐ-UBND"]
    assert body["items"][0]["award_count"] == 2
    assert get(client, "/api/public/decisions", q="quang tri")["count"] == 1
    assert get(client, "/api/public/decisions", q="so noi vu")["count"] == 0
    assert get(client, "/api/public/decisions", year=2019)["count"] == 0


def test_decision_detail(client: Client, public: dict[str, Any]) -> None:
    body = get(client, f"/api/public/decisions/{public['published'].pk}")
    assert body["number"] == "125/QĐ-UBND"
    assert body["legal_basis"].startswith("Luật Thi đua")
    assert sorted(item["recipient_name"] for item in body["recipients"]) == [
        "Nguyễn Văn Đức",
        "Trung tâm Lưu trữ lịch sử",
    ]
    for hidden in (public["unpublished"], public["draft"]):
        assert get(client, f"/api/public/decisions/{hidden.pk}", status=404)["code"] == "not_found"


def test_honoured(client: Client, public: dict[str, Any]) -> None:
    body = get(client, "/api/public/honoured")
    assert sorted(item["recipient_name"] for item in body["items"]) == ["Nguyễn Văn Đức", "Trung tâm Lưu trữ lịch sử"]
    body = get(client, "/api/public/honoured", q="nguyen van duc")
    assert [item["recipient_name"] for item in body["items"]] == ["Nguyễn Văn Đức"]
    body = get(client, "/api/public/honoured", award_type="co_tinh")
    assert [item["award_type"] for item in body["items"]] == ["co_tinh"]


def test_verify(client: Client, public: dict[str, Any]) -> None:
    token = certificate_token(public["merit"])
    body = get(client, f"/api/public/verify/{token}")
    assert body["result"] == "valid"
    assert body["recipient_name"] == "Nguyễn Văn Đức"
    assert get(client, "/api/public/verify/forged:token", status=400)["code"] == "invalid_certificate"
    Award.objects.filter(pk=public["merit"].pk).update(year=2023)
    assert get(client, f"/api/public/verify/{token}", status=400)["code"] == "certificate_altered"
    flag_token = certificate_token(public["flag"])
    Award.objects.filter(pk=public["flag"].pk).update(revoked_on=dt.date(2025, 6, 1), revoke_reason="Khai man")
    body = get(client, f"/api/public/verify/{flag_token}")
    assert body["result"] == "revoked"
    assert body["revoked_on"] == "2025-06-01"
    Award.objects.filter(pk=public["flag"].pk).delete()
    assert get(client, f"/api/public/verify/{flag_token}", status=404)["code"] == "certificate_not_found"
