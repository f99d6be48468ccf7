"""Every app's WebSocket routes, in one list for config.asgi; any other path is closed with 4404."""

from django.urls import path, re_path

from config.consumers import HealthConsumer, NotFoundConsumer
from hearings.routing import websocket_urlpatterns as hearing_routes
from notifications.routing import websocket_urlpatterns as notification_routes
from rooms.routing import websocket_urlpatterns as room_routes

websocket_urlpatterns = [
    path("ws/healthz/", HealthConsumer.as_asgi()),
    *room_routes,
    *notification_routes,
    *hearing_routes,
    re_path(r"", NotFoundConsumer.as_asgi()),
]
