"""Vietnamese first: pages ignore the browser's Accept-Language; the language switcher decides.

Civil servants in Vietnam often run browsers set to English, yet the official wording of this
work is Vietnamese. So the web pages start in Vietnamese and change only when the user picks a
language (the choice is kept in the language cookie). API clients still negotiate with
Accept-Language, which is how they ask for error messages in their language.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
