"""URLs of the scoring dashboards pages (included by thidua/scoring/urls.py)."""

from django.urls import URLPattern, path

from thidua.scoring.views import dashboards

urlpatterns: list[URLPattern] = [
    path("block-years/<int:pk>/dashboard/", dashboards.dashboard, name="dashboard"),
    path("block-years/<int:pk>/units/<int:unit_pk>/dashboard/", dashboards.unit_dashboard, name="unit_dashboard"),
]
