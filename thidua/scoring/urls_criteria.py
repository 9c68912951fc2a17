"""URLs of the scoring criteria pages (included by thidua/scoring/urls.py): the criteria set and the settings."""

from django.urls import URLPattern, path

from thidua.scoring.views import criteria

urlpatterns: list[URLPattern] = [
    path("block-years/<int:pk>/criteria/", criteria.criteria_detail, name="criteria_detail"),
    path("block-years/<int:pk>/criteria/edit/", criteria.criteria_set_edit, name="criteria_set_edit"),
    path("block-years/<int:pk>/criteria/copy/", criteria.criteria_copy, name="criteria_copy"),
    path("block-years/<int:pk>/criteria/lock/", criteria.criteria_lock, name="criteria_lock"),
    path("block-years/<int:pk>/criteria/unlock/", criteria.criteria_unlock, name="criteria_unlock"),
    path("block-years/<int:pk>/criteria/export/", criteria.criteria_export, name="criteria_export"),
    path("block-years/<int:pk>/criteria/import/", criteria.criteria_import, name="criteria_import"),
    path("block-years/<int:pk>/criteria/groups/add/", criteria.criteria_group_add, name="criteria_group_add"),
    path("criteria/groups/<int:group_pk>/edit/", criteria.criteria_group_edit, name="criteria_group_edit"),
    path("criteria/groups/<int:group_pk>/delete/", criteria.criteria_group_delete, name="criteria_group_delete"),
    path("criteria/groups/<int:group_pk>/move/", criteria.criteria_group_move, name="criteria_group_move"),
    path("criteria/groups/<int:group_pk>/items/add/", criteria.criteria_item_add, name="criteria_item_add"),
    path("criteria/items/<int:item_pk>/edit/", criteria.criteria_item_edit, name="criteria_item_edit"),
    path("criteria/items/<int:item_pk>/delete/", criteria.criteria_item_delete, name="criteria_item_delete"),
    path("criteria/items/<int:item_pk>/move/", criteria.criteria_item_move, name="criteria_item_move"),
    path("block-years/<int:pk>/scoring-settings/", criteria.config_edit, name="config_edit"),
    path("block-years/<int:pk>/scoring-settings/tracks/", criteria.config_tracks, name="config_tracks"),
    path("block-years/<int:pk>/scoring-settings/bands/", criteria.config_bands, name="config_bands"),
]
