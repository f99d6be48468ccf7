"""Chat says "moderator" only of someone who moderates (issue 13, moderators who are who they say).

A moderator's link opened without its account takes part as a plain participant
(``rooms.policies.acts_as_moderator``), and presence says so; its chat lines still carried
``"moderator": true`` (the seat's, not the holder's), so whoever held a forwarded clerk's or
teacher's link spoke to the room with a moderator's badge, live and in the history.
"""

import json

import pytest
from asgiref.sync import sync_to_async

from rooms import selectors
from tests.rooms.factories import make_room
from tests.rooms.test_security_links import link_only_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def history(room) -> list[tuple[str, bool]]:
    return [(frame["text"], frame["from"]["moderator"])
            for frame in map(json.loads, selectors.chat_history(occurrence=room.occurrence))]


async def test_a_moderators_link_alone_chats_without_the_moderator_badge(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Ani",))
    forwarded = await connect(room.id, cookie=await sync_to_async(link_only_cookie)(room.host))
    assert (await forwarded.until("hello"))["you"]["moderator"] is False
    host = await connect(room.id, room.host)
    assert (await host.until("hello"))["you"]["moderator"] is True
    await host.send({"type": "lobby.admit", "participant": str(room.host.pk)})
    await forwarded.until("lobby.admitted")

    await forwarded.send({"type": "chat.send", "text": "Saya hakimnya"})
    line = await host.until("chat.message", where=lambda m: m["text"] == "Saya hakimnya")
    assert line["from"]["id"] == str(room.host.pk) and line["from"]["moderator"] is False
    await host.send({"type": "chat.send", "text": "Sidang dibuka"})
    line = await forwarded.until("chat.message", where=lambda m: m["text"] == "Sidang dibuka")
    assert line["from"]["moderator"] is True

    assert await sync_to_async(history)(room) == [("Saya hakimnya", False), ("Sidang dibuka", True)]
