"""A frame the server fails on never leaves a ghost, an open attendance interval or a used-up seat.

Before: a chat text with a lone surrogate, a frame nested 5,000 deep, or a chat while the database
refused writes closed the socket with 1011 without its leave path: the student stayed "present",
the attendance interval stayed open (refreshed every 5 s until a restart), and after five such
crashes the student was refused with 4429. Against a real Daphne, with real database errors.
"""

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.utils import timezone

from rooms.live import hub as hub_module
from rooms.models import AttendanceInterval, ChatMessage
from rooms.selectors import room_presence
from tests.rooms.factories import make_room
from tests.support import daphne as daphne_support
from tests.support.client import connect as ws_connect
from tests.support.client import receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

NESTED = "[" * 5000 + "]" * 5000
CRASHES = {
    # The raw text, as a client sends it: a JSON escape for a lone surrogate.
    "lone_surrogate": ('{"type":"chat.send","text":"\\ud800"}', "invalid"),
    "nested_5000_deep": ('{"type":"chat.send","text":"hi","x":' + NESTED + "}", "bad_json"),
    "database_refuses_writes": ('{"type":"chat.send","text":"Selamat pagi"}', "internal"),
}


@contextlib.contextmanager
def chat_writes_refused():
    """The database itself refuses every new chat line (as a full disk or a read-only replica would),
    for every process: a trigger, not a mock."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION hadir_test_refuse() RETURNS trigger AS $$ BEGIN "
                           "RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER hadir_test_refuse BEFORE INSERT ON rooms_chatmessage "
                           "FOR EACH ROW EXECUTE FUNCTION hadir_test_refuse()")
        else:
            cursor.execute("CREATE TRIGGER hadir_test_refuse BEFORE INSERT ON rooms_chatmessage "
                           "BEGIN SELECT RAISE(FAIL, 'disk full (test)'); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER hadir_test_refuse" + (
                " ON rooms_chatmessage" if connection.vendor == "postgresql" else ""))
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION hadir_test_refuse()")
        connection.close()


async def state_of(ws) -> dict:
    return await receive_until(ws, "presence.state", timeout=10)


async def wait_for(check, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not await sync_to_async(check)():
        assert time.monotonic() < deadline, "not within the time allowed"
        await asyncio.sleep(0.1)


@pytest.mark.e2e
@pytest.mark.parametrize("crash", CRASHES)
async def test_a_crashing_frame_gets_an_error_and_the_student_still_leaves(daphne_factory, crash):
    frame, code = CRASHES[crash]
    server = await asyncio.to_thread(daphne_factory, HADIR_PRESENCE_AWAY_SECONDS=1)
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    path = f"/ws/rooms/{room.id}/"
    watcher = await ws_connect(server.ws_url, path, cookie=await asyncio.to_thread(
        session_cookie, server.base_url, ani.join_path))
    await state_of(watcher)
    cookie = await asyncio.to_thread(session_cookie, server.base_url, budi.join_path)

    refusing = chat_writes_refused() if crash == "database_refuses_writes" else contextlib.nullcontext()
    await sync_to_async(refusing.__enter__)()
    try:
        for _attempt in range(5):  # as many as an attendee may hold at once; a sixth follows
            ws = await ws_connect(server.ws_url, path, cookie=cookie)
            await state_of(ws)
            await ws.send(frame)
            error = await receive_until(ws, "error", timeout=10)
            assert error["code"] == code and error["message"]
            await ws.send(json.dumps({"type": "presence.sync"}))  # the socket still works
            assert "Budi" in {p["name"] for p in (await state_of(ws))["participants"]}
            await ws.close()
    finally:
        await sync_to_async(refusing.__exit__)(None, None, None)
    assert await sync_to_async(ChatMessage.objects.count)() == 0

    sixth = await ws_connect(server.ws_url, path, cookie=cookie)
    await state_of(sixth)  # not refused with 4429: no crashed connection is still counted
    await sixth.close()

    async def budi_gone():
        while True:
            message = await receive_until(watcher, "presence.diff", timeout=10)
            if any(p["name"] == "Budi" for p in message["leaves"]):
                return

    await asyncio.wait_for(budi_gone(), 15)
    await watcher.send(json.dumps({"type": "presence.sync"}))
    assert {p["name"] for p in (await state_of(watcher))["participants"]} == {"Ani"}

    def every_interval_closed():
        intervals = AttendanceInterval.objects.filter(attendee=budi)
        return intervals.count() == 6 and not intervals.filter(left_at__isnull=True).exists()

    await wait_for(every_interval_closed)
    await watcher.close()
    await sync_to_async(connections.close_all)()


@pytest.mark.e2e
async def test_a_killed_process_is_swept_by_the_next_one_without_any_room_connection(daphne_factory):
    """The sweeper starts with the process: the intervals a killed process left open are closed by
    its successor within the presence TTL, though nobody connects to a room there."""
    settings = {"HADIR_PRESENCE_TTL_SECONDS": 2}
    first = await asyncio.to_thread(daphne_factory, **settings)
    room = await sync_to_async(make_room)()
    budi = room.people[1]
    ws = await ws_connect(first.ws_url, f"/ws/rooms/{room.id}/", cookie=await asyncio.to_thread(
        session_cookie, first.base_url, budi.join_path))
    await state_of(ws)

    def opened():
        return AttendanceInterval.objects.filter(attendee=budi, left_at__isnull=True).exists()

    await wait_for(opened)
    await asyncio.to_thread(first.kill)
    with contextlib.suppress(websockets.ConnectionClosed, asyncio.TimeoutError):
        await asyncio.wait_for(ws.recv(), 1)
    await asyncio.to_thread(daphne_factory, **settings)

    def closed():
        return not AttendanceInterval.objects.filter(attendee=budi, left_at__isnull=True).exists()

    await wait_for(closed, timeout=8)
    await sync_to_async(connections.close_all)()


class QuietServer(daphne_support.DaphneServer):
    """Started without a single request (only its port is waited for), on Daphne or on uvicorn with
    the documented options."""

    def __init__(self, server: str, **kwargs):
        super().__init__(**kwargs)
        self.server = server

    def command(self) -> list[str]:
        if self.server == "daphne":
            return super().command()
        from bench.run import UVICORN_OPTIONS

        return [sys.executable, "-m", "uvicorn", "config.asgi:application", *UVICORN_OPTIONS, "--port", str(self.port)]

    def start(self, timeout: float = 30.0) -> None:
        self.process = subprocess.Popen(self.command(), cwd=daphne_support.ROOT, env=self.environment(),
                                        stdout=open(self.log_path, "ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.server} did not listen within {timeout} s: {self.log()}")


@pytest.mark.e2e
@pytest.mark.parametrize("server", ["daphne", "uvicorn"])
def test_the_sweeper_starts_with_the_process_before_any_request(transactional_db, tmp_path, server):
    room = make_room()
    seen = timezone.now() - timedelta(minutes=1)
    left_open = AttendanceInterval.objects.create(  # by a process that was killed a minute ago
        occurrence=room.occurrence, attendee=room.people[0], instance="killed", joined_at=seen, last_seen_at=seen,
    )
    quiet = QuietServer(server, log_dir=tmp_path, extra_env={"HADIR_PRESENCE_TTL_SECONDS": 2})
    quiet.start()
    try:
        deadline = time.monotonic() + 8
        while AttendanceInterval.objects.filter(pk=left_open.pk, left_at__isnull=True).exists():
            assert time.monotonic() < deadline, f"still open on {server}: {quiet.log()}"
            time.sleep(0.2)
    finally:
        quiet.stop()
    left_open.refresh_from_db()
    assert left_open.left_at == seen  # closed at its last sign of life
    assert "Traceback" not in quiet.log()


async def test_a_failure_while_connecting_leaves_no_ghost(connect, monkeypatch, settings):
    """Whatever fails after the door let a socket in, the socket closes and its connection and
    attendance go with it (in process: the fault is injected into the hub)."""
    settings.HADIR_PRESENCE_AWAY_SECONDS = 0  # a leave is a leave at once, not "away" first
    room = await sync_to_async(make_room)()
    ani = room.people[0]

    async def broken_history(room_id, occurrence):
        raise RuntimeError("chat history unavailable (test)")

    monkeypatch.setattr(hub_module.Hub, "chat_history", lambda self, *args: broken_history(*args))
    client = await connect(room.id, ani)
    assert await client.closed() == 1011
    assert await sync_to_async(room_presence)(room.occurrence) == []

    def every_interval_closed():
        intervals = AttendanceInterval.objects.filter(attendee=ani)
        return intervals.count() == 1 and not intervals.filter(left_at__isnull=True).exists()

    await wait_for(every_interval_closed)
