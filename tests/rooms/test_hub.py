"""The per-process hub: the room's subscription, shared snapshot reads, the chat history, attendance batches."""

import asyncio
import json
import time
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import OperationalError, connections

from rooms import selectors
from rooms import services as room_services
from rooms.live.attendance import AttendanceWriter
from rooms.live.hub import Hub
from rooms.models import AttendanceInterval
from tests.rooms.factories import make_room


@dataclass(frozen=True)
class Socket:
    room_id: str
    attendee_id: str


@pytest.fixture
async def hub(redis_url, settings):
    settings.REDIS_URL = redis_url
    hub = Hub()
    yield hub
    for task in list(hub.tasks.running):
        task.cancel()


async def test_every_socket_waits_for_the_rooms_subscription(hub, monkeypatch):
    subscribed = asyncio.Event()
    original = hub.fanout.subscribe

    async def slow_subscribe(room_id):
        await asyncio.sleep(0.2)
        await original(room_id)
        subscribed.set()

    monkeypatch.setattr(hub.fanout, "subscribe", slow_subscribe)
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

    monkeypatch.setattr(hub.fanout, "subscribe", failing_once)
    with pytest.raises(ConnectionError):
        await hub.attach(Socket(room_id="room-2", attendee_id="a"), closes_at=None)
    await hub.attach(Socket(room_id="room-2", attendee_id="b"), closes_at=None)
    assert len(calls) == 2
    assert len(hub.rooms["room-2"].sockets) == 1


@pytest.fixture
async def memory_hub(settings):
    settings.REDIS_URL = ""
    hub = Hub()
    yield hub
    for task in list(hub.tasks.running):
        task.cancel()


async def test_sockets_asking_together_share_one_snapshot_read(memory_hub, monkeypatch):
    reads = []
    original = memory_hub.store.snapshot

    async def counted(*, room):
        reads.append(room)
        await asyncio.sleep(0.05)
        return await original(room=room)

    monkeypatch.setattr(memory_hub.store, "snapshot", counted)
    together = await asyncio.gather(*(memory_hub.snapshot("room-3") for _ in range(20)))
    assert len(reads) == 1 and all(snapshot is together[0] for snapshot in together)
    # One who asks while a read is in flight gets the next read, not the one that began before it asked.
    first = asyncio.create_task(memory_hub.snapshot("room-3"))
    await asyncio.sleep(0.01)
    later = await memory_hub.snapshot("room-3")
    assert len(reads) == 3 and later is not await first


CHAT = '{{"type":"chat.message","id":{id},"text":"line {id}"}}'


async def test_chat_history_is_read_once_and_keeps_lines_delivered_during_the_read(memory_hub, monkeypatch):
    reads = []

    def slow_history(*, occurrence):
        reads.append(occurrence)
        time.sleep(0.1)
        return [CHAT.format(id=n) for n in (1, 2, 3)]

    monkeypatch.setattr(selectors, "chat_history", slow_history)
    await memory_hub.attach(Socket(room_id="room-4", attendee_id="a"), closes_at=None)
    room = memory_hub.rooms["room-4"]
    reading = asyncio.create_task(memory_hub.chat_history("room-4", "occurrence"))
    await asyncio.sleep(0.02)
    room.remember_chat(CHAT.format(id=3))  # committed before the read: in both
    room.remember_chat(CHAT.format(id=4))  # committed after it
    assert [json.loads(f)["id"] for f in await reading] == [1, 2, 3, 4]
    room.remember_chat(CHAT.format(id=5))
    assert [json.loads(f)["id"] for f in await memory_hub.chat_history("room-4", "occurrence")] == [1, 2, 3, 4, 5]
    assert len(reads) == 1


@pytest.mark.django_db(transaction=True)
async def test_attendance_is_written_in_batches_and_retried_after_a_failure(memory_hub, monkeypatch):
    room = await sync_to_async(make_room)(people=("Ani", "Budi", "Citra"))
    writes = []
    original = room_services.attendance_record

    def failing_once(**batch):
        writes.append(batch)
        if len(writes) == 1:
            raise OperationalError("database is locked")
        return original(**batch)

    monkeypatch.setattr(room_services, "attendance_record", failing_once)
    monkeypatch.setattr(AttendanceWriter, "RETRY_SECONDS", 0.05)
    writer = memory_hub.attendance
    ids = [writer.open(room_id=str(room.occurrence.pk), attendee_id=str(a.pk)) for a in room.people]
    await asyncio.wait_for(writer.close(ids[0]), 5)
    assert len(writes) == 2 and writes[1] == writes[0]  # the failed batch again, whole
    assert len(writes[0]["opened"]) == 3 and len(writes[0]["closed"]) == 1

    def rows():
        return dict(AttendanceInterval.objects.values_list("id", "left_at"))

    stored = await sync_to_async(rows)()
    assert set(stored) == set(ids) and stored[ids[0]] is not None and stored[ids[1]] is None
    await database_sync_to_async(connections.close_all)()


async def test_sockets_knocking_together_share_one_door_check(memory_hub, monkeypatch):
    batches = []

    def room_entries(*, knocks, now):
        batches.append([knock.occurrence_id for knock in knocks])
        time.sleep(0.05)
        return [f"entry for {knock.occurrence_id}" for knock in knocks]

    monkeypatch.setattr(selectors, "room_entries", room_entries)
    first = asyncio.create_task(memory_hub.door({}, "r1"))
    await asyncio.sleep(0.01)  # the first trip is under way: the next three wait for one more
    rest = await asyncio.gather(*(memory_hub.door({}, f"r{n}") for n in (2, 3, 4)))
    assert await first == "entry for r1" and rest == ["entry for r2", "entry for r3", "entry for r4"]
    assert batches == [["r1"], ["r2", "r3", "r4"]]
