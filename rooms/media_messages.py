"""Audio and video on the socket: the built-in call's flags, a moderator's "please mute", and the
media server's ticket and mute (issue 20). Handlers of ``rooms.consumers.HANDLERS`` (``consumer`` is
its ``RoomConsumer``, typed ``Any``: it imports this module), kept apart to keep the consumer under
400 lines, as ``rooms.audience`` is.
"""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from rooms import messages, selectors
from rooms.errors import Invalid
from rooms.live.presence import presence_media_set, presence_quality_set
from rooms.policies import MediaEngine, media_engine


async def media_state(consumer: Any, message: dict) -> None:
    """Join or leave the built-in call, turn camera or microphone on or off (shown in presence)."""
    consumer.require_admitted("signal")
    values = messages.media_flags(message)
    if values["media"] and await _media_mode(consumer) not in ("mesh", "janus"):
        raise Invalid(_("This room uses an external video service."))
    if values["camera"] and consumer.entry.policy.audio_only(consumer.entry.attendee):
        raise Invalid(_("Your role takes part with audio only."))
    flags = frozenset(flag for flag, on in values.items() if on) if values["media"] else frozenset()
    await presence_media_set(hub=consumer.hub, room_id=consumer.room_id, attendee_id=consumer.attendee_id, flags=flags)


async def _media_mode(consumer: Any) -> str:
    if consumer.media_mode is None:
        consumer.media_mode = await database_sync_to_async(selectors.media_mode)(
            consumer.entry.occurrence, consumer.entry.policy,
        )
    return consumer.media_mode


async def _engine(consumer: Any) -> MediaEngine:
    engine = media_engine()
    if engine is None or await _media_mode(consumer) != engine.mode:
        raise Invalid(_("This room has no audio and video server."))
    return engine


async def media_ticket(consumer: Any, message: dict) -> None:
    """This person's ticket to the room's media server (listen-only roles get one that only receives)."""
    consumer.require_admitted()
    engine = await _engine(consumer)
    ticket = await database_sync_to_async(engine.ticket)(
        occurrence=consumer.entry.occurrence, attendee=consumer.entry.attendee, policy=consumer.entry.policy,
        moderator=consumer.entry.moderator,
    )
    await consumer.send_json({"type": "media.ticket", **ticket})


async def media_audio_only(consumer: Any, message: dict) -> None:
    """Low-bandwidth mode on or off: this person's page receives one mixed audio stream instead of
    everyone's audio and video (``feed``: the page's own publisher, left out of its mix)."""
    consumer.require_admitted()
    on = message.get("on")
    if not isinstance(on, bool):
        raise Invalid(_("“on” must be true or false."))
    engine = await _engine(consumer)
    answer = await database_sync_to_async(engine.audio_only)(
        occurrence=consumer.entry.occurrence, attendee=consumer.entry.attendee, on=on, feed=message.get("feed"),
    )
    await consumer.send_json({"type": "media.audio_only", **answer})


async def media_mute(consumer: Any, message: dict) -> None:
    """A moderator mutes (or lets through again) a participant's microphone for everyone, in the server."""
    consumer.require_moderator()
    mute = message.get("mute", True)
    if not isinstance(mute, bool):
        raise Invalid(_("“mute” must be true or false."))
    await consumer.require_present(message.get("participant"))
    attendee = await consumer.invited(message)
    engine = await _engine(consumer)
    await database_sync_to_async(engine.mute)(occurrence=consumer.entry.occurrence, attendee=attendee, mute=mute)


async def media_record(consumer: Any, message: dict) -> None:
    """A moderator starts (``on``) or stops the sitting's recording, where the organisation allows it."""
    consumer.require_moderator()
    on = message.get("on")
    if not isinstance(on, bool):
        raise Invalid(_("“on” must be true or false."))
    engine = await _engine(consumer)
    await database_sync_to_async(engine.record)(occurrence=consumer.entry.occurrence, by=consumer.entry.attendee,
                                                on=on)


async def media_mute_request(consumer: Any, message: dict) -> None:
    """A moderator asks a participant to turn their microphone off (the participant's page does it)."""
    consumer.require_moderator()
    target = await consumer.require_present(message.get("participant"))
    await consumer.tell(target, {"type": "media.mute_request", "from": consumer.attendee_id})


async def media_quality(consumer: Any, message: dict) -> None:
    """The page's connection quality changed (``good``, ``fair``, ``poor``): shown in presence, where
    moderators see who is struggling. Pages send changes only; faster than one per
    ``messages.QUALITY_MIN_SECONDS`` per socket is refused."""
    consumer.require_admitted()
    level = messages.media_quality(message)
    now = time.monotonic()
    if now - getattr(consumer, "quality_at", -messages.QUALITY_MIN_SECONDS) < messages.QUALITY_MIN_SECONDS:
        raise Invalid(_("Connection quality is reported at most once every two seconds."), code="rate_limited")
    consumer.quality_at = now
    await presence_quality_set(hub=consumer.hub, room_id=consumer.room_id, attendee_id=consumer.attendee_id,
                               level=level)


MEDIA_HANDLERS = {
    "media.state": media_state,
    "media.mute_request": media_mute_request,
    "media.ticket": media_ticket,
    "media.mute": media_mute,
    "media.audio_only": media_audio_only,
    "media.quality": media_quality,
    "media.record": media_record,
}
