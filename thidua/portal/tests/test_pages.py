"""Portal pages as an anonymous visitor: 200 without login, only issued and published decisions (never drafts,
unpublished decisions or registry rows entered by hand), no prize money, search without tone marks, the
certificate verification page's three answers, and the strict CSP (no inline script or style)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from thidua.awards.certificates import certificate_token
from thidua.awards.models import Award

pytestmark = pytest.mark.django_db

HIDDEN_TEXTS = ("7/QĐ-SNV", "Giấy khen nội bộ", "Dự thảo chưa ban hành", "Trung tâm Kiểm soát bệnh tật")
AMOUNTS = ("10.530.000", "10530000", "1.170.000", "1170000", "620.000")


def html_of(client: Client, name: str, *args: Any, **params: Any) -> str:
    response = client.get(reverse(f"portal:{name}", args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def assert_public_only(html: str) -> None:
    for text in (*HIDDEN_TEXTS, *AMOUNTS):
        assert text not in html, text
    assert "/accounts/login" not in html


def test_home_lists_published_decisions(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "home")
    assert "125/QĐ-UBND" in html
    assert_public_only(html)


def test_pages_need_no_login_and_keep_the_csp(client: Client, public: dict[str, Any]) -> None:
    for name, args in [("home", []), ("decisions", []), ("decision", [public["published"].pk]), ("honoured", [])]:
        response = client.get(reverse(f"portal:{name}", args=args))
        assert response.status_code == 200, name
        assert "script-src" in response["Content-Security-Policy"]
        html = response.content.decode()
        assert " style=" not in html
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), name
        assert " hx-on" not in html


def test_decisions_show_only_published_issued_ones(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "decisions")
    assert "125/QĐ-UBND" in html
    assert_public_only(html)


@pytest.mark.parametrize("query", ["quang tri", "QUANG TRI", "co thi dua", "125/qd", "nguyen van duc", "luu tru"])
def test_decisions_search_without_tone_marks(client: Client, public: dict[str, Any], query: str) -> None:
    html = html_of(client, "decisions", q=query)
    assert "125/QĐ-UBND" in html
    assert_public_only(html)


@pytest.mark.parametrize("query", ["so noi vu", "noi bo", "du thao", "kiem soat", "zzz"])
def test_decisions_search_never_reaches_hidden_ones(client: Client, public: dict[str, Any], query: str) -> None:
    html = html_of(client, "decisions", q=query)
    assert 'data-testid="no-results"' in html
    assert_public_only(html)


def test_decisions_filter_by_year(client: Client, public: dict[str, Any]) -> None:
    assert "125/QĐ-UBND" in html_of(client, "decisions", year="2025")
    assert 'data-testid="no-results"' in html_of(client, "decisions", year="2019")
    assert "125/QĐ-UBND" in html_of(client, "decisions", year="not-a-year")  # a bad filter is ignored


def test_decision_page(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "decision", public["published"].pk)
    for text in ("125/QĐ-UBND", "Ủy ban nhân dân tỉnh Quảng Trị", "Võ Văn Hưng", "Luật Thi đua, khen thưởng"):
        assert text in html
    for text in ("Trung tâm Lưu trữ lịch sử", "Nguyễn Văn Đức", "Cờ thi đua của Ủy ban nhân dân tỉnh", "2024"):
        assert text in html
    assert_public_only(html)
    assert "/people/" not in html


def test_hidden_decisions_are_404(client: Client, public: dict[str, Any]) -> None:
    for decision in (public["unpublished"], public["draft"]):
        assert client.get(reverse("portal:decision", args=[decision.pk])).status_code == 404
    assert client.get(reverse("portal:decision", args=[999_999])).status_code == 404


def test_honoured_lists_awards_of_published_decisions_only(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "honoured")
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Nguyễn Văn Đức" in html
    assert "Trung tâm Đào tạo Đức Thọ" not in html  # entered by hand, no published decision
    assert "Ban Quản lý dự án" not in html  # draft
    assert_public_only(html)


def test_honoured_search_without_tone_marks(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "honoured", q="quang tri")  # finds "Quảng Trị" (the issuing body)
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Nguyễn Văn Đức" in html
    html = html_of(client, "honoured", q="nguyen van duc")
    assert "Nguyễn Văn Đức" in html
    assert "Cờ thi đua" not in html.split("<tbody>")[1]
    assert 'data-testid="no-results"' in html_of(client, "honoured", q="kiem soat benh tat")
    assert 'data-testid="no-results"' in html_of(client, "honoured", q="dao tao duc tho")


def test_honoured_filters(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "honoured", award_type="co_tinh")
    body = html.split("<tbody>")[1]
    assert "Trung tâm Lưu trữ lịch sử" in body
    assert "Nguyễn Văn Đức" not in body
    assert 'data-testid="no-results"' in html_of(client, "honoured", year="2023")
    assert "Nguyễn Văn Đức" in html_of(client, "honoured", year="2024")


def test_revoked_award_leaves_the_honoured_list(client: Client, public: dict[str, Any]) -> None:
    Award.objects.filter(pk=public["flag"].pk).update(revoked_on=dt.date(2025, 6, 1), revoke_reason="Khai man")
    body = html_of(client, "honoured").split("<tbody>")[1]
    assert "Cờ thi đua" not in body
    assert "Nguyễn Văn Đức" in body
    recipients = html_of(client, "decision", public["published"].pk).split('data-testid="recipients"')[1]
    assert "portal-revoked" in recipients  # the decision still lists it, struck through


def test_verify_valid(client: Client, public: dict[str, Any]) -> None:
    html = html_of(client, "verify", certificate_token(public["merit"]))
    assert 'data-result="valid"' in html
    for text in ("Nguyễn Văn Đức", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh", "125/QĐ-UBND", "2024"):
        assert text in html
    assert_public_only(html)


def test_verify_revoked(client: Client, public: dict[str, Any]) -> None:
    token = certificate_token(public["flag"])
    Award.objects.filter(pk=public["flag"].pk).update(revoked_on=dt.date(2025, 6, 1), revoke_reason="Khai man")
    html = html_of(client, "verify", token)
    assert 'data-result="revoked"' in html
    assert "Trung tâm Lưu trữ lịch sử" in html
    assert "Khai man" not in html  # the reason is not the public's business


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda token, award: token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"), "invalid_certificate"),
        (lambda token, award: "not-a-token", "invalid_certificate"),
        (
            lambda token, award: Award.objects.filter(pk=award.pk).update(recipient_name="Người khác") and token,
            "certificate_altered",
        ),
        (lambda token, award: Award.objects.filter(pk=award.pk).delete() and token, "certificate_not_found"),
    ],
)
def test_verify_invalid(client: Client, public: dict[str, Any], mutate: Any, code: str) -> None:
    token = mutate(certificate_token(public["merit"]), public["merit"])
    html = html_of(client, "verify", token)
    assert 'data-result="invalid"' in html
    assert f'data-code="{code}"' in html
    assert "Nguyễn Văn Đức" not in html


def test_verify_is_read_only(client: Client, public: dict[str, Any]) -> None:
    url = reverse("portal:verify", args=[certificate_token(public["merit"])])
    assert client.post(url).status_code in (403, 405)
