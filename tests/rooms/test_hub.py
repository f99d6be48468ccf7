"""The per-process hub: sockets of a room wait for the process's subscription to its events."""

import asyncio
from dataclasses import dataclass

import pytest

from rooms.hub import Hub


@dataclass(frozen=True)
class Socket:
    room_id: str
    attendee_id: str


@pytest.fixture
async def hub(redis_url, settings):
    settings.REDIS_URL = redis_url
    hub = Hub()
    yield hub
    for task in list(hub._tasks):
        task.cancel()


async def test_every_socket_waits_for_the_rooms_subscription(hub, monkeypatch):
    subscribed = asyncio.Event()
    original = hub._subscribe

    async def slow_subscribe(room_id):
        await asyncio.sleep(0.2)
        await original(room_id)
        subscribed.set()

    monkeypatch.setattr(hub, "_subscribe", slow_subscribe)
    first = Socket(room_id="room-1", attendee_id="a")
    second = Socket(room_id="room-1", attendee_id="b")

    first_attach = asyncio.create_task(hub.attach(first, closes_at=None))
    await asyncio.sleep(0.01)
    await hub.attach(second, closes_at=None)
    # Before the fix the second socket was attached while the subscription was still pending,
    # and a chat line published in that window never reached it.
    assert subscribed.is_set()
    await first_attach
    assert hub.rooms["room-1"].sockets == {first, second}


async def test_a_failed_subscription_is_tried_again_by_the_next_socket(hub, monkeypatch):
    calls = []

    async def failing_once(room_id):
        calls.append(room_id)
        if len(calls) == 1:
            raise ConnectionError("redis went away")

    monkeypatch.setattr(hub, "_subscribe", failing_once)
    with pytest.raises(ConnectionError):
        await hub.attach(Socket(room_id="room-2", attendee_id="a"), closes_at=None)
    await hub.attach(Socket(room_id="room-2", attendee_id="b"), closes_at=None)
    assert len(calls) == 2
    assert len(hub.rooms["room-2"].sockets) == 1
