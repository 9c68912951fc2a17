"""Admin listing of the working-day calendar. Read-only like the other domain admins: edits go
through thidua.core.services_calendar, which checks permission and audits every change."""

from django.contrib import admin

from thidua.core.models import CalendarDay
from thidua.organizations.admin import ReadOnlyAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "kind", "name", "unconfirmed"]
    list_filter = ["kind", "unconfirmed"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
