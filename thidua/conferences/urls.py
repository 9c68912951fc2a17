"""URLs of the conference pages: the secretary's console and the hall (delegates' phones, projector, bulletin)."""

from thidua.conferences import urls_console, urls_hall

app_name = "conferences"

urlpatterns = [*urls_console.urlpatterns, *urls_hall.urlpatterns]
