import json

from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _


def internal_error() -> dict:
    """The answer to a message that failed on the server's side: the sender did nothing wrong and
    may try again; what failed goes to the log, never to the client."""
    return {"type": "error", "code": "internal", "message": _("That could not be done just now. Please try again.")}


class HealthConsumer(AsyncWebsocketConsumer):
    """`/ws/healthz/`: lets a load balancer (or a smoke test) check that WebSocket upgrades work.
    Whatever the client sends is ignored."""

    channel_layer_alias = None  # no layer channel per socket: nothing is ever sent to it

    async def connect(self):
        await self.accept()
        await self.send(text_data=json.dumps({"type": "health", "status": "ok"}))


class NotFoundConsumer(AsyncWebsocketConsumer):
    """Every WebSocket path no app serves: closed with 4404, as a room that does not exist is (the
    router would raise, and the server answer 500)."""

    channel_layer_alias = None

    async def connect(self):
        await self.accept()
        await self.close(code=4404)
