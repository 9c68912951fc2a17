"""Pages of the public portal: no login anywhere, only issued and published decisions (thidua.portal.selectors),
and nothing private: no prize money, no ids of people, no birth dates. Certificate verification answers every code
with a 200 page whose `data-result` says valid, revoked or invalid (and why), so a phone that scanned a QR code
always gets a readable answer.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from thidua.awards.certificates import verify_certificate
from thidua.core import web
from thidua.core.exceptions import ValidationFailed
from thidua.portal import selectors
from thidua.portal.forms import DecisionSearchForm, HonouredSearchForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"latest": selectors.latest_decisions(limit=8)})


@require_safe
def decisions(request: HttpRequest) -> HttpResponse:
    form = DecisionSearchForm(request.GET)
    filters = form.filters()
    page = web.paginate(request, selectors.public_decisions(**filters))
    return render(request, "portal/decisions.html", {"form": form, "page_obj": page, "query": filters["query"]})


@require_safe
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.public_decision(pk)
    if found is None:
        raise Http404
    context = {"decision": found, "awards": selectors.decision_awards(found)}
    return render(request, "portal/decision.html", context)


@require_safe
def honoured(request: HttpRequest) -> HttpResponse:
    form = HonouredSearchForm(request.GET)
    filters = form.filters()
    page = web.paginate(request, selectors.honoured(**filters))
    return render(request, "portal/honoured.html", {"form": form, "page_obj": page, "query": filters["query"]})


@require_safe
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The answer to a certificate's QR code: authentic (with the facts), revoked, or not valid."""
    try:
        facts = verify_certificate(token)
    except ValidationFailed as exc:
        context = {"result": "invalid", "code": exc.code, "message": exc.message, "facts": None}
    else:
        context = {"result": facts.result, "code": "", "message": "", "facts": facts}
    return render(request, "portal/verify.html", context)
