"""Certificate downloads for signed-in users: one award's PDF, or a ZIP of every certificate of an issued decision.

The permission is checked here on the object (awards.view_award on the award, awards.view_decision on the
decision); the documents themselves are made by thidua.awards.certificates. An award with no certificate (imported
history, hand-entered, or its decision not issued) answers 404, like an award that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from thidua.awards import certificates
from thidua.awards.models import Award, Decision
from thidua.core import web
from thidua.core.exceptions import ValidationFailed


def _site_root(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_safe
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_object_or_404(Award.objects.select_related("award_type", "decision"), pk=pk)
    web.require(request, "awards.view_award", award)
    try:
        pdf = certificates.certificate_pdf(award, base_url=_site_root(request))
    except ValidationFailed as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificates.certificate_file_name(award)}"'
    return response


@login_required
@require_safe
def decision_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("owner"), pk=pk)
    web.require(request, "awards.view_decision", decision)
    try:
        archive = certificates.decision_certificates_zip(decision, base_url=_site_root(request))
    except ValidationFailed as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-quyet-dinh-{decision.pk}.zip"'
    return response
