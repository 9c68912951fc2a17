"""URLs used in the hall: a delegate's card and phone, the projector, the bulletin and receipt check."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
