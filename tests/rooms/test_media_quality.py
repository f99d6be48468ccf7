"""Connection quality (issue 20): a page reports its level over the room socket (``media.quality``);
it travels in presence, where the moderator sees who is struggling. Checked, rate-limited, and kept
alike by both presence stores."""

import json

import pytest
from asgiref.sync import sync_to_async

from tests.rooms.factories import make_room
from tests.rooms.test_consumer import entered
from tests.rooms.test_presence_store import ROOM, info, parse, store  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_reported_level_reaches_the_moderator_and_bad_reports_are_refused(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Ani", "Gita"), roles=("participant", "guest"))
    ani, gita = room.people
    host = await entered(connect, room, room.host)
    client = await entered(connect, room, ani)
    await client.send({"type": "media.quality", "level": "poor"})
    await host.until_people(lambda people: people.get("Ani", {}).get("quality") == "poor")

    await client.send({"type": "media.quality", "level": "fair"})  # within two seconds of the last
    error = await client.until("error")
    assert error["code"] == "rate_limited"
    for bad in ("terrible", None, 3, ["poor"]):
        await client.send({"type": "media.quality", "level": bad})
        assert (await client.until("error"))["code"] in ("invalid", "rate_limited")

    waiting = await connect(room.id, gita)
    await waiting.until("lobby.waiting")
    await waiting.send({"type": "media.quality", "level": "poor"})
    assert (await waiting.until("error"))["code"] == "forbidden"


@pytest.mark.django_db(transaction=False)
async def test_both_stores_list_the_level_until_the_call_or_the_room_is_left(store):  # noqa: F811
    await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True)
    await store.set_media(room=ROOM, aid="a", flags=frozenset({"media", "microphone"}))
    assert await store.set_quality(room=ROOM, aid="a", level="fair") is True
    assert await store.set_quality(room=ROOM, aid="a", level="fair") is False  # no change, nothing to send
    diff = parse(await store.flush(room=ROOM, aids={"a"}))
    [entry] = diff["public"]["joins"]
    assert entry["quality"] == "fair" and entry["microphone"] is True
    snapshot = await store.snapshot(room=ROOM)
    assert json.loads(snapshot.entries[0][0])["quality"] == "fair"

    await store.set_media(room=ROOM, aid="a", flags=frozenset())  # left the call: no level any more
    [entry] = parse(await store.flush(room=ROOM, aids={"a"}))["all"]["updates"]
    assert "quality" not in entry
    await store.set_media(room=ROOM, aid="a", flags=frozenset({"media"}))
    await store.set_quality(room=ROOM, aid="a", level="poor")
    await store.leave(room=ROOM, aid="a", conn="c1", instance="i1", grace=20)
    [entry] = parse(await store.flush(room=ROOM, aids={"a"}))["all"]["updates"]
    assert entry["status"] == "away" and "quality" not in entry
    assert await store.set_quality(room=ROOM, aid="a", level="good") is False  # not connected
