"""URLs of the scoring pages: each concern keeps its own list (criteria, sheets, dashboards)."""

from thidua.scoring import urls_criteria, urls_dashboards, urls_sheets

app_name = "scoring"

urlpatterns = [*urls_criteria.urlpatterns, *urls_sheets.urlpatterns, *urls_dashboards.urlpatterns]
