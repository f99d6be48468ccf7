import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from config.asgi import application
from rooms.live import hub as hub_module
from rooms.policies import _registry, register_policy
from rooms.presence import apply_diff, apply_state
from tests.rooms.factories import LobbyPolicy, session_cookie_for

ORIGIN = b"http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def lobby_policy():
    register_policy("test-lobby", LobbyPolicy())
    yield
    _registry.pop("test-lobby", None)


@pytest.fixture
async def hub_cleanup():
    yield
    current = hub_module.current_hub()
    if current is not None:
        await current.close()
        hub_module._hub = None
    # The database thread of database_sync_to_async keeps its connection; let the test DB go.
    await database_sync_to_async(connections.close_all)()


class Client:
    """A WebsocketCommunicator speaking PROTOCOL.md, with helpers to wait for a message type."""

    def __init__(self, communicator):
        self.communicator = communicator
        self.seen = []
        self.people = {}  # the participant list as a client following PROTOCOL.md keeps it
        self.seq = None

    async def send(self, message: dict):
        await self.communicator.send_json_to(message)

    async def receive(self, timeout=5):
        message = await self.communicator.receive_json_from(timeout=timeout)
        self.seen.append(message)
        if message["type"] == "presence.state":
            self.people = apply_state(message["participants"])
            self.seq = message["seq"]
        elif message["type"] == "presence.diff" and self.seq is not None and message["seq"] > self.seq:
            assert message["seq"] == self.seq + 1, f"gap: {self.seq} -> {message['seq']}"
            self.seq = message["seq"]
            apply_diff(self.people, message)
        return message

    async def until_people(self, check, timeout=5):
        """Read until the participant list (by name) satisfies ``check``."""
        while not check({p["name"]: p for p in self.people.values()}):
            await self.receive(timeout=timeout)

    async def until(self, message_type: str, timeout=5, where=lambda m: True):
        while True:
            message = await self.receive(timeout=timeout)
            if message["type"] == message_type and where(message):
                return message

    async def closed(self, timeout=5):
        while True:
            output = await self.communicator.receive_output(timeout=timeout)
            if output["type"] == "websocket.close":
                return output.get("code")

    async def close(self):
        await self.communicator.disconnect()


@pytest.fixture
def connect(hub_cleanup):
    clients = []

    async def open_socket(room_id: str, attendee=None, *, cookie: str | None = None, origin: bytes = ORIGIN):
        headers = [(b"origin", origin), (b"host", b"127.0.0.1:8000")]
        if cookie is None:
            cookie = await sync_to_async(session_cookie_for)(attendee) if attendee is not None else ""
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        communicator = WebsocketCommunicator(application, f"/ws/rooms/{room_id}/", headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        client = Client(communicator)
        client.accepted = connected
        clients.append(client)
        return client

    yield open_socket
