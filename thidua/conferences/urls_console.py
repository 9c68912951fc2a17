"""URLs of the organisers' pages: conferences, agenda, roll and check-in, polls, paper count, minutes."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
