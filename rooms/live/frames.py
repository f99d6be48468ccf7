"""A room's frames on Daphne, framed once and written straight to each socket.

Through ASGI, every frame Daphne sends goes per socket through Daphne's ``handle_reply``
coroutine, the protocol's ``handle_reply`` and ``serverSend`` (a UTF-8 encode and a debug log
call), then autobahn's ``sendMessage``, ``sendFrame`` and ``sendData`` (type assertions, traffic
statistics, the header packed bit by bit), although a room event is the same bytes for every
socket of the room. py-spy put most of Hadir's delivery time on Daphne there (docs/performance.md,
issue 19). Here a text frame is encoded and framed once (a small cache keyed by the text the hub
hands every socket) and written to the socket's transport, when the socket is open and autobahn
holds nothing queued for it; otherwise (closing, uvicorn, anything else) the ASGI path is taken.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

_frames: dict[str, bytes] = {}
_KEEP = 8  # a room event, the two views of a diff and a few more


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (RFC 6455, 5.2) of ``text``."""
    data = _frames.get(text)
    if data is None:
        if len(_frames) >= _KEEP:
            _frames.clear()
        payload = text.encode()
        size = len(payload)
        if size < 126:
            header = bytes((0x81, size))
        elif size < 1 << 16:
            header = bytes((0x81, 126)) + size.to_bytes(2, "big")
        else:
            header = bytes((0x81, 127)) + size.to_bytes(8, "big")
        data = _frames[text] = header + payload
    return data


def daphne_protocol(send: Callable[..., Any]) -> Any:
    """The Daphne protocol of a socket Daphne serves (its ASGI ``send`` is
    ``partial(server.handle_reply, protocol)``), else None."""
    if not isinstance(send, partial) or not send.args:
        return None
    try:
        from daphne.ws_protocol import WebSocketProtocol
    except ImportError:
        return None
    protocol = send.args[0]
    return protocol if isinstance(protocol, WebSocketProtocol) else None


def shed_handshake(send: Callable[..., Any]) -> None:
    """Let go of what Daphne keeps of an accepted socket's HTTP upgrade request, for its whole life.

    Twisted's HTTP connection stays registered as the TCP transport's producer after Daphne hands
    the transport to the WebSocket protocol, and with it the request Daphne answered (its header
    lists, its body buffer); autobahn keeps the raw request and a dict of its headers. About 4 KiB
    per socket, a tenth of a connection's memory (bench/README.md, issue 19). Nothing reads them
    once the socket is open: Daphne's scope holds its own list of the headers, and the request's
    path, which Daphne logs, stays.
    """
    protocol = daphne_protocol(send)
    if protocol is None:
        return
    transport = protocol.transport
    if getattr(transport, "producer", None) is not None and transport.producer is not protocol:
        transport.unregisterProducer()
    protocol.http_request_data = b""
    protocol.http_headers = {}
    if getattr(protocol, "request", None) is not None:
        protocol.request.headers = {}
    _share_unused_queue_parts(getattr(protocol, "application_queue", None))


_NO_PUTTERS: deque = deque()
_NO_JOIN = asyncio.Event()


def _share_unused_queue_parts(queue: Any) -> None:
    """Daphne's queue of a socket's incoming messages has no size limit and nobody joins it, so its
    deque of waiting putters stays empty and its join event unwaited: one shared pair instead of a
    pair per socket (about 1.5 KiB; an empty deque holds a block of 64 slots)."""
    if not isinstance(queue, asyncio.Queue) or queue.maxsize > 0:
        return
    parts: Any = queue  # asyncio's own attributes, which typeshed does not list
    if not parts._putters and not parts._finished._waiters:
        parts._putters, parts._finished = _NO_PUTTERS, _NO_JOIN


def direct_writer(send: Callable[..., Any]) -> Callable[[str], bool] | None:
    """For a socket Daphne serves: a function that writes a text frame to it directly and says
    whether it could; else None."""
    protocol = daphne_protocol(send)
    if protocol is None or getattr(protocol, "maskServerFrames", False):
        return None
    opened = type(protocol).STATE_OPEN

    def write(text: str) -> bool:
        transport = protocol.transport
        if protocol.state != opened or protocol.send_queue or transport is None:
            return False
        send_now(transport, text_frame(text))
        return True

    return write


def send_now(transport: Any, data: bytes) -> None:
    """Send ``data`` on the socket at once when Twisted holds nothing unsent for it; Twisted gets
    what the socket did not take (and every write of a busy, closing or TLS connection).

    Twisted's ``write`` only buffers and registers the socket for writing; on Daphne's asyncio
    reactor each of those registrations is an epoll change, and the send and a second change
    follow on the next loop pass: two system calls and two reactor calls per socket per frame,
    most of the delivery's time into a room of 1,000 (py-spy, issue 19). uvicorn's transports send
    at once the same way.
    """
    sock = getattr(transport, "socket", None)
    if sock is None or not (
        transport.connected and not transport.disconnecting and not getattr(transport, "TLS", True)
        and not transport._writeDisconnected and not transport._tempDataLen
        and len(transport.dataBuffer) == transport.offset
    ):
        transport.write(data)
        return
    try:
        sent = sock.send(data)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:  # reset or gone: Twisted learns of it when it reads, as it would have
        return
    if sent < len(data):
        transport.write(data[sent:])
