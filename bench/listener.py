"""A light participant for rooms of thousands: the same bookkeeping as ``loadclient.Participant``
(its ``prepare``, chat receipts, presence by sequence number), over a bare asyncio protocol that
parses WebSocket frames itself. The ``websockets`` client cost about 40 µs per received frame on
this machine, so a chat line to 5,000 kept the client's core busy for 200 ms and the figure was
the client's; here a frame costs a few µs. It speaks only what a room needs: unfragmented,
unmasked text frames from the server, masked text frames to it, close and ping.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
from urllib.parse import urlsplit

from bench.loadclient import Participant, now

CHAT_FRAME = '{"type":"chat.message"'
DIFF_FRAME = '{"type":"presence.diff"'


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked frame (RFC 6455, 5.3: every frame a client sends is masked)."""
    size = len(payload)
    if size < 126:
        header = bytes((0x80 | opcode, 0x80 | size))
    else:
        header = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    mask = os.urandom(4)
    masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return header + mask + masked


class FrameProtocol(asyncio.Protocol):
    def __init__(self, owner: Light):
        self.owner = owner
        self.buffer = bytearray()
        self.upgraded = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        at = now()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[:buffer.find(b"\r\n")]).decode("latin-1")
            del buffer[:end + 4]
            if " 101 " not in status:
                self.owner.refused(status)
                return
            self.upgraded = True
            self.owner.upgraded(at)
        while len(buffer) >= 2:
            size, start = buffer[1] & 0x7F, 2
            if size == 126:
                if len(buffer) < 4:
                    return
                size, start = int.from_bytes(buffer[2:4], "big"), 4
            elif size == 127:
                if len(buffer) < 10:
                    return
                size, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + size:
                return
            opcode, payload = buffer[0] & 0x0F, bytes(buffer[start:start + size])
            del buffer[:start + size]
            if opcode == 1:
                self.owner.on_text(payload.decode(), at)
            elif opcode == 8:
                self.owner.closed_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                self.transport.close()
                return
            elif opcode == 9:
                self.transport.write(client_frame(10, payload))

    def connection_lost(self, exc) -> None:
        self.owner.lost()


class Light(Participant):
    transport: asyncio.Transport | None = None

    async def connect(self, timeout: float = 120.0) -> None:
        if self.failure:
            return
        started = now()
        url = urlsplit(self.target["ws"])
        self.upgrade = asyncio.get_running_loop().create_future()
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        request = (f"GET {self.path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n")
        try:
            self.transport, _ = await asyncio.wait_for(asyncio.get_running_loop().create_connection(
                lambda: FrameProtocol(self), url.hostname, url.port), timeout)
            self.transport.write(request.encode())
            await asyncio.wait_for(self.upgrade, timeout)
        except (OSError, TimeoutError, ConnectionError) as exc:
            self.failure = f"{type(exc).__name__}: {exc}"[:200]
            return
        self.ws = self  # open (chat_result counts the participants with a socket)
        self.opened_at = now()
        self.handshake = self.opened_at - started
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            self.failure = f"no presence.state within {timeout} s"
            return
        if self.seq is None:
            self.failure = f"closed ({self.closed_code}) before presence.state"
        else:
            self.ready_after = now() - started

    def refused(self, status: str) -> None:
        if not self.upgrade.done():
            self.upgrade.set_exception(ConnectionError(status))

    def upgraded(self, at: float) -> None:
        if not self.upgrade.done():
            self.upgrade.set_result(at)

    def lost(self) -> None:
        if not self.upgrade.done():
            self.upgrade.set_exception(ConnectionError("closed during the handshake"))
        self.closed_code = self.closed_code or 1006
        self.ready.set()

    def on_text(self, raw: str, at: float) -> None:
        if raw.startswith(CHAT_FRAME):
            self.on_chat(raw, at)
            return
        if not self.run.track_presence and raw.startswith(DIFF_FRAME):
            return
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "presence.state":
            self.on_state(message, at)
        elif kind == "presence.diff":
            self.on_diff(message, at)
        elif kind == "error":
            code = message.get("code", "?")
            self.run.errors[code] = self.run.errors.get(code, 0) + 1

    async def send(self, message: dict) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(1, json.dumps(message, separators=(",", ":")).encode()))

    async def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(client_frame(8, (1000).to_bytes(2, "big")))
            self.transport.close()
