"""One per process: the parts of the live side (one module each, see ``rooms.live``), put together.

A socket (``rooms.consumers.RoomConsumer``) speaks to the hub only; services, receivers and
selectors reach it through ``rooms.publish``, where ``get_hub`` installs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import TYPE_CHECKING

from django.conf import settings

from rooms import publish, wire
from rooms.live.attendance import AttendanceWriter
from rooms.live.door import Door
from rooms.live.fanout import LocalFanout, RedisFanout
from rooms.live.flushes import Flushes
from rooms.live.registry import LocalRoom, Registry, Socket
from rooms.live.sweeper import Sweeper
from rooms.live.tasks import Tasks
from rooms.policies import media_engine
from rooms.presence import MemoryStore, PresenceStore, RedisStore, Snapshot

if TYPE_CHECKING:
    from rooms.selectors import Entry, Refused
    from scheduling.models import Occurrence


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.instance = uuid.uuid4().hex
        self.tasks = Tasks(self.loop)
        self.store: PresenceStore
        if settings.REDIS_URL:
            self.store = redis_store = RedisStore(settings.REDIS_URL)
            self.fanout: LocalFanout = RedisFanout(redis_store, self.tasks, self.dispatch)
        else:
            self.store = MemoryStore()
            self.fanout = LocalFanout(self.tasks, self.dispatch)
        self.registry = Registry(self.tasks, self.fanout)
        self.rooms: dict[str, LocalRoom] = self.registry.rooms
        self.doors = Door(self.tasks)
        self.flushes = Flushes(self.store, self.tasks, self.registry, self.dispatch)
        self.attendance = AttendanceWriter(self.tasks, self.instance)
        self.sweeper = Sweeper(store=self.store, instance=self.instance, registry=self.registry, flushes=self.flushes,
                              tasks=self.tasks)
        self._sweeping = self.tasks.spawn(self.sweeper.run_forever())
        engine = media_engine()
        self._media = self.tasks.spawn(engine.run_forever()) if engine is not None else None

    @property
    def running(self) -> bool:
        return not self.loop.is_closed()

    async def door(self, scope: dict, occurrence_id: str) -> Entry | Refused:
        """The door check of a socket (batched with those that knock meanwhile)."""
        return await self.doors.check(scope, occurrence_id)

    async def attach(self, socket: Socket, *, closes_at: float | None) -> None:
        await self.registry.attach(socket, closes_at=closes_at)

    async def detach(self, socket: Socket) -> None:
        if self.registry.detach(socket):
            self.flushes.forget(socket.room_id)
            await self.fanout.unsubscribe(socket.room_id)

    def changed(self, room_id: str, *attendee_ids: str, audience: bool = False) -> None:
        self.flushes.changed(room_id, *attendee_ids, audience=audience)

    async def snapshot(self, room_id: str) -> Snapshot:
        return await self.flushes.snapshot(room_id)

    async def chat_history(self, room_id: str, occurrence: Occurrence) -> list[str]:
        """The room's recent chat lines, oldest first, for a socket attached here that enters."""
        return await self.rooms[room_id].chat.recent(occurrence, self.tasks)

    async def publish(self, room_id: str, envelope: wire.Envelope) -> None:
        await self.fanout.publish(room_id, envelope)

    def publish_threadsafe(self, room_id: str, envelope: wire.Envelope) -> None:
        self.fanout.publish_threadsafe(room_id, envelope)

    async def dispatch(self, room_id: str, envelope: wire.Envelope) -> None:
        await self.registry.dispatch(room_id, envelope)

    async def sweep(self) -> None:
        await self.sweeper.sweep()

    async def close(self) -> None:
        """Stop the background work and let go of Redis (tests start a hub per event loop)."""
        if self.attendance.task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self.attendance.task), 5)
        for task in (self._sweeping, self._media):
            if task is None:
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.fanout.close()


_hub: Hub | None = None


def get_hub() -> Hub:
    """The process's hub: started with the server (``config.asgi``), else by the first consumer; a new
    one per event loop, as in tests."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = Hub()
        publish.install(_hub)  # services, receivers and selectors reach the rooms through it
    return _hub


def current_hub() -> Hub | None:
    if _hub is not None and _hub.running:
        return _hub
    return None
