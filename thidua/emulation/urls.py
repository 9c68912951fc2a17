"""URLs of the emulation pages."""

from django.urls import path  # noqa: F401

app_name = "emulation"

urlpatterns: list = []
