"""The process's sweeper, once a second: its heartbeat, the ghosts of dead processes, rooms that close.

A Channels consumer gets no ``disconnect`` when its process is killed, and channels-redis keeps group
members for a day (DESIGN.md, "Real time"): presence lives in its own store, where each process
renews its heartbeat here and reaps the connections of processes whose heartbeat stopped (their
people are ``away`` for a grace period, then gone). The attendance intervals this process holds
open are refreshed in the database, and those of dead processes closed at their last sign of life.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.conf import settings

from rooms import services
from rooms.presence import PresenceStore

if TYPE_CHECKING:
    from rooms.live.flushes import Flushes
    from rooms.live.registry import Registry

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0


def presence_ttl() -> float:
    return float(settings.HADIR_PRESENCE_TTL_SECONDS)


def away_grace() -> float:
    return float(settings.HADIR_PRESENCE_AWAY_SECONDS)


class Sweeper:
    def __init__(self, *, store: PresenceStore, instance: str, registry: Registry, flushes: Flushes):
        self.store, self.instance, self.registry, self.flushes = store, instance, registry, flushes
        self.last_db_refresh = 0.0

    async def run_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("room sweeper failed; retrying")
            await asyncio.sleep(SWEEP_SECONDS)

    async def sweep(self) -> None:
        now = time.time()
        changed = await self.store.sweep(instance=self.instance, now=now, ttl=presence_ttl(), grace=away_grace())
        for room_id, attendee_ids in changed.items():
            self.flushes.changed(room_id, *attendee_ids)
        for room in list(self.registry.rooms.values()):
            if room.closes_at is not None and now >= room.closes_at:
                for socket in list(room.sockets):
                    await socket.close(code=4410)
        if now - self.last_db_refresh >= presence_ttl() / 3:
            self.last_db_refresh = now
            await database_sync_to_async(services.attendance_sweep)(instance=self.instance, ttl=presence_ttl())
