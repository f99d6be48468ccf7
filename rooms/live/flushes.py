"""Presence diffs, paced: the changed attendees of a room are gathered and sent as one diff per
audience per window, and a room's snapshot is read once for every socket that asks meanwhile.

Every diff is a frame to every socket of the room (about 50 µs each on Daphne), so the window
grows with the room (``rooms.presence.flush_window``: 15 ms, plus 0.25 ms per participant, at most
250 ms): a join storm then costs at most about a fifth of a core in frame writes. A change of the
room's audience (its count) waits for ``AUDIENCE_WINDOW_SECONDS`` since the room's last diff. With Redis the
changes wait in the room's pending set and whichever process flushes first takes them all, so two
processes send no more diffs than one (docs/performance.md, "Join storms").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rooms import presence, wire
from rooms.presence import PresenceStore, Snapshot

if TYPE_CHECKING:
    from rooms.live.registry import Registry
    from rooms.live.tasks import Tasks

log = logging.getLogger(__name__)


class Flushes:
    def __init__(
        self, store: PresenceStore, tasks: Tasks, registry: Registry,
        deliver: Callable[[str, wire.Envelope], Awaitable[None]],
    ):
        self.store, self.tasks, self.registry, self.deliver = store, tasks, registry, deliver
        self.pending: dict[str, set[str]] = {}
        self.last_flush: dict[str, float] = {}
        self.snapshots: dict[str, asyncio.Future] = {}

    def changed(self, room_id: str, *attendee_ids: str, audience: bool = False) -> None:
        """Record changed attendees; one flush per room per window sends their diff (``audience``:
        they listen only, and the audience's count changes at most once per audience window)."""
        pending = self.pending.get(room_id)
        if pending is not None:
            pending.update(attendee_ids)
            return
        self.pending[room_id] = set(attendee_ids)
        if self.store.shared:
            window = presence.FLUSH_MIN_SECONDS  # Redis paces the room's diffs across all its processes
        else:
            room = self.registry.rooms.get(room_id)
            window = presence.flush_window(len(room.sockets) if room else 0)
            if audience:
                window = max(window, presence.AUDIENCE_WINDOW_SECONDS)
        self.tasks.call_in(self.last_flush.get(room_id, 0.0) + window - time.monotonic(), self._start, room_id)

    def forget(self, room_id: str) -> None:
        """The room's last socket here went."""
        self.last_flush.pop(room_id, None)

    def _start(self, room_id: str) -> None:
        self.tasks.spawn(self._flush(room_id))

    async def _flush(self, room_id: str) -> None:
        attendee_ids = self.pending.pop(room_id, set())
        self.last_flush[room_id] = time.monotonic()
        if not attendee_ids and not self.store.shared:
            return
        try:
            flushed = await self.store.flush(room=room_id, aids=attendee_ids)
        except Exception:
            log.exception("presence flush failed for room %s", room_id)
            return
        if flushed.retry_after and room_id not in self.pending:
            # The room's window has not passed: the changes wait in the store; flush them then
            # (unless a process that flushes sooner takes them, and this finds nothing left).
            self.pending[room_id] = set()
            self.tasks.call_in(flushed.retry_after, self._start, room_id)
        if flushed.diff is not None:
            await self.deliver(room_id, flushed.diff)

    async def snapshot(self, room_id: str) -> Snapshot:
        """The room's presence now, read once for all of this process's sockets that ask meanwhile.

        In a join storm every joiner needs the whole list; one read per joiner moved the room
        N times over (docs/performance.md). A read serves only those who asked before it started:
        they already buffer the diffs that follow it. Later askers share the next read.
        """
        waiting = self.snapshots.get(room_id)
        if waiting is None:
            waiting = self.snapshots[room_id] = self.tasks.loop.create_future()
            self.tasks.spawn(self._read_snapshot(room_id, waiting))
        return await asyncio.shield(waiting)

    async def _read_snapshot(self, room_id: str, waiting: asyncio.Future) -> None:
        await asyncio.sleep(0)  # the askers of this loop turn join before the read starts
        del self.snapshots[room_id]
        try:
            waiting.set_result(await self.store.snapshot(room=room_id))
        except Exception as exc:  # noqa: BLE001 - every waiting socket gets it
            waiting.set_exception(exc)
