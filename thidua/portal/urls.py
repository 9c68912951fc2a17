"""URLs of the public portal, mounted at /public/ (no login)."""

from django.urls import path

from thidua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("honoured/", views.honoured, name="honoured"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
