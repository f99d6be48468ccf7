"""A process serving pages and rooms at once uses a few PostgreSQL backends, not one per call (issue 14).

Without the pool (CONN_MAX_AGE 0) the connection closed at the end of every HTTP request, and the
WebSocket calls share the database thread: a backend was forked for nearly every chat line. With
persistent connections instead, each request's thread (Django's ASGI handler gives every request
its own) kept a connection of its own. The pool lends its few connections to both. PostgreSQL
only (the scaled run, HADIR_SCALED_RUN=1): SQLite has no backends to count.
"""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created

from config.asgi import application
from rooms.models import ChatMessage
from tests.rooms.factories import make_room

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backends (the scaled run)"),
]

LINES = 15  # under the socket's burst allowance (rooms.consumers.RATE_PER_SECOND)


async def test_pages_and_room_calls_share_one_connection(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Ani", "Budi"))
    ani, budi = room.people
    backends = set()  # PostgreSQL backend process ids that served this process

    def count(sender, connection, **kwargs):
        backends.add(connection.connection.info.backend_pid)

    connection_created.connect(count)
    try:
        sender = await connect(room.id, ani)
        listener = await connect(room.id, budi)
        await sender.until("presence.state")
        await listener.until("presence.state")
        for n in range(LINES):
            await sender.send({"type": "chat.send", "text": f"line {n}"})
            await sender.until("chat.message", where=lambda m, n=n: m["text"] == f"line {n}")
            # A page between two chat lines, through the real ASGI handler (request_finished runs).
            page = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")])
            assert (await page.get_response(timeout=10))["status"] == 200
        await listener.until("chat.message", where=lambda m: m["text"] == f"line {LINES - 1}")
    finally:
        connection_created.disconnect(count)
    assert await sync_to_async(ChatMessage.objects.count)() == LINES
    pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
    # The pool may grow towards its maximum while a busy machine keeps connections lent; without it the
    # same calls forked 16 backends (persistent connections) or one per call (CONN_MAX_AGE 0).
    assert len(backends) <= pool["max_size"], f"{len(backends)} backends for {LINES} chat lines and pages"
