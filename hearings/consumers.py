"""The public docket's live updates: anyone may listen, nobody may send."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from hearings.live import docket_group
from hearings.models import Court
from hearings.selectors import docket_today


class DocketConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        slug = self.scope["url_route"]["kwargs"]["court_slug"]
        state = await database_sync_to_async(_state_for)(slug)
        if state is None:
            await self.close(code=4404)
            return
        self.group = docket_group(slug)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "docket.state", "docket": state})

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        await self.send_json({"type": "error", "code": "forbidden", "message": _("The docket is read-only.")})

    async def docket_state(self, message):
        await self.send_json({"type": "docket.state", "docket": message["docket"]})


def _state_for(slug: str) -> dict | None:
    court = Court.objects.filter(slug=slug).first()
    return docket_today(court=court) if court else None
