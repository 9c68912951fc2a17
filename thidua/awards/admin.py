"""Read-only admin of the awards catalogue.

The admin writes models directly, which would skip the catalogue services: the closing of the previous period,
the overlap and gap checks, the permission split between rule parameters and prize money, and the audit. So the
admin only shows the tables (with their legal basis and the "unconfirmed" flag, filterable); values are added and
texts corrected through thidua.awards.services (pages and API to come).
"""

from django.contrib import admin

from thidua.awards.models import Award, AwardParameter, AwardType, BaseSalary, ImportBatch, PrizeCoefficient
from thidua.organizations.admin import ReadOnlyAdmin


class CoefficientInline(admin.TabularInline):
    model = PrizeCoefficient
    extra = 0
    can_delete = False
    fields = readonly_fields = ("recipient", "coefficient", "valid_from", "valid_to", "legal_basis", "unconfirmed")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AwardType)
class AwardTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "recipient", "level", "decided_by", "handed_over", "unconfirmed", "active"]
    list_filter = ["kind", "level", "decided_by", "unconfirmed", "active"]
    search_fields = ["code", "name"]
    inlines = [CoefficientInline]


@admin.register(PrizeCoefficient)
class PrizeCoefficientAdmin(ReadOnlyAdmin):
    list_display = ["award_type", "recipient", "coefficient", "valid_from", "valid_to", "legal_basis", "unconfirmed"]
    list_filter = ["recipient", "unconfirmed", "award_type"]
    list_select_related = ["award_type"]


@admin.register(BaseSalary)
class BaseSalaryAdmin(ReadOnlyAdmin):
    list_display = ["amount", "valid_from", "valid_to", "legal_basis", "unconfirmed"]
    list_filter = ["unconfirmed"]


@admin.register(AwardParameter)
class AwardParameterAdmin(ReadOnlyAdmin):
    list_display = ["key", "value", "value_type", "valid_from", "valid_to", "legal_basis", "unconfirmed"]
    list_filter = ["key", "unconfirmed"]
    search_fields = ["key", "description"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    """The registry, read-only: awards are recorded, imported and revoked through the registry services."""

    list_display = ["award_type", "recipient_name", "unit_name", "year", "decision_number", "decision_date", "source"]
    list_filter = ["source", "award_type", "year"]
    list_select_related = ["award_type"]
    search_fields = ["recipient_name", "decision_number"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "created_at"]
