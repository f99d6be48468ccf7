"""A person who simply leaves (closes the tab, loses the network) loses their media grant once the
presence grace period runs out (issue 20): tried with the room socket and a real Janus."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from media.models import MediaGrant
from tests.media.raw_client import RawJanus
from tests.rooms.conftest import connect, hub_cleanup  # noqa: F401  (fixtures)
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)


async def entered(connect, room, attendee):  # noqa: F811
    client = await connect(room.id, attendee)
    await client.until("hello")
    await client.until("presence.state")
    return client


async def ticket_over_the_socket(client) -> dict:
    await client.send({"type": "media.ticket"})
    return await client.until("media.ticket", timeout=15)


async def joined(ticket) -> RawJanus:
    def work():
        raw = RawJanus(ticket["url"], ticket["token"])
        assert raw.attach()["janus"] == "success"
        answer = raw.join(room=ticket["room"], pin=ticket["pin"], display="x")
        assert answer["plugindata"]["data"]["videoroom"] == "joined", answer
        return raw
    return await sync_to_async(work, thread_sensitive=False)()


async def live_grants(attendee) -> int:
    return await sync_to_async(MediaGrant.objects.filter(attendee=attendee, revoked_at__isnull=True).count)()


async def until_revoked(attendee, seconds=10.0) -> None:
    for _ in range(int(seconds * 10)):
        if not await live_grants(attendee):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the grant was not revoked")


async def test_the_last_connection_gone_past_the_grace_period_revokes_the_grant(connect, janus_settings, settings):  # noqa: F811
    settings.HADIR_PRESENCE_AWAY_SECONDS = 1
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    stays = await entered(connect, room, ani)
    await ticket_over_the_socket(stays)
    leaves = await entered(connect, room, budi)
    raw = await joined(await ticket_over_the_socket(leaves))
    assert await live_grants(budi) == 1

    await leaves.close()
    await until_revoked(budi)
    answer = await sync_to_async(raw.keepalive, thread_sensitive=False)()
    assert answer["janus"] == "error"  # Janus ended the session opened with the token
    assert await live_grants(ani) == 1  # the one still there keeps theirs


async def test_coming_back_within_the_grace_period_keeps_the_grant(connect, janus_settings, settings):  # noqa: F811
    settings.HADIR_PRESENCE_AWAY_SECONDS = 3
    room = await sync_to_async(make_room)()
    budi = room.people[1]
    first = await entered(connect, room, budi)
    ticket = await ticket_over_the_socket(first)
    raw = await joined(ticket)
    await first.close()
    await asyncio.sleep(1)
    second = await entered(connect, room, budi)
    await asyncio.sleep(3)  # past the grace period of the first socket
    assert await live_grants(budi) == 1
    assert (await sync_to_async(raw.keepalive, thread_sensitive=False)())["janus"] == "ack"
    assert (await ticket_over_the_socket(second))["token"] == ticket["token"]


async def test_without_a_grace_period_the_leave_itself_revokes(connect, janus_settings, settings):  # noqa: F811
    settings.HADIR_PRESENCE_AWAY_SECONDS = 0
    room = await sync_to_async(make_room)()
    budi = room.people[1]
    client = await entered(connect, room, budi)
    await joined(await ticket_over_the_socket(client))
    await client.close()
    await until_revoked(budi)
