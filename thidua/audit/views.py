"""Audit log page for officers and administrators: who changed what, filterable by type and action.

The log is read-only here; the hash chain is verified by `manage.py audit_verify`.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts.predicates import is_officer_anywhere
from thidua.core import selectors

PAGE_SIZE = 50


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not is_officer_anywhere(request.user):
        raise PermissionDenied
    object_type = request.GET.get("object_type", "")
    action = request.GET.get("action", "")
    events = selectors.audit_event_list(object_type=object_type, action=action)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    types, actions = selectors.audit_filter_choices()
    context = {
        "page_obj": page,
        "object_types": types,
        "actions": actions,
        "object_type": object_type,
        "action": action,
    }
    return render(request, "audit/event_list.html", context)
