"""A real Daphne and `websockets` clients speaking PROTOCOL.md, with sessions from join links."""

import asyncio
import json

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connections

from rooms.models import AttendanceInterval, ChatMessage
from rooms.presence import apply_diff, apply_state
from tests.rooms.factories import make_room
from tests.support.client import connect, receive_until, session_cookie

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
async def close_db_thread():
    """sync_to_async's thread keeps its database connection; close it so the test DB can go."""
    yield
    await sync_to_async(connections.close_all)()


class Peer:
    """A protocol client that keeps the participant list from presence.state and presence.diff."""

    def __init__(self, ws):
        self.ws = ws
        self.people = {}
        self.seq = None
        self.messages = []

    @classmethod
    async def join(cls, server, attendee, **kwargs):
        cookie = await asyncio.to_thread(session_cookie, server.base_url, attendee.join_path)
        peer = cls(await connect(server.ws_url, kwargs.get("path") or "", cookie=cookie))
        return peer

    async def next(self, timeout=10):
        message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        self.messages.append(message)
        if message["type"] == "presence.state":
            self.people = apply_state(message["participants"])
            self.seq = message["seq"]
        elif message["type"] == "presence.diff" and message["seq"] > self.seq:
            if message["seq"] != self.seq + 1:
                await self.ws.send(json.dumps({"type": "presence.sync"}))
            else:
                self.seq = message["seq"]
                apply_diff(self.people, message)
        return message

    async def until(self, message_type, timeout=10):
        async def wait():
            while (await self.next(timeout))["type"] != message_type:
                pass
            return self.messages[-1]

        return await asyncio.wait_for(wait(), timeout)

    async def until_people(self, check, timeout=10):
        async def wait():
            while not check({p["name"]: p for p in self.people.values()}):
                await self.next(timeout)

        await asyncio.wait_for(wait(), timeout)


def room_path(room):
    return f"/ws/rooms/{room.id}/"


async def test_two_participants_see_each_other_chat_and_leave(daphne_factory):
    server = await asyncio.to_thread(daphne_factory, HADIR_PRESENCE_AWAY_SECONDS=1)
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await Peer.join(server, ani, path=room_path(room))
    hello = await first.until("hello")
    assert hello["you"]["name"] == "Ani"
    await first.until("presence.state")
    second = await Peer.join(server, budi, path=room_path(room))
    await second.until("presence.state")
    assert {p["name"] for p in second.people.values()} == {"Ani", "Budi"}
    await first.until_people(lambda people: "Budi" in people)

    await second.ws.send(json.dumps({"type": "chat.send", "text": "Selamat pagi"}))
    line = await first.until("chat.message")
    assert line["text"] == "Selamat pagi" and line["from"]["name"] == "Budi"
    assert await sync_to_async(ChatMessage.objects.count)() == 1

    await second.ws.close()
    await first.until_people(lambda people: people["Budi"]["status"] == "away")
    await first.until_people(lambda people: "Budi" not in people)

    def closed_intervals():
        return AttendanceInterval.objects.filter(attendee=budi, left_at__isnull=False).count()

    assert await sync_to_async(closed_intervals)() == 1


async def test_refusals_at_the_door(daphne_factory):
    server = await asyncio.to_thread(daphne_factory)
    room = await sync_to_async(make_room)()
    with pytest.raises(websockets.InvalidStatus):
        await connect(server.ws_url, room_path(room), origin="http://evil.example")
    anonymous = await connect(server.ws_url, room_path(room))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await anonymous.recv()
    assert closed.value.rcvd.code == 4401

    cookie = await asyncio.to_thread(session_cookie, server.base_url, room.people[0].join_path)
    tabs = [await connect(server.ws_url, room_path(room), cookie=cookie) for _ in range(5)]
    for tab in tabs:
        await receive_until(tab, "presence.state", timeout=10)
    sixth = await connect(server.ws_url, room_path(room), cookie=cookie)
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await sixth.recv()
    assert closed.value.rcvd.code == 4429
    await tabs[0].send("{oops")
    assert (await receive_until(tabs[0], "error"))["code"] == "bad_json"


async def test_a_join_storm_converges_to_the_same_list_everywhere(daphne_factory):
    server = await asyncio.to_thread(daphne_factory)
    names = [f"Peserta {n:02d}" for n in range(40)]
    room = await sync_to_async(make_room)(people=names)
    cookies = await asyncio.gather(*(
        asyncio.to_thread(session_cookie, server.base_url, attendee.join_path) for attendee in room.people
    ))
    peers = [Peer(ws) for ws in await asyncio.gather(*(
        connect(server.ws_url, room_path(room), cookie=cookie) for cookie in cookies
    ))]
    await asyncio.gather(*(peer.until("presence.state", timeout=30) for peer in peers))
    everyone = set(names)
    await asyncio.gather(*(peer.until_people(lambda people: set(people) == everyone, timeout=30) for peer in peers))
    assert all(people["status"] == "present" for peer in peers for people in peer.people.values())
