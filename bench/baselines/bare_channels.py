"""The peer: a bare Channels consumer on Daphne that ``group_send``s each room event to its group.

What the Channels tutorial leads to: every chat line and every join or leave is one
``group_send`` to the room group, and each member's handler encodes and writes it (with the
channel layer's per-member message, and Channels' hop to a thread before every handler). It
reuses config.settings (the same channel layer, in memory or Redis with ``REDIS_URL``). The roster
is a dict in the process, or a Redis hash with ``REDIS_URL``; diffs carry a sequence number so
that the load client can count what the channel layer dropped (and resync with presence.sync).

    taskset -c 0 python -m daphne -p 8102 bench.baselines.bare_channels:application
"""

import datetime
import itertools
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from bench.baselines import common  # noqa: E402


class MemoryRoster:
    def __init__(self):
        self.members: dict[str, dict[str, str]] = {}
        self.seq: dict[str, int] = {}

    async def change(self, room, pid, info):
        if info is None:
            self.members.get(room, {}).pop(pid, None)
        else:
            self.members.setdefault(room, {})[pid] = info
        self.seq[room] = self.seq.get(room, 0) + 1
        return self.seq[room]

    async def snapshot(self, room):
        return common.state(self.seq.get(room, 0), self.members.get(room, {}).values())


class RedisRoster:
    def __init__(self, url):
        import redis.asyncio as aioredis

        self.redis = aioredis.Redis.from_url(url, socket_timeout=None, max_connections=500)

    async def change(self, room, pid, info):
        if info is None:
            await self.redis.hdel(f"benchbare:{room}:roster", pid)
        else:
            await self.redis.hset(f"benchbare:{room}:roster", pid, info)
        return await self.redis.incr(f"benchbare:{room}:seq")

    async def snapshot(self, room):
        seq = await self.redis.get(f"benchbare:{room}:seq")
        values = await self.redis.hvals(f"benchbare:{room}:roster")
        return common.state(int(seq or 0), [value.decode() for value in values])


roster = RedisRoster(settings.REDIS_URL) if settings.REDIS_URL else MemoryRoster()
message_ids = itertools.count(1)


class BareRoomConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        who = common.identity(self.scope["path"] + "?" + self.scope["query_string"].decode())
        if who is None:
            await self.close(code=4404)
            return
        self.room, self.pid, name = who
        self.group = f"bench.{self.room}"
        self.info = common.participant(self.pid, name)
        await self.accept()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send(text_data=common.hello(self.room, self.info))
        seq = await roster.change(self.room, self.pid, self.info)
        await self.send(text_data=await roster.snapshot(self.room))
        await self.channel_layer.group_send(self.group, {"type": "room.event", "seq": seq, "joins": [self.info]})

    async def disconnect(self, code):
        if not hasattr(self, "group"):
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        seq = await roster.change(self.room, self.pid, None)
        await self.channel_layer.group_send(self.group, {"type": "room.event", "seq": seq, "leaves": [self.info]})

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "chat.send":
            at = datetime.datetime.now(datetime.UTC).isoformat()
            message = common.chat(next(message_ids), self.info, content["text"], at)
            await self.channel_layer.group_send(self.group, {"type": "chat.line", "message": message})
        elif content.get("type") == "presence.sync":
            await self.send(text_data=await roster.snapshot(self.room))

    async def chat_line(self, event):
        await self.send_json(event["message"])

    async def room_event(self, event):
        await self.send(text_data=common.diff(event["seq"], event.get("joins", ()), event.get("leaves", ())))


application = ProtocolTypeRouter(
    {"http": django_asgi_app, "websocket": URLRouter([path("ws/rooms/<str:room>/", BareRoomConsumer.as_asgi())])}
)
