"""URLs of the emulation pages: plan, covenant, registrations and key tasks, progress, mid-year review."""

from django.urls import path

from thidua.emulation import views

app_name = "emulation"

urlpatterns = [
    path("block-years/<int:pk>/plan/", views.plan, name="plan"),
    path("block-years/<int:pk>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("block-years/<int:pk>/covenant/", views.covenant, name="covenant"),
    path("block-years/<int:pk>/covenant/edit/", views.covenant_edit, name="covenant_edit"),
    path("block-years/<int:pk>/covenant/print/", views.covenant_print, name="covenant_print"),
    path("block-years/<int:pk>/covenant/open/", views.covenant_open, name="covenant_open"),
    path("block-years/<int:pk>/covenant/close/", views.covenant_close, name="covenant_close"),
    path("block-years/<int:pk>/covenant/reopen/", views.covenant_reopen, name="covenant_reopen"),
    path("block-years/<int:pk>/covenant/sign/<int:unit_pk>/", views.covenant_sign, name="covenant_sign"),
    path("block-years/<int:pk>/covenant/withdraw/<int:unit_pk>/", views.covenant_withdraw, name="covenant_withdraw"),
    path("block-years/<int:pk>/registrations/", views.registration_list, name="registration_list"),
    path("block-years/<int:pk>/registrations/<int:unit_pk>/", views.registration_detail, name="registration_detail"),
    path(
        "block-years/<int:pk>/registrations/<int:unit_pk>/submit/",
        views.registration_submit,
        name="registration_submit",
    ),
    path(
        "block-years/<int:pk>/registrations/<int:unit_pk>/acknowledge/",
        views.registration_acknowledge,
        name="registration_acknowledge",
    ),
    path(
        "block-years/<int:pk>/registrations/<int:unit_pk>/return/",
        views.registration_return,
        name="registration_return",
    ),
    path("block-years/<int:pk>/registrations/<int:unit_pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/progress/", views.task_progress_add, name="task_progress_add"),
    path("tasks/<int:pk>/progress/<int:update_pk>/delete/", views.task_progress_delete, name="task_progress_delete"),
    path("block-years/<int:pk>/progress/", views.progress_overview, name="progress_overview"),
    path("block-years/<int:pk>/midyear/", views.midyear, name="midyear"),
    path("block-years/<int:pk>/midyear/publish/", views.midyear_publish, name="midyear_publish"),
]
