"""Top-level URLs: pages per app, the API under /api/, allauth under /accounts/, the admin."""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from thidua.api.api import api

# The admin logs in through allauth too, so the same throttling and 2FA apply to it.
admin.site.login = login_required(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Thidua"

urlpatterns = [
    path("", include("thidua.core.urls")),
    path("organizations/", include("thidua.organizations.urls")),
    path("audit/", include("thidua.audit.urls")),
    path("attachments/", include("thidua.attachments.urls")),
    path("emulation/", include("thidua.emulation.urls")),
    path("movements/", include("thidua.movements.urls")),
    path("scoring/", include("thidua.scoring.urls")),
    path("conferences/", include("thidua.conferences.urls")),
    path("awards/", include("thidua.awards.urls")),
    path("public/", include("thidua.portal.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
