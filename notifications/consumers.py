"""`/ws/notifications/`: live in-app notices to every open page of the signed-in user.

With Redis the delivery worker's ``group_send`` reaches every Daphne process. The in-memory
layer of the embedded setup lives inside one process, and the worker is another process, so
there the consumer also polls the inbox every ``HADIR_NOTIFY_POLL_SECONDS``; ``last_id`` keeps a
notice from being shown twice whichever way it arrives. The poller ends with its socket, however
the socket ends.
"""

import asyncio
import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.utils.translation import gettext as _

from config.consumers import internal_error
from notifications import selectors, services
from notifications.delivery import notice_payload, user_group

log = logging.getLogger(__name__)

MAX_IDS = 1000
MAX_ID = 2**63 - 1  # the database's largest key


class NoticeConsumer(AsyncJsonWebsocketConsumer):
    poller = None
    group = None

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._stop()

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()  # so that the client sees the close code, not a bare 403
            await self.close(code=4401)
            return
        self.user = user
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.last_id = await database_sync_to_async(selectors.last_notice_id)(user=user)
        await self.send_json({"type": "notice.hello", "unread": await self._unread()})
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            self.poller = asyncio.create_task(self._poll())

    async def disconnect(self, code):
        await self._stop()

    async def _stop(self):
        poller, self.poller = self.poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        group, self.group = self.group, None
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            await self.receive_json(_decoded(text_data))
        except Exception:
            log.exception("a notice socket's message failed")
            await self.send_json(internal_error())

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict) or content.get("type") != "notice.read":
            await self.send_json({"type": "error", "code": "unknown_type", "message": _("Unknown message type.")})
            return
        ids = content.get("ids")
        if ids is not None and not (
            isinstance(ids, list) and len(ids) <= MAX_IDS
            and all(type(i) is int and 0 < i <= MAX_ID for i in ids)
        ):
            await self.send_json({"type": "error", "code": "invalid", "message": _("ids must be a list of numbers.")})
            return
        await database_sync_to_async(services.notices_mark_read)(user=self.user, ids=ids)
        await self.send_json({"type": "notice.unread", "unread": await self._unread()})

    async def notice_message(self, message):
        await self._show(message["notice"])

    async def _show(self, notice: dict) -> None:
        if notice["id"] <= self.last_id:
            return
        self.last_id = notice["id"]
        await self.send_json({"type": "notice", **notice})

    async def _unread(self) -> int:
        return await database_sync_to_async(selectors.unread_count)(user=self.user)

    async def _poll(self):
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(settings.HADIR_NOTIFY_POLL_SECONDS)
                try:
                    notices = await database_sync_to_async(selectors.notices_after)(
                        user=self.user, after_id=self.last_id
                    )
                    for notice in notices:
                        await self._show(notice_payload(notice))
                except Exception:
                    log.exception("polling the notices of user %s failed; trying again", self.user.pk)


def _decoded(text_data: str | None):
    """The frame's JSON, or None for a binary, empty, malformed or too deeply nested one."""
    try:
        return json.loads(text_data) if text_data else None
    except (ValueError, RecursionError):
        return None
