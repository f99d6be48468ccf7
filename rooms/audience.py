"""The room's audience on the socket: a moderator pages through it, promotes a listener to speaker
and sends them back (PROTOCOL.md, ``audience.*``). Who listens only is the policy's answer
(``RoomPolicy.is_audience``); the store counts them (``rooms.presence``). A promotion lasts while the
listener stays: a new socket of theirs enters as the door says, in the audience.

Handlers of ``rooms.consumers.HANDLERS`` (``consumer`` is its ``RoomConsumer``, typed ``Any``: it
imports this module), kept apart to keep the consumer under 400 lines.
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from rooms import messages, wire
from rooms.errors import Invalid
from rooms.listeners import joined_since
from rooms.live.presence import presence_audience_set
from rooms.presence.encoding import audience_page_frame, entry_id
from rooms.presence.store import search_key


async def audience_list(consumer: Any, message: dict) -> None:
    """A moderator pages through the audience, or searches it by name (its members are listed to
    nobody else); each member comes with when they entered (``joined_at``)."""
    consumer.require_moderator()
    offset, limit, query = messages.audience_page(message)
    total, matches, members = await consumer.hub.store.audience_page(
        room=consumer.room_id, offset=offset, limit=limit, query=search_key(query)
    )
    joined = await database_sync_to_async(joined_since)(
        occurrence_id=consumer.room_id, attendee_ids=[entry_id(entry) for entry in members]
    )
    await consumer.push(audience_page_frame(offset, total, members, matches=matches, query=query, joined=joined))


async def audience_promote(consumer: Any, message: dict) -> None:
    """A moderator lets a listener speak (listed, may chat, raise a hand and join the call) while here."""
    await _audience_move(consumer, message, audience=False)


async def audience_demote(consumer: Any, message: dict) -> None:
    """A moderator sends a promoted listener back to the audience."""
    await _audience_move(consumer, message, audience=True)


async def _audience_move(consumer: Any, message: dict, *, audience: bool) -> None:
    consumer.require_moderator()
    attendee = await consumer.invited(message)
    target = str(attendee.pk)
    listens = await database_sync_to_async(consumer.entry.policy.is_audience)(attendee)
    if not listens or target not in await consumer.hub.store.present(
        room=consumer.room_id
    ):
        raise Invalid(_("That participant is not a listener in the room."))
    if not await presence_audience_set(hub=consumer.hub, room_id=consumer.room_id, attendee_id=target,
                                       audience=audience):
        raise Invalid(
            _("That listener is in the audience already.") if audience else _("That listener speaks already.")
        )
    await consumer.hub.publish(consumer.room_id, wire.Listen(attendee=target, audience=int(audience)))


async def audience_moved(consumer: Any, audience: bool) -> None:
    """This socket's attendee was moved into the audience (the policy's rights again) or made a speaker
    (chat, hand and media) while they stay (``wire.Listen``, on whichever process a moderator decided)."""
    entry = consumer.entry
    entry.audience = audience
    # Back in the audience: a listener's rights, which are none (``RoomPolicy.may_send`` of a listener).
    entry.may = {action: not audience for action in entry.may}
    await consumer.push_live(json.dumps({"type": "audience.demoted" if audience else "audience.promoted"}))


AUDIENCE_HANDLERS = {
    "audience.list": audience_list,
    "audience.promote": audience_promote,
    "audience.demote": audience_demote,
}
