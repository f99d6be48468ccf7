"""Issue 17 at the protocol level: admitting several at once (``lobby.admit_all``), letting a
refused person back in, listen-only participants marked, the next sitting read in the event's zone."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from rooms.models import Admission, RoomState
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)


async def entered(connect, room, attendee):
    client = await connect(room.id, attendee)
    client.you = (await client.until("hello"))["you"]
    await client.until("presence.state")
    return client


async def waiting(connect, room, attendee):
    client = await connect(room.id, attendee)
    client.you = (await client.until("hello"))["you"]
    await client.until("lobby.waiting")
    return client


async def test_admit_all_lets_in_everyone_waiting_and_only_a_moderator_may(connect):
    room = await sync_to_async(make_room)(
        kind="test-lobby", people=("Ani", "Gita", "Hadi"), roles=("participant", "guest", "guest")
    )
    ani, gita, hadi = room.people
    host = await entered(connect, room, room.host)
    member = await entered(connect, room, ani)
    guests = [await waiting(connect, room, gita), await waiting(connect, room, hadi)]
    await host.until_people(lambda p: {p.get(n, {}).get("status") for n in ("Gita", "Hadi")} == {"waiting"})

    await member.send({"type": "lobby.admit_all"})
    assert (await member.until("error"))["code"] == "forbidden"
    for bad in ([], ["not-an-id"], [str(uuid.uuid4())], "x", [str(gita.pk), str(gita.pk)]):
        await host.send({"type": "lobby.admit_all", "participants": bad})
        assert (await host.until("error"))["code"] == "invalid", bad

    await host.send({"type": "lobby.admit_all"})
    for guest in guests:
        await guest.until("lobby.admitted")
    await host.until_people(lambda p: {p["Gita"]["status"], p["Hadi"]["status"]} == {"present"})
    admitted = Admission.objects.filter(occurrence=room.occurrence, decision="admitted")
    decided = await sync_to_async(lambda: sorted(admitted.values_list("attendee__name", flat=True)))()
    assert decided == ["Gita", "Hadi"]


async def test_a_refused_guest_can_be_let_back_in(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Gita",), roles=("guest",))
    gita = room.people[0]
    host = await entered(connect, room, room.host)
    guest = await waiting(connect, room, gita)
    await host.send({"type": "lobby.deny", "participant": str(gita.pk), "reason": ""})
    await guest.until("lobby.denied")
    assert await guest.closed() == 4403
    await host.send({"type": "lobby.admit", "participant": str(gita.pk)})  # the undo
    await host.send({"type": "probe"})  # answered after the admit is done: the socket answers in order
    assert (await host.until("error"))["code"] == "unknown_type"
    again = await connect(room.id, gita)
    assert (await again.until("hello"))["you"]["status"] == "present"
    await again.until("presence.state")


async def test_a_listen_only_role_is_marked_and_may_not_chat_or_raise_a_hand(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Ani", "Lia"), roles=("participant", "listener"))
    ani, lia = room.people
    member = await entered(connect, room, ani)
    listener = await entered(connect, room, lia)
    assert listener.you["listener"] is True and "listener" not in member.you
    for message in ({"type": "chat.send", "text": "hi"}, {"type": "hand.raise"}):
        await listener.send(message)
        assert (await listener.until("error"))["code"] == "forbidden"


async def test_the_next_sitting_without_an_offset_is_read_in_the_events_zone(connect):
    """09:00 typed in a browser anywhere is 09:00 in the event's zone (Asia/Jakarta, WIB)."""
    room = await sync_to_async(make_room)()
    host = await entered(connect, room, room.host)
    tomorrow = (timezone.now() + timedelta(days=1)).astimezone(ZoneInfo("Asia/Jakarta")).date()
    await host.send({"type": "room.set_status", "status": "live", "reason": "",
                     "next_at": f"{tomorrow.isoformat()}T09:00"})
    status = await host.until("room.status")
    expected = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 9, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert datetime.fromisoformat(status["next_at"]) == expected
    stored = await sync_to_async(lambda: RoomState.objects.get(occurrence=room.occurrence).next_at)()
    assert stored == expected
    await host.send({"type": "room.set_status", "status": "ended", "next_at": "tomorrow at nine"})
    assert (await host.until("error"))["code"] == "invalid"
