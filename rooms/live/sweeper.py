"""The process's sweeper, once a second: its heartbeat, the ghosts of dead processes, rooms that close.

A Channels consumer gets no ``disconnect`` when its process is killed, and channels-redis keeps group
members for a day (DESIGN.md, "Real time"): presence lives in its own store, where each process
renews its heartbeat here and reaps the connections of processes whose heartbeat stopped (their
people are ``away`` for a grace period, then gone). The attendance intervals this process holds
open are refreshed in the database, and those of dead processes closed at their last sign of life.

People whose last connection is gone for good (their grace ran out, or their process died) are
announced (``rooms.signals.participant_left``: the media server takes their grant back) in a task
of their own, in a thread of its own: a receiver that waits on another service must not delay the
heartbeat, or this process's sockets would be reaped as a dead one's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from rooms import services
from rooms.presence import PresenceStore

if TYPE_CHECKING:
    from rooms.live.flushes import Flushes
    from rooms.live.registry import Registry
    from rooms.live.tasks import Tasks

log = logging.getLogger(__name__)

SWEEP_SECONDS = 1.0


def presence_ttl() -> float:
    return float(settings.HADIR_PRESENCE_TTL_SECONDS)


def away_grace() -> float:
    return float(settings.HADIR_PRESENCE_AWAY_SECONDS)


class Sweeper:
    def __init__(self, *, store: PresenceStore, instance: str, registry: Registry, flushes: Flushes,
                 tasks: Tasks | None = None):
        self.store, self.instance, self.registry, self.flushes = store, instance, registry, flushes
        self.tasks = tasks
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
            await self.announce_left(room_id, attendee_ids)
        for room in list(self.registry.rooms.values()):
            if room.closes_at is not None and now >= room.closes_at:
                for socket in list(room.sockets):
                    await socket.close(code=4410)
        if now - self.last_db_refresh >= presence_ttl() / 3:
            self.last_db_refresh = now
            await database_sync_to_async(services.attendance_sweep)(instance=self.instance, ttl=presence_ttl())

    async def announce_left(self, room_id: str, attendee_ids: set[str]) -> None:
        """A sweep answers those whose grace ran out or whose process died (a leave without grace, the
        one who left): those of them with no live connection left are gone. Say so, in the background."""
        gone = sorted(set(attendee_ids) - await self.store.present(room=room_id))
        if gone and self.tasks is not None:
            self.tasks.spawn(_participants_left(room_id, gone))


async def _participants_left(room_id: str, attendee_ids: list[str]) -> None:
    try:
        await sync_to_async(_participants_left_sync, thread_sensitive=False)(room_id, attendee_ids)
    except Exception:
        log.exception("announcing who left room %s failed", room_id)


def _participants_left_sync(room_id: str, attendee_ids: list[str]) -> None:
    close_old_connections()
    try:
        services.participants_left(occurrence_id=room_id, attendee_ids=attendee_ids)
    finally:
        connections.close_all()
