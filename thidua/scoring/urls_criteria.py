"""URLs of the scoring criteria pages (included by thidua/scoring/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
