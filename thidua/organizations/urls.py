"""URLs of the organisation pages: units, people, blocks and block-years."""

from django.urls import path

from thidua.organizations import views

app_name = "organizations"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_update, name="unit_update"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_update, name="person_update"),
    path("people/<int:pk>/positions/new/", views.membership_add, name="membership_add"),
    path("people/<int:pk>/positions/<int:membership_pk>/end/", views.membership_end, name="membership_end"),
    path("blocks/", views.block_list, name="block_list"),
    path("blocks/new/", views.block_create, name="block_create"),
    path("blocks/<int:pk>/", views.block_detail, name="block_detail"),
    path("blocks/<int:pk>/edit/", views.block_update, name="block_update"),
    path("blocks/<int:pk>/years/new/", views.block_year_create, name="block_year_create"),
    path("block-years/<int:pk>/", views.block_year_detail, name="block_year_detail"),
    path("block-years/<int:pk>/advance/", views.block_year_advance, name="block_year_advance"),
    path("block-years/<int:pk>/deadlines/", views.block_year_deadlines, name="block_year_deadlines"),
    path("block-years/<int:pk>/members/add/", views.block_year_member_add, name="block_year_member_add"),
    path(
        "block-years/<int:pk>/members/<int:unit_pk>/remove/",
        views.block_year_member_remove,
        name="block_year_member_remove",
    ),
    path("block-years/<int:pk>/leadership/", views.block_year_leadership, name="block_year_leadership"),
    path("block-years/<int:pk>/next-year/", views.block_year_next, name="block_year_next"),
]
