"""A room event to every process serving the room, once per process.

Per-member fan-out through the channel layer was the bottleneck: a consumer that ``group_send``s
each chat line to a room of 200 saturated a core at 20 lines/s (p99 0.7-3.8 s), and both channel
layers drop messages past a channel's capacity (DESIGN.md, "Real time"). So an envelope is encoded
once and handed to ``deliver`` (``Registry.dispatch``) of each process: directly in the embedded
default (``LocalFanout``), or as one Redis pub/sub message per process serving the room
(``RedisFanout``: each process subscribes once per room it serves, and unsubscribes when its last
socket there goes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rooms import wire
from rooms.presence import RedisStore, channel_name

if TYPE_CHECKING:
    from rooms.live.tasks import Tasks

log = logging.getLogger(__name__)

Deliver = Callable[[str, wire.Envelope], Awaitable[None]]


class LocalFanout:
    """One process serves every room: an envelope goes straight to this process's sockets."""

    subscribes = False

    def __init__(self, tasks: Tasks, deliver: Deliver):
        self.tasks, self.deliver = tasks, deliver

    async def publish(self, room_id: str, envelope: wire.Envelope) -> None:
        await self.deliver(room_id, envelope)

    def publish_threadsafe(self, room_id: str, envelope: wire.Envelope) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.tasks.loop:
            self.tasks.spawn(self.deliver_logged(room_id, envelope))
        elif not self.tasks.loop.is_closed():
            self.tasks.loop.call_soon_threadsafe(self.tasks.spawn, self.deliver_logged(room_id, envelope))

    async def deliver_logged(self, room_id: str, envelope: wire.Envelope) -> None:
        try:
            await self.deliver(room_id, envelope)
        except Exception:
            log.exception("room delivery failed")

    async def subscribe(self, room_id: str) -> None:
        pass

    async def unsubscribe(self, room_id: str) -> None:
        pass

    async def close(self) -> None:
        pass


class RedisFanout(LocalFanout):
    """Several processes: an envelope crosses as text on the room's Redis channel, and each process
    delivers what arrives on the channels of its rooms."""

    subscribes = True

    def __init__(self, store: RedisStore, tasks: Tasks, deliver: Deliver):
        super().__init__(tasks, deliver)
        self.store = store
        self.pubsub: Any = None  # redis.asyncio's PubSub, made with the first subscription
        self.listener: asyncio.Task | None = None

    async def publish(self, room_id: str, envelope: wire.Envelope) -> None:
        await self.store.publish(room_id, wire.encode(envelope))

    def publish_threadsafe(self, room_id: str, envelope: wire.Envelope) -> None:
        self.store.publish_sync(room_id, wire.encode(envelope))

    async def subscribe(self, room_id: str) -> None:
        if self.pubsub is None:
            self.pubsub = self.store.redis.pubsub(ignore_subscribe_messages=True)
        await self.pubsub.subscribe(channel_name(room_id))
        if self.listener is None or self.listener.done():
            self.listener = self.tasks.spawn(self._listen())

    async def unsubscribe(self, room_id: str) -> None:
        if self.pubsub is not None:
            await self.pubsub.unsubscribe(channel_name(room_id))

    async def _listen(self) -> None:
        prefix_length = len(channel_name(""))
        while True:
            try:
                if not self.pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("room pub/sub failed; retrying")
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel = message["channel"].decode()
            try:
                envelope = wire.decode(message["data"].decode())
            except ValueError:
                log.exception("room pub/sub message not understood")
                continue
            await self.deliver_logged(channel[prefix_length:], envelope)

    async def close(self) -> None:
        """Stop listening and let go of Redis."""
        if self.listener is not None:
            self.listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.listener
        if self.pubsub is not None:
            await self.pubsub.aclose()
        await self.store.redis.aclose()

