from django.urls import path

from rooms.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/rooms/<str:occurrence_id>/", RoomConsumer.as_asgi())]
