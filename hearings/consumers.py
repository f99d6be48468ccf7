"""The public docket's live updates: anyone may listen, nobody may send.

Anonymous listeners are counted per client address in each process, so that one address cannot
hold the process's sockets (each one a group member, and a frame per docket change).
"""

import collections

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from config.proxy import scope_address
from hearings.live import docket_group
from hearings.models import Court
from hearings.selectors import docket_today

_anonymous_sockets: collections.Counter = collections.Counter()  # client address -> open sockets


class DocketConsumer(AsyncJsonWebsocketConsumer):
    group = None
    address = None  # the client address this socket is counted against, when anonymous

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._stop()

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            address = scope_address(self.scope)
            if _anonymous_sockets[address] >= settings.HADIR_DOCKET_SOCKETS_PER_ADDRESS:
                await self.accept()  # so that the client sees the close code, not a bare 403
                await self.close(code=4429)
                return
            _anonymous_sockets[address] += 1
            self.address = address
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
        await self._stop()

    async def _stop(self):
        address, self.address = self.address, None
        if address is not None:
            _anonymous_sockets[address] -= 1
            if _anonymous_sockets[address] <= 0:
                del _anonymous_sockets[address]
        group, self.group = self.group, None
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        await self.send_json({"type": "error", "code": "forbidden", "message": _("The docket is read-only.")})

    async def docket_state(self, message):
        await self.send_json({"type": "docket.state", "docket": message["docket"]})


def _state_for(slug: str) -> dict | None:
    court = Court.objects.filter(slug=slug).first()
    return docket_today(court=court) if court else None
