"""URL of attachment downloads."""

from django.urls import path

from thidua.attachments import views

app_name = "attachments"

urlpatterns = [path("<int:pk>/", views.download, name="download")]
