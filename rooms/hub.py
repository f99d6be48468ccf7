"""One per process: the room's local sockets, batched presence flushes, delivery and the sweeper.

Per-member fan-out through the channel layer is the known bottleneck (DESIGN.md), so a room
event is encoded once and reaches each process once: directly in the embedded default, or as
one Redis pub/sub message per process when ``REDIS_URL`` is set (each process subscribes once
per room it serves). The process then writes the frame straight to its own sockets, without a
consumer handler (and its thread hop) per member.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from config import metrics
from rooms import presence, selectors, wire
from rooms.presence import MemoryStore, PresenceStore, RedisStore, Snapshot, channel_name

if TYPE_CHECKING:
    from rooms.consumers import RoomConsumer

log = logging.getLogger(__name__)

CHAT_PREFIX = '{"type":"chat.message"'
SWEEP_SECONDS = 1.0


def presence_ttl() -> float:
    return float(settings.HADIR_PRESENCE_TTL_SECONDS)


def away_grace() -> float:
    return float(settings.HADIR_PRESENCE_AWAY_SECONDS)


class LocalRoom:
    def __init__(self, room_id: str, closes_at: float | None):
        self.id = room_id
        self.sockets: set[RoomConsumer] = set()
        self.by_attendee: dict[str, set[RoomConsumer]] = {}
        self.closes_at = closes_at
        # This process's subscription to the room's events; every socket waits for it, not only
        # the first, or one attaching meanwhile could miss a chat line published before it.
        self.subscribed: asyncio.Task | None = None
        # The recent chat lines, read once when someone here first enters, then kept up to date
        # from the lines this process delivers (Hub.chat_history); lines delivered while the
        # read is in flight wait in ``chat_meanwhile``.
        self.history: list[str] | None = None
        self.history_read: asyncio.Task | None = None
        self.chat_meanwhile: list[str] = []

    def add(self, socket: RoomConsumer) -> None:
        self.sockets.add(socket)
        self.by_attendee.setdefault(socket.attendee_id, set()).add(socket)

    def discard(self, socket: RoomConsumer) -> None:
        self.sockets.discard(socket)
        mine = self.by_attendee.get(socket.attendee_id)
        if mine is not None:
            mine.discard(socket)
            if not mine:
                del self.by_attendee[socket.attendee_id]

    def of(self, attendee_id: str) -> list[RoomConsumer]:
        return list(self.by_attendee.get(attendee_id, ()))

    def remember_chat(self, frame: str) -> None:
        if self.history is not None:
            self.history.append(frame)
            del self.history[:-selectors.CHAT_HISTORY]
        elif self.history_read is not None:
            self.chat_meanwhile.append(frame)


def chat_id(frame: str) -> int:
    return json.loads(frame)["id"]


class AttendanceWriter:
    """Attendance intervals, written in batches: one trip to the database for the admissions and
    leaves of this process in the last moment. One INSERT per joiner on Daphne's single
    database thread made a join storm wait for the database (bench/README.md). A failed write is
    retried until it succeeds; ``close`` returns a future that resolves once its batch is written.
    """

    # Changes wait this long to share a trip: a row costs 0.7 ms written alone, 0.14 ms in a batch.
    GATHER_SECONDS = 0.05
    RETRY_SECONDS = 1.0

    def __init__(self, hub: Hub):
        self.hub = hub
        self.opened: list[tuple] = []
        self.closed: list[tuple] = []
        self.written: asyncio.Future | None = None
        self.task: asyncio.Task | None = None

    def open(self, *, room_id: str, attendee_id: str) -> uuid.UUID:
        interval_id = uuid.uuid4()
        self.opened.append((interval_id, room_id, attendee_id, timezone.now()))
        self._start()
        return interval_id

    def close(self, interval_id: uuid.UUID) -> asyncio.Future:
        self.closed.append((interval_id, timezone.now()))
        return self._start()

    def _start(self) -> asyncio.Future:
        if self.written is None:
            self.written = self.hub.loop.create_future()
        if self.task is None or self.task.done():
            self.task = self.hub._spawn(self._write())
        return self.written

    async def _write(self) -> None:
        from rooms import services

        await asyncio.sleep(self.GATHER_SECONDS)
        while self.opened or self.closed:
            opened, closed, written = self.opened, self.closed, self.written
            self.opened, self.closed, self.written = [], [], None
            while True:
                try:
                    await database_sync_to_async(services.attendance_record)(
                        instance=self.hub.instance, opened=opened, closed=closed
                    )
                    break
                except Exception:
                    log.exception("writing %d attendance changes failed; retrying", len(opened) + len(closed))
                    await asyncio.sleep(self.RETRY_SECONDS)
            written.set_result(None)


class Hub:
    def __init__(self):
        self.loop = asyncio.get_running_loop()
        self.instance = uuid.uuid4().hex
        self.store = RedisStore(settings.REDIS_URL) if settings.REDIS_URL else MemoryStore()
        self.rooms: dict[str, LocalRoom] = {}
        self._pending: dict[str, set[str]] = {}
        self._snapshots: dict[str, asyncio.Future] = {}
        self.attendance = AttendanceWriter(self)
        self._knocks: list[tuple[selectors.Knock, asyncio.Future]] = []
        self._door: asyncio.Task | None = None
        self._last_flush: dict[str, float] = {}
        self._pubsub = None
        self._listener: asyncio.Task | None = None
        self._last_db_refresh = 0.0
        self._tasks: set[asyncio.Task] = set()
        self._sweeper = self._spawn(self._sweep_forever())

    # --- the door ----------------------------------------------------------------------------

    async def door(self, scope: dict, occurrence_id: str) -> selectors.Entry:
        """The door check of a socket, in one trip to the database for every socket of this
        process that knocks while the previous trip is under way (a join storm's batches)."""
        future = self.loop.create_future()
        self._knocks.append((selectors.Knock(scope, occurrence_id), future))
        if self._door is None or self._door.done():
            self._door = self._spawn(self._open_door())
        return await future

    async def _open_door(self) -> None:
        while self._knocks:
            knocks, self._knocks = self._knocks, []
            waiting = [future for _, future in knocks]
            try:
                entries = await database_sync_to_async(selectors.room_entries)(
                    knocks=[knock for knock, _ in knocks], now=timezone.now()
                )
            except Exception as exc:  # noqa: BLE001 - every socket of the batch gets it
                for future in waiting:
                    if not future.done():  # else the socket went meanwhile
                        future.set_exception(exc)
                continue
            for future, entry in zip(waiting, entries, strict=True):
                if not future.done():
                    future.set_result(entry)

    # --- local sockets ---------------------------------------------------------------------

    async def attach(self, consumer: RoomConsumer, *, closes_at: float | None) -> None:
        room = self.rooms.get(consumer.room_id)
        if room is None:
            room = self.rooms[consumer.room_id] = LocalRoom(consumer.room_id, closes_at)
            if self.store.shared:
                room.subscribed = self._spawn(self._subscribe(consumer.room_id))
        if room.subscribed is not None:
            try:
                await asyncio.shield(room.subscribed)
            except Exception:
                if not room.sockets:  # the next socket starts over
                    self.rooms.pop(consumer.room_id, None)
                raise
        room.add(consumer)

    async def detach(self, consumer: RoomConsumer) -> None:
        room = self.rooms.get(consumer.room_id)
        if room is None:
            return
        room.discard(consumer)
        if not room.sockets:
            del self.rooms[consumer.room_id]
            self._last_flush.pop(consumer.room_id, None)
            if self.store.shared and self._pubsub is not None:
                await self._pubsub.unsubscribe(channel_name(consumer.room_id))

    # --- presence flushes ------------------------------------------------------------------

    def changed(self, room_id: str, *attendee_ids: str) -> None:
        """Record changed attendees; one flush per room per batch window sends their diff."""
        pending = self._pending.get(room_id)
        if pending is not None:
            pending.update(attendee_ids)
            return
        self._pending[room_id] = set(attendee_ids)
        if self.store.shared:
            window = presence.FLUSH_MIN_SECONDS  # Redis paces the room's diffs across all its processes
        else:
            room = self.rooms.get(room_id)
            window = presence.flush_window(len(room.sockets) if room else 0)
        self._flush_in(room_id, self._last_flush.get(room_id, 0.0) + window - time.monotonic())

    def _flush_in(self, room_id: str, wait: float) -> None:
        if wait > 0:
            self.loop.call_later(wait, self._start_flush, room_id, context=contextvars.Context())
        else:
            self.loop.call_soon(self._start_flush, room_id, context=contextvars.Context())

    def _spawn(self, coroutine) -> asyncio.Task:
        # A fresh context: the caller's (a consumer's, or a sync thread's) would carry asgiref's
        # thread-executor markers into the hub's tasks and make database_sync_to_async refuse.
        task = self.loop.create_task(coroutine, context=contextvars.Context())
        self._tasks.add(task)  # a reference, so that a running task is not collected
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_flush(self, room_id: str) -> None:
        self._spawn(self._flush(room_id))

    async def _flush(self, room_id: str) -> None:
        attendee_ids = self._pending.pop(room_id, set())
        self._last_flush[room_id] = time.monotonic()
        if not attendee_ids and not self.store.shared:
            return
        try:
            flushed = await self.store.flush(room=room_id, aids=attendee_ids)
        except Exception:
            log.exception("presence flush failed for room %s", room_id)
            return
        if flushed.retry_after and room_id not in self._pending:
            # The room's window has not passed: the changes wait in the store; flush them then
            # (unless a process that flushes sooner takes them, and this finds nothing left).
            self._pending[room_id] = set()
            self._flush_in(room_id, flushed.retry_after)
        if flushed.diff is not None:
            await self.dispatch(room_id, flushed.diff)

    async def snapshot(self, room_id: str) -> Snapshot:
        """The room's presence now, read once for all of this process's sockets that ask meanwhile.

        In a join storm every joiner needs the whole list; one read per joiner moved the room
        N times over (bench/README.md). A read serves only those who asked before it started:
        they already buffer the diffs that follow it. Later askers share the next read.
        """
        waiting = self._snapshots.get(room_id)
        if waiting is None:
            waiting = self._snapshots[room_id] = self.loop.create_future()
            self._spawn(self._read_snapshot(room_id, waiting))
        return await asyncio.shield(waiting)

    async def _read_snapshot(self, room_id: str, waiting: asyncio.Future) -> None:
        await asyncio.sleep(0)  # the askers of this loop turn join before the read starts
        del self._snapshots[room_id]
        try:
            waiting.set_result(await self.store.snapshot(room=room_id))
        except Exception as exc:  # noqa: BLE001 - every waiting socket gets it
            waiting.set_exception(exc)

    async def chat_history(self, room_id: str, occurrence) -> list[str]:
        """The room's recent chat lines, oldest first, for a socket attached here that enters."""
        room = self.rooms[room_id]
        if room.history is None:
            if room.history_read is None:
                room.history_read = self._spawn(self._read_history(room, occurrence))
            await asyncio.shield(room.history_read)
        return list(room.history)

    async def _read_history(self, room: LocalRoom, occurrence) -> None:
        try:
            frames = await database_sync_to_async(selectors.chat_history)(occurrence=occurrence)
        except Exception:
            room.history_read = None  # the next one to enter reads again
            raise
        last = chat_id(frames[-1]) if frames else 0
        frames += [frame for frame in room.chat_meanwhile if chat_id(frame) > last]
        room.history = frames[-selectors.CHAT_HISTORY:]
        room.chat_meanwhile = []

    # --- publishing and delivery -----------------------------------------------------------

    async def publish(self, room_id: str, envelope: wire.Envelope) -> None:
        if self.store.shared:
            await self.store.publish(room_id, wire.encode(envelope))
        else:
            await self.dispatch(room_id, envelope)

    def publish_threadsafe(self, room_id: str, envelope: wire.Envelope) -> None:
        if self.store.shared:
            self.store.publish_sync(room_id, wire.encode(envelope))
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._spawn(self._dispatch_logged(room_id, envelope))
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._spawn, self._dispatch_logged(room_id, envelope))

    async def _dispatch_logged(self, room_id: str, envelope: wire.Envelope) -> None:
        try:
            await self.dispatch(room_id, envelope)
        except Exception:
            log.exception("room delivery failed")

    async def dispatch(self, room_id: str, envelope: wire.Envelope) -> None:
        """Deliver a room event to this process's sockets of the room."""
        room = self.rooms.get(room_id)
        if room is None or not room.sockets:
            return
        match envelope:
            case wire.Diff(seq_all, seq_public, frame_all, frame_public):
                metrics.PRESENCE_DIFFS.inc()
                for socket in list(room.sockets):
                    if socket.view == "all" and seq_all:
                        await socket.deliver_diff(seq_all, frame_all)
                    elif socket.view == "public" and seq_public:
                        await socket.deliver_diff(seq_public, frame_public)
            case wire.ToAll(close, frame):
                for socket in list(room.sockets):
                    await socket.push_live(frame)
                if close:
                    for socket in list(room.sockets):
                        await socket.close(code=close)
            case wire.ToAdmitted(frame):
                if frame.startswith(CHAT_PREFIX):
                    room.remember_chat(frame)
                for socket in list(room.sockets):
                    if socket.view:
                        await socket.push_live(frame)
            case wire.ToAttendee(attendee, frame):
                for socket in room.of(attendee):
                    if socket.view:
                        await socket.push_live(frame)
            case wire.Admit(attendee):
                for socket in room.of(attendee):
                    await socket.admitted_now()
            case wire.Close(code, attendee):
                for socket in room.of(attendee) if attendee else list(room.sockets):
                    await socket.close(code=code)
            case wire.Deny(attendee, frame):
                for socket in room.of(attendee):
                    await socket.push(frame)
                    await socket.close(code=4403)

    # --- the sweeper -----------------------------------------------------------------------

    async def _sweep_forever(self) -> None:
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
            self.changed(room_id, *attendee_ids)
        for room in list(self.rooms.values()):
            if room.closes_at is not None and now >= room.closes_at:
                for socket in list(room.sockets):
                    await socket.close(code=4410)
        if now - self._last_db_refresh >= presence_ttl() / 3:
            self._last_db_refresh = now
            from rooms import services

            await database_sync_to_async(services.attendance_sweep)(instance=self.instance, ttl=presence_ttl())

    # --- Redis pub/sub ---------------------------------------------------------------------

    async def _subscribe(self, room_id: str) -> None:
        if self._pubsub is None:
            self._pubsub = self.store.redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(channel_name(room_id))
        if self._listener is None or self._listener.done():
            self._listener = self._spawn(self._listen())

    async def _listen(self) -> None:
        prefix_length = len(channel_name(""))
        while True:
            try:
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
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
            await self._dispatch_logged(channel[prefix_length:], envelope)

    async def close(self) -> None:
        """Stop the background work and let go of Redis (tests start a hub per event loop)."""
        if self.attendance.task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self.attendance.task), 5)
        for task in (self._sweeper, self._listener):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._pubsub is not None:
            await self._pubsub.aclose()
        if self.store.shared:
            await self.store.redis.aclose()


_hub: Hub | None = None
_sync_store = None


def get_hub() -> Hub:
    """The process's hub: started with the server (``config.asgi``), else by the first consumer; a new
    one per event loop, as in tests."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = Hub()
    return _hub


def current_hub() -> Hub | None:
    if _hub is not None and not _hub.loop.is_closed():
        return _hub
    return None


def store_for_sync() -> PresenceStore:
    """The presence store, for sync code (selectors, services) running outside the event loop."""
    global _sync_store
    hub = current_hub()
    if hub is not None:
        return hub.store
    if settings.REDIS_URL:
        if _sync_store is None:
            _sync_store = RedisStore(settings.REDIS_URL)
        return _sync_store
    return MemoryStore()


def publish_from_sync(room_id: str, envelope: wire.Envelope) -> None:
    """Tell every process serving the room, from sync code (a service's on_commit)."""
    hub = current_hub()
    if hub is not None:
        hub.publish_threadsafe(room_id, envelope)
    elif settings.REDIS_URL:
        store_for_sync().publish_sync(room_id, wire.encode(envelope))
