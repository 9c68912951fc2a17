"""URLs of the movements pages: a block-year's movements and activities, and the good-practice library."""

from django.urls import path

from thidua.movements import views

app_name = "movements"

urlpatterns = [
    # A block-year's pages (the sub-navigation in templates/movements/_year_nav.html).
    path("block-years/<int:pk>/", views.overview, name="overview"),
    path("block-years/<int:pk>/movements/", views.movement_list, name="movement_list"),
    path("block-years/<int:pk>/movements/new/", views.movement_create, name="movement_create"),
    path("block-years/<int:pk>/activities/", views.activity_list, name="activity_list"),
    path("block-years/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("block-years/<int:pk>/practices/new/", views.practice_create, name="practice_create"),
    # Movements.
    path("<int:pk>/", views.movement_detail, name="movement_detail"),
    path("<int:pk>/edit/", views.movement_update, name="movement_update"),
    path("<int:pk>/delete/", views.movement_delete, name="movement_delete"),
    path("<int:pk>/join/", views.movement_join, name="movement_join"),
    path("<int:pk>/leave/<int:unit_pk>/", views.movement_leave, name="movement_leave"),
    path("<int:pk>/criteria/", views.movement_criteria, name="movement_criteria"),
    # Activities and events.
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_update, name="activity_update"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/attachments/", views.activity_attach, name="activity_attach"),
    path(
        "activities/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.activity_detach,
        name="activity_detach",
    ),
    # The good-practice library.
    path("practices/", views.practice_library, name="practice_library"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_update, name="practice_update"),
    path("practices/<int:pk>/publish/", views.practice_publish, name="practice_publish"),
    path("practices/<int:pk>/withdraw/", views.practice_withdraw, name="practice_withdraw"),
    path("practices/<int:pk>/delete/", views.practice_delete, name="practice_delete"),
    path("practices/<int:pk>/comments/", views.practice_comment, name="practice_comment"),
    path(
        "practices/<int:pk>/comments/<int:comment_pk>/delete/",
        views.practice_comment_delete,
        name="practice_comment_delete",
    ),
    path("practices/<int:pk>/adopt/", views.practice_adopt, name="practice_adopt"),
    path(
        "practices/<int:pk>/adoptions/<int:adoption_pk>/remove/",
        views.practice_adoption_remove,
        name="practice_adoption_remove",
    ),
    path("practices/<int:pk>/attachments/", views.practice_attach, name="practice_attach"),
    path(
        "practices/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.practice_detach,
        name="practice_detach",
    ),
]
