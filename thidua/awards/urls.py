"""URLs of the awards pages (the registry), mounted at /awards/."""

from django.urls import path

from thidua.awards.views import certificates as certificate_views
from thidua.awards.views import decisions as decision_views
from thidua.awards.views import eligibility, registry
from thidua.awards.views import holds as hold_views
from thidua.awards.views import proposals as proposal_views

app_name = "awards"

urlpatterns = [
    path("registry/", registry.search, name="search"),
    path("registry/export.<str:fmt>", registry.export, name="export"),
    path("registry/<int:pk>/", registry.detail, name="detail"),
    path("registry/<int:pk>/revoke/", registry.revoke, name="revoke"),
    path("registry/new/", registry.record, name="record"),
    path("registry/import/", registry.import_page, name="import"),
    path("registry/import/template.<str:fmt>", registry.import_template, name="import_template"),
    path("registry/units/<int:pk>/", registry.unit_profile, name="unit_profile"),
    path("registry/people/<int:pk>/", registry.person_profile, name="person_profile"),
    path("eligibility/", eligibility.eligibility, name="eligibility"),
    path("proposals/", proposal_views.proposal_list, name="proposals"),
    path("proposals/new/", proposal_views.proposal_new, name="proposal_new"),
    path("proposals/new/preview/", proposal_views.proposal_preview, name="proposal_preview"),
    path("proposals/<int:pk>/", proposal_views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal_views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", proposal_views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/approve/", proposal_views.proposal_approve, name="proposal_approve"),
    path("proposals/<int:pk>/return/", proposal_views.proposal_return, name="proposal_return"),
    path("proposals/<int:pk>/withdraw/", proposal_views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/council/", proposal_views.proposal_council, name="proposal_council"),
    path("proposals/<int:pk>/refresh/", proposal_views.proposal_refresh, name="proposal_refresh"),
    path("proposals/<int:pk>/dossier/", proposal_views.proposal_attach, name="proposal_attach"),
    path(
        "proposals/<int:pk>/dossier/<int:attachment_pk>/remove/",
        proposal_views.proposal_detach,
        name="proposal_detach",
    ),
    path("block-years/<int:pk>/proposals/", proposal_views.batch, name="batch"),
    path("block-years/<int:pk>/proposals/submit/", proposal_views.batch_submit, name="batch_submit"),
    path("holds/", hold_views.hold_list, name="holds"),
    path("holds/<int:pk>/lift/", hold_views.hold_lift_view, name="hold_lift"),
    path("decisions/", decision_views.decision_list, name="decision_list"),
    path("decisions/new/", decision_views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/", decision_views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/edit/", decision_views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/delete/", decision_views.decision_delete_view, name="decision_delete"),
    path("decisions/<int:pk>/proposals/", decision_views.decision_add, name="decision_add"),
    path(
        "decisions/<int:pk>/proposals/<int:proposal_pk>/remove/",
        decision_views.decision_remove,
        name="decision_remove",
    ),
    path("decisions/<int:pk>/issue/", decision_views.decision_issue_view, name="decision_issue"),
    path("prize-funds/", decision_views.fund_totals, name="fund_totals"),
    path("certificates/<int:pk>.pdf", certificate_views.certificate, name="certificate"),
    path("decisions/<int:pk>/certificates.zip", certificate_views.decision_certificates, name="decision_certificates"),
]
