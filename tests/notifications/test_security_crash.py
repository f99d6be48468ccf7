"""`/ws/notifications/`: a frame the server fails on gets an `error`, and no poller outlives its socket.

Before: a frame nested 5,000 deep, a binary or empty frame, or an id too big for the database
closed the socket with 1011, and the socket's inbox poller (the in-memory layer's) kept running
for ever: 300 such crashes moved an idle process from 0.1 % to 20 % CPU.
"""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from config.asgi import application
from notifications.consumers import NoticeConsumer
from tests.notifications import factories
from tests.support.client import connect, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

CRASHES = {
    "nested_5000_deep": {"text_data": '{"type":"notice.read","ids":' + "[" * 5000 + "]" * 5000 + "}"},
    "binary": {"bytes_data": b'{"type":"notice.read"}'},
    "id_beyond_the_database": {"text_data": json.dumps({"type": "notice.read", "ids": [10**30]})},
}


def session_cookie(username: str) -> str:
    client = Client()
    client.force_login(factories.user(username))
    value = f"sessionid={client.cookies['sessionid'].value}"
    connections.close_all()
    return value


def pollers() -> int:
    return sum(1 for task in asyncio.all_tasks() if task.get_coro().__qualname__ == NoticeConsumer._poll.__qualname__)


async def test_crashing_frames_get_an_error_and_every_poller_ends_with_its_socket():
    cookie = await sync_to_async(session_cookie)("alice")
    baseline = pollers()
    polling = 0 if settings.REDIS_URL else 1  # with Redis the worker's group_send reaches every process
    for crash, frame in CRASHES.items():
        communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=[
            (b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"), (b"cookie", cookie.encode()),
        ])
        assert (await communicator.connect(timeout=5))[0]
        assert (await communicator.receive_json_from(timeout=5))["type"] == "notice.hello"
        assert pollers() == baseline + polling
        await communicator.send_to(**frame)
        error = await communicator.receive_json_from(timeout=5)
        assert error["type"] == "error" and error["code"] in {"invalid", "unknown_type", "internal"}, crash
        await communicator.send_json_to({"type": "notice.read"})  # the socket still works
        assert await communicator.receive_json_from(timeout=5) == {"type": "notice.unread", "unread": 0}
        await communicator.disconnect()
        assert pollers() == baseline, crash
    await sync_to_async(connections.close_all)()


@pytest.mark.e2e
async def test_on_daphne_a_deeply_nested_or_empty_frame_is_refused_not_fatal(daphne_server):
    cookie = await sync_to_async(session_cookie)("bob")
    ws = await connect(daphne_server.ws_url, "/ws/notifications/", cookie=cookie)
    await receive_until(ws, "notice.hello")
    for frame in (CRASHES["nested_5000_deep"]["text_data"], ""):
        await ws.send(frame)
        assert (await receive_until(ws, "error"))["code"] == "unknown_type"
    await ws.send(json.dumps({"type": "notice.read"}))
    assert await receive_until(ws, "notice.unread") == {"type": "notice.unread", "unread": 0}
    await ws.close()
    assert ws.close_code == 1000
    await sync_to_async(connections.close_all)()
