"""Pages that are not about one domain object: "My work" (the home page) and the user's profile.

Views stay thin: they ask selectors for what to show and leave permission decisions to the
rules predicates that the selectors and templates consult.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.core import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's open block-years with the current phase, its deadline and what they can do there."""
    return render(
        request,
        "core/home.html",
        {"items": selectors.my_work(request.user), "scoring_tasks": selectors.my_scoring_work(request.user)},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Who the user is and which roles they hold on which units and block-years."""
    return render(request, "core/profile.html", {"roles": selectors.user_roles(request.user)})
