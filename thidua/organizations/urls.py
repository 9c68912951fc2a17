from django.urls import path

from thidua.organizations import views

app_name = "organizations"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("people/", views.person_list, name="person_list"),
    path("blocks/", views.block_list, name="block_list"),
]
