"""Read-only admin views of scoring data (writes go through the pages and the API, which audit them)."""

from django.contrib import admin

from thidua.organizations.admin import ReadOnlyAdmin
from thidua.scoring.models import CriteriaSet, FinalScore, ScoreSheet


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ["title", "block_year", "status", "locked_at"]
    list_filter = ["status"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["block_year", "unit", "kind", "reviewer_unit", "revision", "is_current", "status", "total"]
    list_filter = ["kind", "status", "is_current"]


@admin.register(FinalScore)
class FinalScoreAdmin(ReadOnlyAdmin):
    list_display = ["block_year", "unit", "track", "raw_total", "normalised_total", "rank", "suggested_title"]
