"""Read-only admin views of the year's emulation data (writes go through the pages and the API, which audit them)."""

from django.contrib import admin

from thidua.emulation.models import Covenant, KeyTask, Registration
from thidua.organizations.admin import ReadOnlyAdmin


@admin.register(Covenant)
class CovenantAdmin(ReadOnlyAdmin):
    list_display = ["block_year", "status"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["block_year", "unit", "status"]
    list_filter = ["status"]


@admin.register(KeyTask)
class KeyTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "registration", "due_date"]
