"""A real SMTP server (aiosmtpd) on loopback that records and parses every message it accepts.

Other apps' tests may import it: ``from tests.notifications.conftest import smtp_server  # noqa``
(or use ``SmtpServer`` directly). ``smtp_server`` also points Django's SMTP backend at it.
"""

import asyncio
import email
import email.policy
import threading
import time
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from django_q.conf import Conf

from tests.support.daphne import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


class RecordingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}  # address -> the server's reply, e.g. "550 5.1.1 unknown user"
        self.stall_at: int | None = None  # hold the reply to this message (1-based) until released
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
            count = len(self.received)
        if self.stall_at is not None and count == self.stall_at:
            # The message is in the server's hands; its sender does not know yet.
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def distinct(self) -> dict[str, Received]:
        """One entry per Message-ID: what a mail store that collapses repeats keeps."""
        return {item.message_id: item for item in self.received}

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.received
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages at the SMTP server, got {len(self.received)}")


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def sync_tasks(monkeypatch):
    """django-q2 runs queued tasks in this process, right away (as the cluster would)."""
    monkeypatch.setattr(Conf, "SYNC", True)
