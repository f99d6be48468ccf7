"""The presence writes of a room's socket: the store records the change, the hub's next flush sends
it (``flushes``). What a consumer calls instead of writing the store itself.

Each answers what the store answers; a change that nobody else sees (a hand raised twice) sends nothing.
"""

from __future__ import annotations

from rooms.live.hub import Hub
from rooms.live.sweeper import away_grace

# Tabs and devices of one attendee in one room; one more is closed with 4429.
MAX_CONNECTIONS_PER_ATTENDEE = 5


async def presence_join(
    *, hub: Hub, room_id: str, attendee_id: str, conn: str, info: str, admitted: bool, audience: bool = False
) -> int:
    """List a new connection of the attendee (admitted or waiting); the attendee's connections now.
    ``audience``: they listen only (counted, not listed, once admitted).
    Past ``MAX_CONNECTIONS_PER_ATTENDEE`` nobody is told: the caller lets the connection go."""
    count = await hub.store.join(
        room=room_id, aid=attendee_id, conn=conn, instance=hub.instance, info=info, admitted=admitted,
        audience=audience,
    )
    if count <= MAX_CONNECTIONS_PER_ATTENDEE:
        hub.changed(room_id, attendee_id, audience=audience)
    return count


async def presence_leave(*, hub: Hub, room_id: str, attendee_id: str, conn: str, audience: bool = False) -> None:
    """Drop a connection; with the attendee's last, they are away for the grace period, then gone
    (the sweeper announces it; without a grace period, this does)."""
    grace = away_grace()
    if await hub.store.leave(room=room_id, aid=attendee_id, conn=conn, instance=hub.instance, grace=grace):
        hub.changed(room_id, attendee_id, audience=audience)
        if grace <= 0:
            await hub.sweeper.announce_left(room_id, {attendee_id})


async def presence_audience_set(*, hub: Hub, room_id: str, attendee_id: str, audience: bool) -> bool:
    """Move the attendee into the audience (counted, hand and media off) or out of it (listed);
    False when they were there already."""
    if not await hub.store.set_audience(room=room_id, aid=attendee_id, audience=audience):
        return False
    hub.changed(room_id, attendee_id)
    return True


async def presence_admit(*, hub: Hub, room_id: str, attendee_id: str) -> None:
    if await hub.store.admit(room=room_id, aid=attendee_id):
        hub.changed(room_id, attendee_id)


async def presence_hand_set(*, hub: Hub, room_id: str, attendee_id: str, raised: bool) -> None:
    if await hub.store.set_hand(room=room_id, aid=attendee_id, raised=raised):
        hub.changed(room_id, attendee_id)


async def presence_media_set(*, hub: Hub, room_id: str, attendee_id: str, flags: frozenset[str]) -> None:
    """``flags``: the subset of ``rooms.presence.MEDIA_FLAGS`` that is on (none: out of the call)."""
    if await hub.store.set_media(room=room_id, aid=attendee_id, flags=flags):
        hub.changed(room_id, attendee_id)


async def presence_quality_set(*, hub: Hub, room_id: str, attendee_id: str, level: str) -> None:
    """``level``: one of ``rooms.presence.QUALITY_LEVELS``, measured by the attendee's page."""
    if await hub.store.set_quality(room=room_id, aid=attendee_id, level=level):
        hub.changed(room_id, attendee_id)


async def presence_drop(*, hub: Hub, room_id: str, attendee_id: str) -> None:
    """Take a denied or removed attendee out of the room's list at once."""
    if await hub.store.drop(room=room_id, aid=attendee_id):
        hub.changed(room_id, attendee_id)
