"""`/ws/rooms/<occurrence_id>/`: parse, authorise, call one service, answer (PROTOCOL.md).

The socket's side of the room: entering (the door, presence, the snapshot and chat history), the
delivery the hub calls (``push``, ``deliver_diff``: pre-encoded frames, no consumer handler per
member per message), and one handler per client message type (``HANDLERS``). What a message may
hold is read by ``rooms.messages``; presence writes go through ``rooms.live.presence``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext as _

from config.consumers import internal_error
from rooms import messages, selectors, services, wire
from rooms.audience import AUDIENCE_HANDLERS, audience_moved
from rooms.errors import Forbidden, Invalid, RoomError
from rooms.live.chat import CHAT_PREFIX, chat_id
from rooms.live.frames import direct_writer, shed_handshake
from rooms.live.hub import get_hub
from rooms.live.presence import (
    MAX_CONNECTIONS_PER_ATTENDEE,
    presence_admit,
    presence_drop,
    presence_hand_set,
    presence_join,
    presence_leave,
)
from rooms.media_messages import MEDIA_HANDLERS
from rooms.sessions import language_for
from scheduling.models import Attendee

log = logging.getLogger(__name__)


class RoomConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: room events come through the hub (see rooms.live), and a
    # pending layer receive per connection only costs memory (and, on Redis, a poller's work).
    channel_layer_alias = None
    attendee_id = ""
    room_id = ""
    view: str | None = None  # "all" (moderators), "public" (other admitted people) or None (lobby)
    joined = False
    held: list[str] | None = None  # live room events held while entering
    media_mode: str | None = None  # "mesh" or "link", looked up on the first media.state
    buffer: list[tuple[int, str]]  # diffs (seq, frame) that wait for the snapshot being sent
    interval_id: uuid.UUID | None = None  # the attendance interval, once admitted
    write_frame: Callable[[str], bool] | None = None

    async def __call__(
        self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]
    ) -> None:
        # Channels' loop (``await_many_dispatch``) keeps a task and a wait per socket, for sources
        # this consumer does not have (no channel layer, see above): one ``receive`` is awaited.
        self.scope, self.base_send = scope, send
        # The leave path runs however the socket ends: a close, a failure, or a cancel by the server.
        # Without it a socket that failed stayed "present", with its attendance open and counted
        # against the attendee's connections, until the process restarted.
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            await self._leave()

    async def dispatch(self, message: dict) -> None:
        # Skip Channels' per-message hop to a thread that closes stale DB connections: every
        # handler here that touches the database goes through database_sync_to_async, which does it.
        handler = getattr(self, f"{message['type'].replace('.', '_')}", None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection --------------------------------------------------------------------------

    async def websocket_connect(self, message: dict) -> None:
        try:
            await self.connect()
        except Exception:
            log.exception("a socket of room %s failed while connecting", self.room_id)
            await self._leave()
            await self.close(code=1011)

    async def connect(self) -> None:
        self.send_frame = getattr(self.base_send, "frames", self.base_send)  # skips config.logs.LogIds' wrapper
        self.write_frame = direct_writer(self.send_frame)  # Daphne: frames framed once, written directly
        await self.accept()
        shed_handshake(self.send_frame)
        self.room_id = str(self.scope["url_route"]["kwargs"]["occurrence_id"])
        self.hub = get_hub()
        entry = await self.hub.door(self.scope, self.room_id)
        if isinstance(entry, selectors.Refused):
            await self.close(code=entry.close)
            return
        self.entry, self.attendee_id = entry, str(entry.attendee.pk)
        self.language = language_for(self.scope, entry.attendee)
        self.seq, self.buffer, self.syncing = 0, [], False
        self.rate = messages.RateLimit()
        self.interval_id = None
        if entry.denied_reason is not None:
            await self.send_json(self._hello(entry, connections=0))
            await self.send_json({"type": "lobby.denied", "reason": entry.denied_reason})
            await self.close(code=4403)
            return
        self.conn = uuid.uuid4().hex
        closes_at = entry.closes_at.timestamp() if entry.closes_at else None
        await self.hub.attach(self, closes_at=closes_at)
        self.joined = True
        count = await presence_join(
            hub=self.hub, room_id=self.room_id, attendee_id=self.attendee_id, conn=self.conn, info=entry.info,
            admitted=entry.admitted, audience=entry.audience,
        )
        if count > MAX_CONNECTIONS_PER_ATTENDEE:
            await self._leave()
            await self.close(code=4429)
            return
        await self.send_json(self._hello(entry, connections=count))
        if entry.admitted:
            await self._enter()
        else:
            await self.send_json({"type": "lobby.waiting"})

    def _hello(self, entry: selectors.Entry, *, connections: int) -> dict:
        with translation.override(self.language):
            return selectors.room_hello(entry, connections=connections)

    async def _enter(self) -> None:
        """Start receiving the room: presence.state, then the recent chat, then live events."""
        self.view = "all" if self.entry.moderator else "public"
        self.syncing, self.buffer = True, []  # diffs wait until the snapshot they follow is sent
        self.held = []  # live room events wait behind the snapshot and the chat history
        self.interval_id = self.hub.attendance.open(room_id=self.room_id, attendee_id=self.attendee_id)
        await self._send_snapshot()
        history = await self.hub.chat_history(self.room_id, self.entry.occurrence)
        if not self.joined:  # the socket went meanwhile
            return
        for frame in history:
            await self.push(frame)
        last_id = chat_id(history[-1]) if history else 0
        held, self.held = self.held, None
        for frame in held:
            if frame.startswith(CHAT_PREFIX) and chat_id(frame) <= last_id:
                continue  # already in the history
            await self.push(frame)

    async def admitted_now(self) -> None:
        """A moderator let this attendee in (told by the hub, on whichever process they decided)."""
        if self.view is not None:
            return
        self.entry.admitted = True
        await presence_admit(hub=self.hub, room_id=self.room_id, attendee_id=self.attendee_id)
        await self.send_json({"type": "lobby.admitted"})
        await self._enter()

    async def audience_now(self, audience: bool) -> None:
        await audience_moved(self, audience)

    async def disconnect(self, code: int) -> None:
        await self._leave()

    async def _leave(self) -> None:
        if not self.joined:
            return
        self.joined = False
        try:
            await self.hub.detach(self)
            await presence_leave(hub=self.hub, room_id=self.room_id, attendee_id=self.attendee_id, conn=self.conn,
                                 audience=self.entry.audience)
        finally:
            if self.interval_id is not None:
                await asyncio.shield(self.hub.attendance.close(self.interval_id))

    # --- delivery (called by the hub) ----------------------------------------------------------

    async def push(self, frame: str) -> None:
        if self.write_frame is not None and self.write_frame(frame):
            return
        try:
            await self.send_frame({"type": "websocket.send", "text": frame})
        except (Disconnected, OSError):
            # Closed under us (its disconnect runs next): the hub's delivery of this frame to the
            # room's other sockets must go on. Daphne raises Disconnected, uvicorn ClientDisconnected
            # (an OSError).
            log.debug("frame for a closed socket of room %s dropped", self.room_id)

    async def push_live(self, frame: str) -> None:
        """A room event (chat, status, signal) from the hub: held while entering, else sent."""
        if self.held is not None:
            self.held.append(frame)
        else:
            await self.push(frame)

    async def send_json(self, content: dict) -> None:
        await self.push(json.dumps(content, ensure_ascii=False, separators=(",", ":")))

    async def deliver_diff(self, seq: int, frame: str) -> None:
        if self.syncing:
            self.buffer.append((seq, frame))
        elif seq == self.seq + 1:
            self.seq = seq
            await self.push(frame)
        elif seq > self.seq + 1 and self.view is not None:
            # A diff went missing: the whole list again, then go on. In its own task, so that the
            # hub's delivery to the room's other sockets does not wait for the snapshot.
            self.syncing, self.buffer = True, [(seq, frame)]
            self.sync_task = asyncio.ensure_future(self._send_snapshot())

    async def resync(self) -> None:
        if self.syncing or self.view is None:
            return
        self.syncing, self.buffer = True, []
        await self._send_snapshot()

    async def _send_snapshot(self) -> None:
        try:
            snapshot = await self.hub.snapshot(self.room_id)
            self.seq, frame = snapshot.frame(moderator=self.view == "all")
            await self.push(frame)
        finally:
            self.syncing = False
        buffered, self.buffer = self.buffer, []
        for seq, frame in sorted(buffered):
            await self.deliver_diff(seq, frame)

    # --- client messages -----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.joined:
            return
        try:
            await self._receive(text_data if text_data is not None else bytes_data or b"")
        except Exception:
            # Not the client's fault (a database that refuses writes, a bug): say so, keep the socket.
            log.exception("a message in room %s failed", self.room_id)
            with translation.override(self.language):
                await self.send_json(internal_error())

    async def _receive(self, raw: str | bytes) -> None:
        verdict = self.rate.take()
        if verdict == "close":
            await self.close(code=4429)
            return
        try:
            if verdict == "refused":
                raise Invalid(_("Too many messages; slow down."), code="rate_limited")
            message = messages.parse(raw)
            kind = message.get("type")
            handler = HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise Invalid(_("Unknown message type."), code="unknown_type")
            with translation.override(self.language):
                await handler(self, message)
        except RoomError as exc:
            await self.error(exc.code, exc.message)

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": str(message)})

    def require_admitted(self, action: str | None = None) -> None:
        if self.view is None:
            raise Forbidden(_("Wait until a moderator lets you in."))
        if action is not None and not self.entry.may.get(action, False):
            raise Forbidden(_("Your role may only listen in this room."))

    def require_moderator(self) -> None:
        if not self.entry.moderator:
            raise Forbidden(_("Only the room's moderators may do this."))

    async def require_present(self, target: object) -> str:
        """``target``, another participant with a live connection in the room."""
        if not isinstance(target, str) or target == self.attendee_id or target not in await self.hub.store.present(
            room=self.room_id
        ):
            raise Invalid(_("That participant is not in the room."))
        return target

    async def invited(self, message: dict) -> Attendee:
        attendee = await database_sync_to_async(selectors.invited_attendee)(
            self.entry.occurrence, messages.participant_id(message)
        )
        if attendee is None:
            raise Invalid(_("No such participant in this room."))
        return attendee

    async def tell(self, target: str, frame: dict) -> None:
        """A frame for one participant's sockets, on whichever process they are."""
        encoded = json.dumps(frame, separators=(",", ":"))
        await self.hub.publish(self.room_id, wire.ToAttendee(attendee=target, frame=encoded))


# --- handlers: one per client message type: read it, authorise, call one service ------------------

async def heartbeat(consumer: RoomConsumer, message: dict) -> None:
    """Nothing to do: the process's own heartbeat keeps its connections listed, and Daphne's
    WebSocket pings close sockets whose peer vanished (their ``disconnect`` then runs)."""


async def presence_sync(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_admitted()
    await consumer.resync()


async def chat_send(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_admitted("chat")
    text = messages.chat_text(message)
    await database_sync_to_async(services.chat_send)(
        occurrence=consumer.entry.occurrence, attendee=consumer.entry.attendee, text=text,
        moderator=consumer.entry.moderator,
    )


async def hand_raise(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_admitted("hand")
    await presence_hand_set(hub=consumer.hub, room_id=consumer.room_id, attendee_id=consumer.attendee_id, raised=True)


async def hand_lower(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_admitted("hand")
    await presence_hand_set(hub=consumer.hub, room_id=consumer.room_id, attendee_id=consumer.attendee_id, raised=False)


async def lobby_admit(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_moderator()
    attendee = await consumer.invited(message)
    await database_sync_to_async(services.lobby_admit)(
        occurrence=consumer.entry.occurrence, attendee=attendee, by=consumer.entry.attendee,
        reason=messages.text(message, "reason"),
    )


async def lobby_admit_all(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_moderator()
    await database_sync_to_async(services.lobby_admit_all)(
        occurrence=consumer.entry.occurrence, attendee_ids=messages.participant_ids(message),
        by=consumer.entry.attendee, reason=messages.text(message, "reason"))


async def lobby_deny(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_moderator()
    attendee = await consumer.invited(message)
    await database_sync_to_async(services.lobby_deny)(
        occurrence=consumer.entry.occurrence, attendee=attendee, by=consumer.entry.attendee,
        reason=messages.text(message, "reason"),
    )
    await presence_drop(hub=consumer.hub, room_id=consumer.room_id, attendee_id=str(attendee.pk))


async def room_set_status(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_moderator()
    status, next_at = messages.status_change(message)
    await database_sync_to_async(services.room_status_set)(
        occurrence=consumer.entry.occurrence, status=status, by=consumer.entry.attendee,
        reason=messages.text(message, "reason"), next_at=next_at)


async def signal(consumer: RoomConsumer, message: dict) -> None:
    consumer.require_admitted("signal")
    target, data = messages.signal(message)
    await consumer.require_present(target)
    await consumer.tell(target, {"type": "signal", "from": consumer.attendee_id, "data": data})


HANDLERS = {
    "heartbeat": heartbeat,
    "presence.sync": presence_sync,
    "chat.send": chat_send,
    "hand.raise": hand_raise,
    "hand.lower": hand_lower,
    "lobby.admit": lobby_admit,
    "lobby.admit_all": lobby_admit_all,
    "lobby.deny": lobby_deny,
    "room.set_status": room_set_status,
    "signal": signal,
    **MEDIA_HANDLERS,
    **AUDIENCE_HANDLERS,
}
