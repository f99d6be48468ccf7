"""This process's sockets of each room, and delivery of a room event to them.

A room event arrives once per process (``fanout``) as a ``rooms.wire`` envelope whose frames were
encoded once; here it is written straight to the room's own sockets. No consumer handler runs per
member per message: Channels' thread hop before each handler alone turned a room of 200 at 20
chat lines/s from p99 79 ms into p99 2.9 s (DESIGN.md, "Real time").
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol

from config import metrics
from rooms import wire
from rooms.live.chat import CHAT_PREFIX, ChatHistory

if TYPE_CHECKING:
    from rooms.live.fanout import LocalFanout
    from rooms.live.tasks import Tasks


class Socket(Protocol):
    """What the hub needs of a room's socket (``rooms.consumers.RoomConsumer``)."""

    room_id: str
    attendee_id: str
    view: str | None  # "all" (moderators), "public" (other admitted people) or None (lobby)

    async def push(self, frame: str) -> None: ...

    async def push_live(self, frame: str) -> None:
        """A room event: held while the socket enters, else sent."""

    async def deliver_diff(self, seq: int, frame: str) -> None: ...

    async def admitted_now(self) -> None: ...

    async def audience_now(self, audience: bool) -> None:
        """A moderator moved the attendee into the audience, or out of it (a speaker now)."""

    async def close(self, code: int | None = None) -> None: ...


class LocalRoom:
    def __init__(self, room_id: str, closes_at: float | None):
        self.id = room_id
        self.sockets: set[Socket] = set()
        self.by_attendee: dict[str, set[Socket]] = {}
        self.closes_at = closes_at
        # This process's subscription to the room's events; every socket waits for it, not only
        # the first, or one attaching meanwhile could miss a chat line published before it.
        self.subscribed: asyncio.Task | None = None
        self.chat = ChatHistory()

    def add(self, socket: Socket) -> None:
        self.sockets.add(socket)
        self.by_attendee.setdefault(socket.attendee_id, set()).add(socket)

    def discard(self, socket: Socket) -> None:
        self.sockets.discard(socket)
        mine = self.by_attendee.get(socket.attendee_id)
        if mine is not None:
            mine.discard(socket)
            if not mine:
                del self.by_attendee[socket.attendee_id]

    def of(self, attendee_id: str) -> list[Socket]:
        return list(self.by_attendee.get(attendee_id, ()))

    def remember_chat(self, frame: str) -> None:
        self.chat.remember(frame)


class Registry:
    def __init__(self, tasks: Tasks, fanout: LocalFanout):
        self.tasks = tasks
        self.fanout = fanout
        self.rooms: dict[str, LocalRoom] = {}

    async def attach(self, socket: Socket, *, closes_at: float | None) -> None:
        room = self.rooms.get(socket.room_id)
        if room is None:
            room = self.rooms[socket.room_id] = LocalRoom(socket.room_id, closes_at)
            if self.fanout.subscribes:
                room.subscribed = self.tasks.spawn(self.fanout.subscribe(socket.room_id))
        if room.subscribed is not None:
            try:
                await asyncio.shield(room.subscribed)
            except Exception:
                if not room.sockets:  # the next socket starts over
                    self.rooms.pop(socket.room_id, None)
                raise
        room.add(socket)

    def detach(self, socket: Socket) -> bool:
        """Whether that was the room's last socket here (the room is then forgotten)."""
        room = self.rooms.get(socket.room_id)
        if room is None:
            return False
        room.discard(socket)
        if room.sockets:
            return False
        del self.rooms[socket.room_id]
        return True

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
            case wire.Listen(attendee, audience):
                for socket in room.of(attendee):
                    await socket.audience_now(bool(audience))
            case wire.Close(code, attendee):
                for socket in room.of(attendee) if attendee else list(room.sockets):
                    await socket.close(code=code)
            case wire.Deny(attendee, frame):
                for socket in room.of(attendee):
                    await socket.push(frame)
                    await socket.close(code=4403)
