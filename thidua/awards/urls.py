"""URLs of the awards pages (the registry), mounted at /awards/."""

from django.urls import path

from thidua.awards.views import eligibility, registry

app_name = "awards"

urlpatterns = [
    path("registry/", registry.search, name="search"),
    path("registry/export.<str:fmt>", registry.export, name="export"),
    path("registry/<int:pk>/", registry.detail, name="detail"),
    path("registry/<int:pk>/revoke/", registry.revoke, name="revoke"),
    path("registry/new/", registry.record, name="record"),
    path("registry/import/", registry.import_page, name="import"),
    path("registry/import/template.<str:fmt>", registry.import_template, name="import_template"),
    path("registry/units/<int:pk>/", registry.unit_profile, name="unit_profile"),
    path("registry/people/<int:pk>/", registry.person_profile, name="person_profile"),
    path("eligibility/", eligibility.eligibility, name="eligibility"),
]
