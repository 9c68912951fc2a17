"""URLs of the scoring sheets pages (included by thidua/scoring/urls.py)."""

from django.urls import URLPattern, path

from thidua.scoring.views import sheets

urlpatterns: list[URLPattern] = [
    path("block-years/<int:pk>/sheets/", sheets.sheet_list, name="sheet_list"),
    path("block-years/<int:pk>/units/<int:unit_pk>/self/", sheets.self_sheet, name="self_sheet"),
    path(
        "block-years/<int:pk>/units/<int:unit_pk>/reviews/<int:reviewer_pk>/",
        sheets.review_sheet,
        name="review_sheet",
    ),
    path("block-years/<int:pk>/units/<int:unit_pk>/history/", sheets.sheet_history, name="sheet_history"),
    path("block-years/<int:pk>/reconciliations/", sheets.reconciliations, name="reconciliations"),
    path("block-years/<int:pk>/assignments/", sheets.assignments, name="assignments"),
    path("block-years/<int:pk>/assignments/generate/", sheets.assignments_generate, name="assignments_generate"),
    path("block-years/<int:pk>/ranking/", sheets.ranking, name="ranking"),
    path("block-years/<int:pk>/ranking/recompute/", sheets.ranking_recompute, name="ranking_recompute"),
    path("block-years/<int:pk>/ranking/publish/", sheets.ranking_publish, name="ranking_publish"),
    path("block-years/<int:pk>/finalise/", sheets.scoring_finalise_all, name="scoring_finalise_all"),
    path("sheets/<int:sheet_pk>/", sheets.sheet_detail, name="sheet_detail"),
    path("sheets/<int:sheet_pk>/totals/", sheets.sheet_totals, name="sheet_totals"),
    path("sheets/<int:sheet_pk>/approve/", sheets.sheet_approve, name="sheet_approve"),
    path("sheets/<int:sheet_pk>/return/", sheets.sheet_return, name="sheet_return"),
    path("sheets/<int:sheet_pk>/finalise/", sheets.sheet_finalise, name="sheet_finalise"),
    path("sheets/<int:sheet_pk>/correct/", sheets.sheet_correct, name="sheet_correct"),
    path("reconciliations/<int:pk>/resolve/", sheets.reconciliation_resolve, name="reconciliation_resolve"),
    path("conflicts/<int:pk>/withdraw/", sheets.conflict_withdraw, name="conflict_withdraw"),
]
