from django.urls import path

from media import views

app_name = "media"

urlpatterns = [
    path("recordings/<uuid:occurrence_id>/", views.recording_download, name="recording"),
]
