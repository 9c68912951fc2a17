"""URLs of pages that are not about one domain object."""

from django.urls import path

from thidua.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
]
