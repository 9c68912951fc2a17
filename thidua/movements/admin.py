"""Read-only admin views of movements, activities and practices (writes go through the pages and the API)."""

from django.contrib import admin

from thidua.movements.models import Activity, Movement, Practice
from thidua.organizations.admin import ReadOnlyAdmin


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ["title", "block_year", "theme", "start_date", "end_date"]
    list_filter = ["theme"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "block_year", "kind", "date"]
    list_filter = ["kind"]


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "status"]
    list_filter = ["status"]
