"""Two Daphne processes on one Redis serve one room; killing one leaves no ghost on the other."""

import asyncio
import json
import time

import pytest
from asgiref.sync import sync_to_async

from rooms.models import AttendanceInterval
from tests.e2e.test_rooms import Peer, close_db_thread, room_path
from tests.rooms.factories import make_room

pytestmark = [pytest.mark.e2e, pytest.mark.scaled]
__all__ = ["close_db_thread"]  # the autouse fixture, shared

# Short presence timings so that the crash is noticed in seconds (defaults: TTL 30 s, away 20 s).
FAST = {"HADIR_PRESENCE_TTL_SECONDS": 3, "HADIR_PRESENCE_AWAY_SECONDS": 2}


async def test_a_client_on_each_process_sees_the_other_and_a_killed_process_leaves_no_ghost(
    daphne_factory, redis_url
):
    one = await asyncio.to_thread(daphne_factory, REDIS_URL=redis_url, **FAST)
    two = await asyncio.to_thread(daphne_factory, REDIS_URL=redis_url, **FAST)
    room = await sync_to_async(make_room)(people=("Ani", "Budi", "Citra"))
    ani, budi, citra = room.people

    first = await Peer.join(one, ani, path=room_path(room))
    await first.until("presence.state")
    second = await Peer.join(two, budi, path=room_path(room))
    await second.until("presence.state")
    third = await Peer.join(two, citra, path=room_path(room))
    await third.until("presence.state")
    assert {p["name"] for p in third.people.values()} == {"Ani", "Budi", "Citra"}
    await first.until_people(lambda people: {"Budi", "Citra"} <= set(people))

    await second.ws.send(json.dumps({"type": "chat.send", "text": "dari proses dua"}))
    assert (await first.until("chat.message"))["text"] == "dari proses dua"
    await first.ws.send(json.dumps({"type": "hand.raise"}))
    await second.until_people(lambda people: people["Ani"]["hand_raised"])

    started = time.monotonic()
    await asyncio.to_thread(two.kill)
    try:
        await first.until_people(lambda people: set(people) == {"Ani"}, timeout=60)
    except TimeoutError:
        raise AssertionError(f"ghosts: {first.people}\n{one.log()}") from None
    assert time.monotonic() - started < 60

    def intervals_closed():
        return AttendanceInterval.objects.filter(attendee__in=[budi, citra], left_at__isnull=True).count() == 0

    deadline = time.monotonic() + 30
    while not await sync_to_async(intervals_closed)():
        assert time.monotonic() < deadline, "the dead process's attendance was never closed"
        await asyncio.sleep(0.5)
