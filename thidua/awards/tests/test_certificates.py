"""Certificates: the signed token (round trip; forged, re-encoded, other-salt, malformed codes refused; an award
changed after issue is "certificate_altered"; gone or not issued is "certificate_not_found"; revoked still verifies
but says so), the PDF (opened with pdftotext, its QR decoded with zbarimg when installed), the ZIP of a decision, the
public URL, and the download views' permissions."""

import base64
import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from thidua.accounts.roles import Role
from thidua.awards import certificates
from thidua.awards.certificates import SALT, certificate_pdf, certificate_token, verify_certificate
from thidua.awards.models import Award
from thidua.awards.services.registry import award_record
from thidua.core.exceptions import ValidationFailed
from thidua.tests_support.factories import DecisionFactory, decision_award, system_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(tree: dict[str, Any]) -> Any:
    return DecisionFactory(number="125/QĐ-UBND", signed_on=dt.date(2025, 1, 20))


@pytest.fixture
def awards(tree: dict[str, Any], decision: Any) -> dict[str, Award]:
    return {
        "merit": decision_award(decision, award_type="bang_khen_tinh", unit=tree["centre_a"], amount=2_340_000),
        "person": decision_award(decision, award_type="bang_khen_tinh", person=tree["person_a"], amount=1_170_000),
        "flag": decision_award(decision, award_type="co_tinh", unit=tree["centre_b"], amount=10_530_000),
    }


def code_of(token: str) -> str:
    with pytest.raises(ValidationFailed) as exc:
        verify_certificate(token)
    return exc.value.code


# ---------------------------------------------------------------- token


def test_token_round_trip(awards: dict[str, Award]) -> None:
    award = awards["person"]
    token = certificate_token(award)
    assert len(token) < 120  # short enough for a small QR code
    facts = verify_certificate(token)
    assert facts.result == "valid"
    assert facts.award_type_name == "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
    assert facts.recipient_name == "Nguyễn Văn Đức"
    assert facts.unit_name == "Trung tâm Lưu trữ lịch sử"
    assert facts.year == 2024
    assert facts.decision_number == "125/QĐ-UBND"
    assert facts.decision_date == dt.date(2025, 1, 20)
    assert facts.issuing_body == "Ủy ban nhân dân tỉnh Quảng Trị"
    assert (facts.signer_title, facts.signer_name) == ("Chủ tịch", "Võ Văn Hưng")
    assert facts.handed_over == "certificate_frame"
    assert not facts.revoked


def test_facts_hold_nothing_private(awards: dict[str, Award]) -> None:
    facts = verify_certificate(certificate_token(awards["person"]))
    fields = set(vars(facts))
    assert not fields & {"amount", "person_id", "unit_id", "birth_date", "id", "pk", "recovery_amount"}
    assert "1170000" not in json.dumps(vars(facts), default=str)


def test_flipped_character_is_refused(awards: dict[str, Award]) -> None:
    token = certificate_token(awards["merit"])
    for position in (1, len(token) // 2, len(token) - 1):
        char = token[position]
        other = "A" if char != "A" else "B"
        assert code_of(token[:position] + other + token[position + 1 :]) == "invalid_certificate"


def test_payload_changed_and_reencoded_without_the_key_is_refused(awards: dict[str, Award]) -> None:
    token = certificate_token(awards["merit"])
    payload_part, signature = token.rsplit(":", 1)
    forged_payload = {"a": awards["flag"].pk, "h": signing.Signer(salt=SALT).unsign_object(token)["h"]}
    encoded = base64.urlsafe_b64encode(json.dumps(forged_payload, separators=(",", ":")).encode()).decode().rstrip("=")
    assert code_of(f"{encoded}:{signature}") == "invalid_certificate"
    # Signed, but with a key that is not the installation's.
    assert code_of(signing.Signer(key="someone-elses-key", salt=SALT).sign_object(forged_payload, compress=True)) == (
        "invalid_certificate"
    )
    assert payload_part != encoded


def test_token_of_another_salt_is_refused(awards: dict[str, Award]) -> None:
    payload = signing.Signer(salt=SALT).unsign_object(certificate_token(awards["merit"]))
    assert (
        code_of(signing.Signer(salt="thidua.conferences.card").sign_object(payload, compress=True))
        == "invalid_certificate"
    )


@pytest.mark.parametrize("token", ["", "abc", "x" * 600, "a:b:c", "..:"])
def test_malformed_tokens_are_refused(db: Any, token: str) -> None:
    assert code_of(token) == "invalid_certificate"


@pytest.mark.parametrize("payload", [[1, "h"], {"a": "1", "h": "x"}, {"a": True, "h": "x"}, {"a": 1}, "text"])
def test_signed_payload_of_the_wrong_shape_is_refused(db: Any, payload: Any) -> None:
    assert code_of(signing.Signer(salt=SALT).sign_object(payload, compress=True)) == "invalid_certificate"


def test_award_changed_after_issue_is_altered(awards: dict[str, Award]) -> None:
    token = certificate_token(awards["merit"])
    Award.objects.filter(pk=awards["merit"].pk).update(recipient_name="Trung tâm Khác")
    assert code_of(token) == "certificate_altered"


@pytest.mark.parametrize(
    "change", [{"year": 2023}, {"decision_number": "126/QĐ-UBND"}, {"decision_date": dt.date(2025, 1, 21)}]
)
def test_each_printed_fact_is_covered(awards: dict[str, Award], change: dict[str, Any]) -> None:
    token = certificate_token(awards["flag"])
    Award.objects.filter(pk=awards["flag"].pk).update(**change)
    assert code_of(token) == "certificate_altered"


def test_award_gone_or_decision_not_issued_is_not_found(awards: dict[str, Award], decision: Any) -> None:
    token = certificate_token(awards["merit"])
    Award.objects.filter(pk=awards["merit"].pk).delete()
    assert code_of(token) == "certificate_not_found"
    other = certificate_token(awards["flag"])
    type(decision).objects.filter(pk=decision.pk).update(status="draft")
    assert code_of(other) == "certificate_not_found"


def test_revoked_award_verifies_as_revoked(awards: dict[str, Award]) -> None:
    token = certificate_token(awards["flag"])
    Award.objects.filter(pk=awards["flag"].pk).update(revoked_on=dt.date(2025, 6, 1), revoke_reason="Khai man")
    facts = verify_certificate(token)
    assert facts.revoked
    assert facts.result == "revoked"
    assert facts.revoked_on == dt.date(2025, 6, 1)


# ---------------------------------------------------------------- URL


def test_certificate_url_uses_the_public_address_or_the_request(awards: dict[str, Award]) -> None:
    award = awards["merit"]
    token = certificate_token(award)
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert certificates.certificate_url(award, request) == f"http://testserver/public/verify/{token}/"
    with override_settings(THIDUA_PUBLIC_URL="https://thidua.example.gov.vn/"):
        assert certificates.certificate_url(award, request) == f"https://thidua.example.gov.vn/public/verify/{token}/"
        assert certificates.certificate_url(award) == f"https://thidua.example.gov.vn/public/verify/{token}/"
    assert certificates.certificate_url(award) == f"/public/verify/{token}/"


def test_vietnamese_dates_follow_decree_30() -> None:
    assert certificates.vi_date(dt.date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert certificates.vi_date(dt.date(2025, 12, 20)) == "ngày 20 tháng 12 năm 2025"


# ---------------------------------------------------------------- PDF

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode()
    return " ".join(text.split())  # words as read, whatever the line breaks


def pdf_page_size(pdf: bytes, tmp_path: Path) -> tuple[float, float]:
    path = tmp_path / "size.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout.decode()
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = line.split(":", 1)[1].split()[:3]
    assert "Pages:           1" in info
    return float(width), float(height)


def decoded_qr(pdf: bytes, tmp_path: Path) -> str | None:
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        return None
    path = tmp_path / "qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    out = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "page.png")], capture_output=True, check=True)
    return out.stdout.decode().strip()


@needs_poppler
def test_certificate_pdf_of_a_merit_certificate(awards: dict[str, Award], tmp_path: Path) -> None:
    award = awards["person"]
    pdf = certificate_pdf(award, base_url="https://thidua.example.gov.vn/")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        "TẶNG",
        "BẰNG KHEN",
        "Nguyễn Văn Đức",
        "Trung tâm Lưu trữ lịch sử",
        "năm 2024",
        "125/QĐ-UBND",
        "Ngày 20 tháng 01 năm 2025",
        "CHỦ TỊCH",
        "Võ Văn Hưng",
    ):
        assert expected in text, expected
    assert "1.170.000" not in text
    assert "1170000" not in text
    width, height = pdf_page_size(pdf, tmp_path)
    assert width > height  # A4 landscape
    url = certificates.verification_url(award, base_url="https://thidua.example.gov.vn/")
    assert url.startswith("https://thidua.example.gov.vn/public/verify/")
    assert url in "".join(text.split())  # printed under the QR code (possibly wrapped)
    qr = decoded_qr(pdf, tmp_path)
    if qr is not None:
        assert qr == url
        assert verify_certificate(qr.rstrip("/").rsplit("/", 1)[1]).recipient_name == "Nguyễn Văn Đức"


@needs_poppler
def test_flag_gets_a_portrait_notice(awards: dict[str, Award], tmp_path: Path) -> None:
    pdf = certificate_pdf(awards["flag"], base_url="http://testserver/")
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "THÔNG BÁO",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "Trung tâm Đào tạo Đức Thọ",
        "125/QĐ-UBND",
        "về việc tặng Bằng khen và Cờ thi đua năm 2024;",
    ):
        assert expected in text, expected
    assert "10.530.000" not in text
    width, height = pdf_page_size(pdf, tmp_path)
    assert height > width  # A4 portrait
    qr = decoded_qr(pdf, tmp_path)
    if qr is not None:
        assert qr == certificates.verification_url(awards["flag"], base_url="http://testserver/")


@needs_poppler
def test_revoked_certificate_says_so(awards: dict[str, Award], tmp_path: Path) -> None:
    Award.objects.filter(pk=awards["merit"].pk).update(revoked_on=dt.date(2025, 6, 1), revoke_reason="Khai man")
    award = Award.objects.select_related("award_type", "decision").get(pk=awards["merit"].pk)
    assert "ĐÃ THU HỒI 01/06/2025" in pdf_text(certificate_pdf(award, base_url=""), tmp_path)


def test_pdf_is_vietnamese_whatever_the_language(awards: dict[str, Award]) -> None:
    from django.utils import translation

    with translation.override("en"):
        html = certificates.certificate_html(awards["merit"], base_url="")
    assert 'lang="vi"' in html
    assert "Quyết định số" in html


def test_no_certificate_without_an_issued_decision(tree: dict[str, Any], awards: dict[str, Award]) -> None:
    manual = award_record(
        actor=system_actor(),
        award_type="giay_khen",
        unit=tree["centre_c"],
        year=2023,
        decision_number="3/QĐ-SYT",
        decision_date=dt.date(2024, 1, 15),
    )
    with pytest.raises(ValidationFailed) as exc:
        certificate_pdf(manual, base_url="")
    assert exc.value.code == "certificate_unavailable"
    draft: Any = DecisionFactory(status="draft", number="")
    pending = decision_award(draft, award_type="giay_khen", unit=tree["board"])
    with pytest.raises(ValidationFailed) as exc:
        certificate_pdf(pending, base_url="")
    assert exc.value.code == "certificate_unavailable"
    with pytest.raises(ValidationFailed) as exc:
        certificates.decision_certificates_zip(draft, base_url="")
    assert exc.value.code == "certificate_unavailable"


def test_decision_zip_holds_one_pdf_per_award(awards: dict[str, Award], decision: Any) -> None:
    data = certificates.decision_certificates_zip(decision, base_url="http://testserver/")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"chung-nhan-{award.pk}.pdf" for award in awards.values())
        assert all(archive.read(name).startswith(b"%PDF") for name in names)


# ---------------------------------------------------------------- views


def test_certificate_view_needs_sign_in(client: Client, awards: dict[str, Award]) -> None:
    response = client.get(reverse("awards:certificate", args=[awards["merit"].pk]))
    assert response.status_code == 302


def test_certificate_view_serves_the_pdf(client: Client, awards: dict[str, Award], make_user: Any) -> None:
    client.force_login(make_user(Role.VIEWER))
    response = client.get(reverse("awards:certificate", args=[awards["merit"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("awards:certificate", args=[999_999])).status_code == 404


def test_certificate_view_404_without_an_issued_decision(
    client: Client, tree: dict[str, Any], make_user: Any, admin_user: Any
) -> None:
    manual = award_record(
        actor=system_actor(),
        award_type="giay_khen",
        unit=tree["centre_c"],
        year=2023,
        decision_number="3/QĐ-SYT",
        decision_date=dt.date(2024, 1, 15),
    )
    client.force_login(admin_user)
    assert client.get(reverse("awards:certificate", args=[manual.pk])).status_code == 404


def test_decision_zip_view(
    client: Client, tree: dict[str, Any], awards: dict[str, Award], decision: Any, make_user: Any, admin_user: Any
) -> None:
    url = reverse("awards:decision_certificates", args=[decision.pk])
    assert client.get(url).status_code == 302
    client.force_login(make_user(Role.VIEWER))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    draft: Any = DecisionFactory(status="draft", number="")
    draft_url = reverse("awards:decision_certificates", args=[draft.pk])
    assert client.get(draft_url).status_code == 403  # a draft is visible to its officers only
    client.force_login(admin_user)
    assert client.get(draft_url).status_code == 404  # ... and has no certificates yet
