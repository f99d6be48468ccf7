from django.urls import path

from rooms import views

app_name = "rooms"
urlpatterns = [
    path("join/<str:token>/", views.join, name="join"),
    path("rooms/<uuid:occurrence_id>/", views.room, name="room"),
]
