from django.urls import path

from hearings.consumers import DocketConsumer

websocket_urlpatterns = [path("ws/docket/<slug:court_slug>/", DocketConsumer.as_asgi())]
