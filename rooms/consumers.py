"""`/ws/rooms/<occurrence_id>/`: parse, authorise, call one service, answer (PROTOCOL.md).

Room events reach this socket through the process's hub (``rooms.hub``), which writes
pre-encoded frames with ``push``; no consumer handler runs per member per message.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import time
import uuid

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.sessions import InstanceSessionWrapper
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from config.consumers import internal_error
from rooms import selectors, services, wire
from rooms.errors import Forbidden, Invalid, RoomError
from rooms.hub import CHAT_PREFIX, away_grace, chat_id, get_hub
from rooms.presence import MEDIA_FLAGS
from scheduling.models import Attendee
from scheduling.text import has_control_characters

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
MAX_CONNECTIONS_PER_ATTENDEE = 5
RATE_PER_SECOND = 20.0
# Refused messages within the window after which the socket is closed with 4429.
RATE_STRIKES, RATE_STRIKE_WINDOW = 20, 2.0


class RoomConsumer(AsyncWebsocketConsumer):
    # No channel-layer channel per socket: room events come through the hub (see rooms.hub), and a
    # pending layer receive per connection only costs memory (and, on Redis, a poller's work).
    channel_layer_alias = None
    attendee_id = ""
    room_id = ""
    view = None  # "all" (moderators), "public" (other admitted people) or None (lobby)
    joined = False
    held = None
    media_mode = None  # "mesh" or "link", looked up on the first media.state
    strikes = None  # times of refused messages, for closing a flooding socket

    async def __call__(self, scope, receive, send):
        # The leave path runs however the socket ends: a close, a failure, or a cancel by the server.
        # Without it a socket that failed stayed "present", with its attendance open and counted
        # against the attendee's connections, until the process restarted.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._leave()

    async def dispatch(self, message):
        # Skip Channels' per-message hop to a thread that closes stale DB connections: every
        # handler here that touches the database goes through database_sync_to_async, which does it.
        handler = getattr(self, f"{message['type'].replace('.', '_')}", None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # --- connection --------------------------------------------------------------------------

    async def websocket_connect(self, message):
        try:
            await self.connect()
        except Exception:
            log.exception("a socket of room %s failed while connecting", self.room_id)
            await self._leave()
            await self.close(code=1011)

    async def connect(self):
        # Frames skip Channels' session wrapper: it reads the session on every message but only
        # ever saves it on an HTTP response, and that was a tenth of a frame's cost on Daphne.
        wrapper = getattr(self.base_send, "__self__", None)
        self.send_frame = wrapper.real_send if isinstance(wrapper, InstanceSessionWrapper) else self.base_send
        await self.accept()
        self.room_id = str(self.scope["url_route"]["kwargs"]["occurrence_id"])
        self.hub = get_hub()
        entry = await self.hub.door(self.scope, self.room_id)
        if entry.close:
            await self.close(code=entry.close)
            return
        self.entry, self.attendee_id = entry, str(entry.attendee.pk)
        self.language = _language(self.scope, entry.attendee)
        self.seq, self.buffer, self.syncing = 0, [], False
        self.tokens, self.last_refill = RATE_PER_SECOND, time.monotonic()
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
        count = await self.hub.store.join(
            room=self.room_id, aid=self.attendee_id, conn=self.conn, instance=self.hub.instance,
            info=entry.info, admitted=entry.admitted,
        )
        if count > MAX_CONNECTIONS_PER_ATTENDEE:
            await self._leave()
            await self.close(code=4429)
            return
        await self.send_json(self._hello(entry, connections=count))
        self.hub.changed(self.room_id, self.attendee_id)
        if entry.admitted:
            await self._enter()
        else:
            await self.send_json({"type": "lobby.waiting"})

    def _hello(self, entry, *, connections: int) -> dict:
        with translation.override(self.language):
            return selectors.room_hello(entry, connections=connections)

    async def _enter(self):
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

    async def admitted_now(self):
        """A moderator let this attendee in (told by the hub, on whichever process they decided)."""
        if self.view is not None:
            return
        self.entry.admitted = True
        if await self.hub.store.admit(room=self.room_id, aid=self.attendee_id):
            self.hub.changed(self.room_id, self.attendee_id)
        await self.send_json({"type": "lobby.admitted"})
        await self._enter()

    async def disconnect(self, code):
        await self._leave()

    async def _leave(self):
        if not self.joined:
            return
        self.joined = False
        try:
            await self.hub.detach(self)
            if await self.hub.store.leave(
                room=self.room_id, aid=self.attendee_id, conn=self.conn, instance=self.hub.instance,
                grace=away_grace(),
            ):
                self.hub.changed(self.room_id, self.attendee_id)
        finally:
            if self.interval_id is not None:
                await asyncio.shield(self.hub.attendance.close(self.interval_id))

    # --- delivery (called by the hub) ----------------------------------------------------------

    async def push(self, frame: str):
        try:
            await self.send_frame({"type": "websocket.send", "text": frame})
        except (Disconnected, OSError):
            # Closed under us (its disconnect runs next): the hub's delivery of this frame to the
            # room's other sockets must go on. Daphne raises Disconnected, uvicorn ClientDisconnected
            # (an OSError).
            log.debug("frame for a closed socket of room %s dropped", self.room_id)

    async def push_live(self, frame: str):
        """A room event (chat, status, signal) from the hub: held while entering, else sent."""
        if self.held is not None:
            self.held.append(frame)
        else:
            await self.push(frame)

    async def send_json(self, content: dict):
        await self.push(json.dumps(content, ensure_ascii=False, separators=(",", ":")))

    async def deliver_diff(self, seq: int, frame: str):
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

    async def resync(self):
        if self.syncing or self.view is None:
            return
        self.syncing, self.buffer = True, []
        await self._send_snapshot()

    async def _send_snapshot(self):
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

    async def receive(self, text_data=None, bytes_data=None):
        if not self.joined:
            return
        try:
            await self._receive(text_data if text_data is not None else bytes_data)
        except Exception:
            # Not the client's fault (a database that refuses writes, a bug): say so, keep the socket.
            log.exception("a message in room %s failed", self.room_id)
            with translation.override(self.language):
                await self.send_json(internal_error())

    async def _receive(self, raw: str | bytes):
        if not await self._allowed_now():
            return
        if len(raw) > MAX_MESSAGE_BYTES // 4 and len(raw.encode() if isinstance(raw, str) else raw) > MAX_MESSAGE_BYTES:
            await self.error("too_large", _("The message is larger than 64 KiB."))
            return
        try:
            message = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            await self.error("bad_json", _("The message is not valid JSON."))
            return
        except RecursionError:
            await self.error("bad_json", _("The message is nested too deeply."))
            return
        if not isinstance(message, dict):
            await self.error("bad_json", _("A message must be a JSON object with a “type”."))
            return
        handler = HANDLERS.get(message.get("type")) if isinstance(message.get("type"), str) else None
        if handler is None:
            await self.error("unknown_type", _("Unknown message type."))
            return
        try:
            with translation.override(self.language):
                await handler(self, message)
        except RoomError as exc:
            await self.error(exc.code, exc.message)

    async def _allowed_now(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_PER_SECOND, self.tokens + (now - self.last_refill) * RATE_PER_SECOND)
        self.last_refill = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        if self.strikes is None:  # made on the first refusal: most sockets never get one (~0.6 KiB each)
            self.strikes = collections.deque()
        self.strikes.append(now)
        while self.strikes and self.strikes[0] < now - RATE_STRIKE_WINDOW:
            self.strikes.popleft()
        if len(self.strikes) > RATE_STRIKES:
            await self.close(code=4429)
        else:
            await self.error("rate_limited", _("Too many messages; slow down."))
        return False

    async def error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": str(message)})

    def require_admitted(self, action: str | None = None):
        if self.view is None:
            raise Forbidden(_("Wait until a moderator lets you in."))
        if action is not None and not self.entry.may.get(action, False):
            raise Forbidden(_("Your role may only listen in this room."))

    def require_moderator(self):
        if not self.entry.moderator:
            raise Forbidden(_("Only the room's moderators may do this."))


def _language(scope, attendee) -> str:
    from django.conf import settings

    cookies = scope.get("cookies") or {}
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME) or attendee.language or settings.LANGUAGE_CODE
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _text(message: dict, key: str, *, limit: int = 2000) -> str:
    value = message.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(_("“%(field)s” must be text of at most %(count)d characters.") % {"field": key, "count": limit})
    if has_control_characters(value, multiline=True):
        raise Invalid(_("“%(field)s” may not contain control characters.") % {"field": key})
    return value


async def _attendee_in_room(consumer: RoomConsumer, message: dict) -> Attendee:
    participant = message.get("participant")
    try:
        key = uuid.UUID(str(participant))
    except ValueError:
        raise Invalid(_("“participant” must be a participant id.")) from None
    attendee = await database_sync_to_async(
        Attendee.objects.select_related("event").filter(pk=key, event_id=consumer.entry.occurrence.event_id).first
    )()
    if attendee is None:
        raise Invalid(_("No such participant in this room."))
    return attendee


# --- handlers: one per client message type ---------------------------------------------------------

async def heartbeat(consumer: RoomConsumer, message: dict):
    """Nothing to do: the process's own heartbeat keeps its connections listed, and Daphne's
    WebSocket pings close sockets whose peer vanished (their ``disconnect`` then runs)."""


async def presence_sync(consumer: RoomConsumer, message: dict):
    consumer.require_admitted()
    await consumer.resync()


async def chat_send(consumer: RoomConsumer, message: dict):
    consumer.require_admitted("chat")
    text = message.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= services.CHAT_MAX_LENGTH or not text.strip():
        raise Invalid(_("A chat message has 1 to 2000 characters."))
    if has_control_characters(text, multiline=True):
        raise Invalid(_("A chat message may not contain control characters."))
    await database_sync_to_async(services.chat_send)(
        occurrence=consumer.entry.occurrence, attendee=consumer.entry.attendee, text=text,
        moderator=consumer.entry.moderator,
    )


async def _hand(consumer: RoomConsumer, raised: bool):
    consumer.require_admitted("hand")
    if await consumer.hub.store.set_hand(room=consumer.room_id, aid=consumer.attendee_id, raised=raised):
        consumer.hub.changed(consumer.room_id, consumer.attendee_id)


async def hand_raise(consumer: RoomConsumer, message: dict):
    await _hand(consumer, True)


async def hand_lower(consumer: RoomConsumer, message: dict):
    await _hand(consumer, False)


async def lobby_admit(consumer: RoomConsumer, message: dict):
    consumer.require_moderator()
    attendee = await _attendee_in_room(consumer, message)
    await database_sync_to_async(services.lobby_admit)(
        occurrence=consumer.entry.occurrence, attendee=attendee, by=consumer.entry.attendee,
        reason=_text(message, "reason"),
    )


MAX_ADMIT_AT_ONCE = 500


async def lobby_admit_all(consumer: RoomConsumer, message: dict):
    """Let several in at once: those in ``participants`` (a witness and their interpreter, on
    purpose), or without it everyone waiting now, where the room's policy allows (a class)."""
    consumer.require_moderator()
    listed, reason = message.get("participants"), _text(message, "reason")
    if listed is None:
        await database_sync_to_async(services.lobby_admit_waiting)(
            occurrence=consumer.entry.occurrence, by=consumer.entry.attendee, reason=reason,
        )
        return
    try:
        keys = {uuid.UUID(str(p)) for p in listed} if isinstance(listed, list) else set()
    except ValueError:
        keys = set()
    if not 1 <= len(keys) <= MAX_ADMIT_AT_ONCE or len(keys) != len(listed):
        raise Invalid(
            _("“participants” must be a list of 1 to %(count)d participant ids.") % {"count": MAX_ADMIT_AT_ONCE}
        )
    attendees = await database_sync_to_async(
        lambda: list(Attendee.objects.select_related("event").filter(pk__in=keys,
                                                                      event_id=consumer.entry.occurrence.event_id))
    )()
    if len(attendees) != len(keys):
        raise Invalid(_("No such participant in this room."))
    await database_sync_to_async(services.lobby_admit_many)(
        occurrence=consumer.entry.occurrence, attendees=attendees, by=consumer.entry.attendee, reason=reason,
    )


async def lobby_deny(consumer: RoomConsumer, message: dict):
    consumer.require_moderator()
    attendee = await _attendee_in_room(consumer, message)
    reason = _text(message, "reason")
    await database_sync_to_async(services.lobby_deny)(
        occurrence=consumer.entry.occurrence, attendee=attendee, by=consumer.entry.attendee, reason=reason
    )
    if await consumer.hub.store.drop(room=consumer.room_id, aid=str(attendee.pk)):
        consumer.hub.changed(consumer.room_id, str(attendee.pk))


async def room_set_status(consumer: RoomConsumer, message: dict):
    consumer.require_moderator()
    status = message.get("status")
    if not isinstance(status, str):
        raise Invalid(_("“status” is required."))
    next_at = None
    if message.get("next_at"):
        try:
            next_at = parse_datetime(message["next_at"]) if isinstance(message["next_at"], str) else None
        except ValueError:
            next_at = None
        if next_at is None:
            raise Invalid(_("“next_at” must be a date and time (ISO 8601); without an offset it is read in the "
                            "session's time zone."))
    await database_sync_to_async(services.room_status_set)(
        occurrence=consumer.entry.occurrence, status=status, by=consumer.entry.attendee,
        reason=_text(message, "reason"), next_at=next_at,
    )


async def signal(consumer: RoomConsumer, message: dict):
    consumer.require_admitted("signal")
    target, data = message.get("to"), message.get("data")
    if not isinstance(target, str) or not isinstance(data, dict):
        raise Invalid(_("A signal needs “to” (a participant id) and “data” (an object)."))
    if target == consumer.attendee_id or target not in await consumer.hub.store.present(room=consumer.room_id):
        raise Invalid(_("That participant is not in the room."))
    frame = json.dumps({"type": "signal", "from": consumer.attendee_id, "data": data}, separators=(",", ":"))
    await consumer.hub.publish(consumer.room_id, wire.ToAttendee(attendee=target, frame=frame))


async def media_state(consumer: RoomConsumer, message: dict):
    """Join or leave the built-in call, turn camera or microphone on or off (shown in presence)."""
    consumer.require_admitted("signal")
    values = {flag: message.get(flag, False) for flag in MEDIA_FLAGS}
    if not all(isinstance(value, bool) for value in values.values()):
        raise Invalid(_("“media”, “camera” and “microphone” must be true or false."))
    if values["media"] and not await _built_in_media(consumer):
        raise Invalid(_("This room uses an external video service."))
    if values["camera"] and consumer.entry.policy.audio_only(consumer.entry.attendee):
        raise Invalid(_("Your role takes part with audio only."))
    flags = frozenset(flag for flag, on in values.items() if on) if values["media"] else frozenset()
    if await consumer.hub.store.set_media(room=consumer.room_id, aid=consumer.attendee_id, flags=flags):
        consumer.hub.changed(consumer.room_id, consumer.attendee_id)


async def _built_in_media(consumer: RoomConsumer) -> bool:
    if consumer.media_mode is None:
        setup = await database_sync_to_async(selectors.media_setup)(
            occurrence=consumer.entry.occurrence, attendee=consumer.entry.attendee, policy=consumer.entry.policy,
        )
        consumer.media_mode = setup["mode"]
    return consumer.media_mode == "mesh"


async def media_mute_request(consumer: RoomConsumer, message: dict):
    """A moderator asks a participant to turn their microphone off (the participant's page does it)."""
    consumer.require_moderator()
    target = message.get("participant")
    if not isinstance(target, str) or target == consumer.attendee_id or target not in await consumer.hub.store.present(
        room=consumer.room_id
    ):
        raise Invalid(_("That participant is not in the room."))
    frame = json.dumps({"type": "media.mute_request", "from": consumer.attendee_id}, separators=(",", ":"))
    await consumer.hub.publish(consumer.room_id, wire.ToAttendee(attendee=target, frame=frame))


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
    "media.state": media_state,
    "media.mute_request": media_mute_request,
}
