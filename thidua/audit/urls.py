"""URLs of the audit log pages."""

from django.urls import path

from thidua.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event_list"),
]
