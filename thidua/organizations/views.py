"""Pages for units, people, blocks and block-years (placeholder, replaced by the UI work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("units")


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("people")


@login_required
def block_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("blocks")
