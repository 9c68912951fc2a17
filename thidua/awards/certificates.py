"""Certificates of awards: the printable PDF (Bằng khen, Giấy khen, or the notice of a flag or title) and the signed
code behind its QR that anyone can check on the public verification page.

Why a signed token and not the award's id: a QR code must not be forgeable or editable. The token carries the
award's primary key and a short SHA-256 digest of the award's public facts (award type, recipient, year, decision
number and date), signed (django.core.signing.Signer, compressed, no timestamp: a reprint gives the same code) with
the installation's SECRET_KEY under a salt of its own. So:

- a made-up or edited code fails the signature ("invalid_certificate");
- a genuine code whose award was deleted, or whose decision is not issued, is "certificate_not_found";
- a genuine code whose award was changed in the database after the certificate was printed no longer matches its
  digest ("certificate_altered");
- a revoked award still verifies as authentic, and the page says clearly that it was revoked.

The verification answer (`CertificateFacts`) holds only what the certificate itself shows: no birth date, no ids
besides the one in the token, no prize money. Only awards of an ISSUED decision have a certificate; imported history
and hand-entered rows do not ("certificate_unavailable").

The PDF is an official document, so it is always in Vietnamese whatever the reader's UI language: its fixed wording
(the national heading, "TẶNG", "Quyết định số") is written in Vietnamese in the template, and the rendering runs
under `translation.override("vi")` for labels and dates. Layout follows Decree 30/2020 (A4, Times New Roman →
Liberation Serif); a Bằng khen / Giấy khen / title certificate is A4 landscape with a border, a flag (or an award
that hands over nothing but the decision) gets a one-page A4 portrait notice.
"""

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import Award, AwardKind, Decision, DecisionStatus, HandedOver
from thidua.core.exceptions import ValidationFailed

SALT = "thidua.awards.certificate"
DIGEST_CHARS = 16  # 64 bits of SHA-256: the digest detects changed facts; the signature is what refuses forgeries

CERTIFICATE_TEMPLATE = "awards/certificates/certificate.html"


@dataclass(frozen=True)
class CertificateFacts:
    """What the public verification page shows: the certificate's own text, nothing private."""

    award_type_name: str
    recipient_name: str
    recipient_kind: str
    unit_name: str
    year: int
    decision_number: str
    decision_date: dt.date | None
    issuing_body: str
    signer_name: str
    signer_title: str
    handed_over: str
    revoked: bool
    revoked_on: dt.date | None

    @property
    def handed_over_label(self) -> str:
        return str(HandedOver(self.handed_over).label) if self.handed_over in HandedOver.values else ""

    @property
    def result(self) -> str:
        """ "valid" or "revoked" (an invalid code never yields facts)."""
        return "revoked" if self.revoked else "valid"


# ---------------------------------------------------------------- token


def _facts_digest(award: Award) -> str:
    """A short digest of the facts printed on the certificate; changes when any of them is edited."""
    parts = [
        award.award_type.code,
        award.recipient_name,
        str(award.year),
        award.decision_number,
        award.decision_date.isoformat() if award.decision_date else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:DIGEST_CHARS]


def certificate_token(award: Award) -> str:
    """The signed code of the award's certificate (what the QR code's URL carries)."""
    return signing.Signer(salt=SALT).sign_object({"a": award.pk, "h": _facts_digest(award)}, compress=True)


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        _("This certificate code is not valid: it was not issued by Thidua."), code="invalid_certificate"
    )


def _not_found() -> ValidationFailed:
    return ValidationFailed(
        _("No issued decision holds this certificate's award any more."), code="certificate_not_found"
    )


def _decoded(token: str) -> tuple[int, str]:
    if not isinstance(token, str) or not token or len(token) > 500:
        raise _invalid()
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise _invalid() from exc
    if not isinstance(payload, dict):
        raise _invalid()
    pk, digest = payload.get("a"), payload.get("h")
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(digest, str):
        raise _invalid()
    return pk, digest


def _issued_award(pk: int) -> Award | None:
    return (
        Award.objects.select_related("award_type", "decision")
        .filter(pk=pk, decision__status=DecisionStatus.ISSUED)
        .first()
    )


def _facts(award: Award) -> CertificateFacts:
    decision = award.decision
    return CertificateFacts(
        award_type_name=award.award_type.name,
        recipient_name=award.recipient_name,
        recipient_kind=award.recipient_kind,
        unit_name=award.unit_name,
        year=award.year,
        decision_number=award.decision_number,
        decision_date=award.decision_date,
        issuing_body=award.issuing_body or (decision.issuing_body if decision else ""),
        signer_name=award.decision_signer or (decision.signer_name if decision else ""),
        signer_title=decision.signer_title if decision else "",
        handed_over=award.award_type.handed_over,
        revoked=award.revoked,
        revoked_on=award.revoked_on,
    )


def verify_certificate(token: str) -> CertificateFacts:
    """The facts of the certificate behind `token`, or ValidationFailed with code "invalid_certificate" (forged or
    malformed), "certificate_not_found" (award gone or decision not issued) or "certificate_altered" (the stored
    facts changed since the certificate was made). A revoked award answers its facts with `revoked` set."""
    pk, digest = _decoded(token)
    award = _issued_award(pk)
    if award is None:
        raise _not_found()
    if _facts_digest(award) != digest:
        raise ValidationFailed(
            _("The award's record no longer matches this certificate: it was changed after the certificate was made."),
            code="certificate_altered",
        )
    return _facts(award)


# ---------------------------------------------------------------- URL


def _public_root(base_url: str | None) -> str:
    root = getattr(settings, "THIDUA_PUBLIC_URL", "") or base_url or ""
    return root.rstrip("/")


def verification_url(award: Award, *, base_url: str | None = None) -> str:
    """The verification URL of the award's certificate under THIDUA_PUBLIC_URL, else under `base_url` (the site's
    root, e.g. "https://thidua.example.gov.vn/"); only the path when neither is known."""
    return _public_root(base_url) + reverse("portal:verify", args=[certificate_token(award)])


def certificate_url(award: Award, request: HttpRequest | None = None) -> str:
    """The absolute verification URL: under settings.THIDUA_PUBLIC_URL when set, else the request's own host."""
    path = reverse("portal:verify", args=[certificate_token(award)])
    root = _public_root(None)
    if root:
        return root + path
    return request.build_absolute_uri(path) if request is not None else path


# ---------------------------------------------------------------- PDF


def certificate_available(award: Award) -> bool:
    """Whether the award has a certificate: it was given by a decision issued in Thidua."""
    decision = award.decision
    return decision is not None and decision.status == DecisionStatus.ISSUED


def _check_available(award: Award) -> Decision:
    if not certificate_available(award):
        raise ValidationFailed(
            _("Only awards of a decision issued in Thidua have a certificate."), code="certificate_unavailable"
        )
    assert award.decision is not None
    return award.decision


def vi_date(day: dt.date | None) -> str:
    """ "ngày 05 tháng 01 năm 2025" — Decree 30: day < 10 and months 1–2 with a leading zero."""
    if day is None:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _layout(award: Award) -> str:
    handed = award.award_type.handed_over
    if handed in (HandedOver.FLAG, HandedOver.NOTHING):
        return "notice"
    return "certificate"


def _heading(award: Award) -> tuple[str, str]:
    """The big words of a certificate and the line under them: a form ("Bằng khen của Thủ tướng Chính phủ") shows
    "BẰNG KHEN" with its full name below; a title shows "DANH HIỆU" above its name."""
    name = award.award_type.name
    if award.award_type.kind == AwardKind.FORM:
        short = name.split(" của ", 1)[0]
        return short.upper(), name if short != name else ""
    return name.upper(), ""


def _about(title: str) -> str:
    """The decision's summary after "Quyết định số … của …": "về việc …" (a summary often starts with it already)."""
    title = title.strip()
    if not title:
        return ""
    if title.casefold().startswith("về việc"):
        return "v" + title[1:]
    return f"về việc {title[0].lower()}{title[1:]}"


def _qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def certificate_context(award: Award, *, base_url: str | None) -> dict[str, Any]:
    decision = _check_available(award)
    url = verification_url(award, base_url=base_url)
    big, subtitle = _heading(award)
    return {
        "award": award,
        "decision": decision,
        "layout": _layout(award),
        "is_form": award.award_type.kind == AwardKind.FORM,
        "heading": big,
        "subtitle": subtitle,
        "issuing_body": award.issuing_body or decision.issuing_body,
        "signer_title": decision.signer_title,
        "signer_name": award.decision_signer or decision.signer_name,
        "decision_about": _about(decision.title),
        "decision_date_text": vi_date(award.decision_date or decision.signed_on),
        "collective": award.recipient_kind == "collective",
        "verify_url": url,
        "qr": _qr_data_uri(url),
    }


def certificate_html(award: Award, *, base_url: str | None = None) -> str:
    """The certificate as HTML (what WeasyPrint prints), in Vietnamese."""
    with translation.override("vi"):
        return render_to_string(CERTIFICATE_TEMPLATE, certificate_context(award, base_url=base_url))


def certificate_pdf(award: Award, *, base_url: str | None = None) -> bytes:
    """The award's certificate as a one-page PDF; ValidationFailed "certificate_unavailable" for an award that no
    issued decision gave (imported history, hand-entered rows, a draft)."""
    from weasyprint import HTML  # heavy import: only when a PDF is made

    html = certificate_html(award, base_url=base_url)
    return bytes(HTML(string=html, base_url=base_url or None).write_pdf())


def certificate_file_name(award: Award) -> str:
    return f"chung-nhan-{award.pk}.pdf"


def decision_certificates_zip(decision: Decision, *, base_url: str | None = None) -> bytes:
    """One certificate PDF per award of an issued decision, in a ZIP (ValidationFailed "certificate_unavailable"
    for a draft)."""
    if decision.status != DecisionStatus.ISSUED:
        raise ValidationFailed(_("A draft decision has no certificates yet."), code="certificate_unavailable")
    awards = Award.objects.select_related("award_type", "decision").filter(decision=decision).order_by("id")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for award in awards:
            archive.writestr(certificate_file_name(award), certificate_pdf(award, base_url=base_url))
    return buffer.getvalue()
