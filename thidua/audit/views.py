"""Audit log page for officers and administrators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts.predicates import is_officer_anywhere
from thidua.audit.models import AuditEvent


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not is_officer_anywhere(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.all()[:200]
    return render(request, "audit/event_list.html", {"events": events})
