"""The JSON API (django-ninja) under /api/: one NinjaAPI that mounts each app's router.

Authentication, the error format and the docs are decided here once, so every app's endpoints
behave alike: bearer token or session (with CSRF), JSON errors with stable codes, an OpenAPI
document at /api/openapi.json and Swagger UI at /api/docs served from our own static files
(ninja is in INSTALLED_APPS, so its template loads the bundled assets, never a CDN).
"""

from ninja import NinjaAPI

from thidua.accounts.api import router as accounts_router
from thidua.api.auth import default_auth
from thidua.api.errors import install_error_handlers
from thidua.awards.api import router as awards_router
from thidua.awards.api_catalogue import router as catalogue_router
from thidua.awards.api_decisions import router as decisions_router
from thidua.awards.api_proposals import router as proposals_router
from thidua.conferences.api import router as conferences_router
from thidua.core.api_calendar import router as calendar_router
from thidua.emulation.api import router as emulation_router
from thidua.movements.api import router as movements_router
from thidua.organizations.api import router as organizations_router
from thidua.portal.api import router as portal_router
from thidua.scoring.api import router as scoring_router

api = NinjaAPI(
    title="Thidua API",
    version="1",
    description=(
        "Emulation and commendation (thi đua – khen thưởng) data. Authenticate with a personal token "
        "(`Authorization: Bearer td_…`, create one at POST /api/tokens while signed in) or with the browser "
        "session plus the X-CSRFToken header. Errors are JSON: `{code, message, field?, details?}`."
    ),
    urls_namespace="api",
    auth=default_auth,
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", organizations_router)
api.add_router("", emulation_router)
api.add_router("", movements_router)
api.add_router("", scoring_router)
api.add_router("", conferences_router)
api.add_router("", awards_router)
api.add_router("", catalogue_router)
api.add_router("", decisions_router)
api.add_router("", proposals_router)
api.add_router("", portal_router)
api.add_router("", calendar_router)

__all__ = ["api"]
