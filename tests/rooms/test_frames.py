"""Frames framed once and written straight to a Daphne socket (``rooms.live.frames``)."""

from functools import partial

import pytest
from daphne.ws_protocol import WebSocketProtocol
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from rooms.live.frames import direct_writer, send_now, shed_handshake, text_frame


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("frame incomplete")


@pytest.mark.parametrize("size", [0, 5, 125, 126, 65535, 65536, 200_000])
def test_a_text_frame_of_any_length_parses_as_that_text(size):
    text = ("é" + "x" * size)[:size] if size else ""
    frame = parse(text_frame(text))
    assert frame.opcode is Opcode.TEXT and frame.fin and not frame.rsv1
    assert frame.data.decode() == text


def test_the_same_text_is_framed_once():
    text = '{"type":"chat.message","text":"' + "a" * 300 + '"}'
    assert text_frame(text) is text_frame(text)


class Transport:
    def __init__(self):
        self.written = []

    def write(self, data):
        self.written.append(data)


def daphne_socket(state):
    protocol = WebSocketProtocol.__new__(WebSocketProtocol)
    protocol.state, protocol.send_queue, protocol.transport = state, [], Transport()
    return protocol


async def handle_reply(protocol, message):  # Daphne's Server.handle_reply has this shape
    raise AssertionError("the ASGI path was taken")


def test_an_open_daphne_socket_gets_the_frame_directly():
    protocol = daphne_socket(WebSocketProtocol.STATE_OPEN)
    write = direct_writer(partial(handle_reply, protocol))
    assert write is not None and write('{"type":"x"}')
    assert [parse(data).data for data in protocol.transport.written] == [b'{"type":"x"}']


def test_a_closing_or_busy_socket_takes_the_asgi_path():
    closing = daphne_socket(WebSocketProtocol.STATE_CLOSING)
    assert direct_writer(partial(handle_reply, closing))("x") is False
    busy = daphne_socket(WebSocketProtocol.STATE_OPEN)
    busy.send_queue = [(b"queued", False)]
    assert direct_writer(partial(handle_reply, busy))("x") is False
    assert closing.transport.written == busy.transport.written == []


def test_other_servers_take_the_asgi_path():
    async def send(message):
        pass

    assert direct_writer(send) is None
    assert direct_writer(partial(handle_reply, object())) is None


class TwistedTransport(Transport):
    """The state of a Twisted TCP transport that ``send_now`` reads, over a real socket."""

    connected, disconnecting, TLS, _writeDisconnected = True, False, False, False

    def __init__(self, sock):
        super().__init__()
        self.socket, self.dataBuffer, self.offset, self._tempDataLen = sock, b"", 0, 0


@pytest.fixture
def sockets():
    import socket

    ours, peer = socket.socketpair()
    ours.setblocking(False)
    yield ours, peer
    ours.close()
    peer.close()


def test_a_frame_goes_on_the_socket_at_once_when_twisted_holds_nothing(sockets):
    ours, peer = sockets
    transport = TwistedTransport(ours)
    send_now(transport, text_frame("hello"))
    assert parse(peer.recv(100)).data == b"hello" and transport.written == []


def test_a_frame_waits_behind_what_twisted_holds(sockets):
    ours, peer = sockets
    transport = TwistedTransport(ours)
    transport._tempDataLen = 3
    send_now(transport, b"abc")
    assert transport.written == [b"abc"]
    peer.setblocking(False)
    with pytest.raises(BlockingIOError):
        peer.recv(10)


def test_what_the_socket_does_not_take_goes_to_twisted(sockets):
    ours, _peer = sockets
    transport = TwistedTransport(ours)
    data = b"x" * 4_000_000
    send_now(transport, data)
    assert transport.written and 0 < len(transport.written[0]) < len(data)
    taken = len(data) - len(transport.written[0])
    assert data[taken:] == transport.written[0]


UPGRADE = (b"GET /ws/rooms/1/ HTTP/1.1\r\nHost: testserver\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           b"Cookie: sessionid=abc\r\n\r\n")


async def test_an_open_daphne_socket_keeps_nothing_of_its_upgrade_request():
    """Daphne itself, on a Twisted test transport: once the socket is open and shed, Twisted's HTTP
    connection and the request it answered are freed, and the socket still takes frames."""
    import asyncio
    import gc
    import weakref

    from daphne.http_protocol import HTTPFactory
    from daphne.server import Server
    from daphne.ws_protocol import WebSocketFactory
    from twisted.internet.address import IPv4Address
    from twisted.internet.testing import StringTransport

    opened, sends, received = asyncio.Event(), [], asyncio.Queue()

    async def application(scope, receive, send):
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        sends.append(send)
        opened.set()
        while True:
            received.put_nowait(await receive())

    server = Server(application, endpoints=["tcp:port=0:interface=127.0.0.1"])  # never listens
    server.connections, server.http_factory = {}, HTTPFactory(server)
    server.ws_factory = WebSocketFactory(server, server="Daphne")
    address = IPv4Address("TCP", "127.0.0.1", 40000)
    transport = StringTransport(hostAddress=IPv4Address("TCP", "127.0.0.1", 8000), peerAddress=address)
    connection = server.http_factory.buildProtocol(address)
    connection.makeConnection(transport)
    connection.dataReceived(UPGRADE)
    del connection
    await asyncio.wait_for(opened.wait(), 5)
    assert transport.value().startswith(b"HTTP/1.1 101 ")
    for handled, details in list(server.connections.items()):  # what Daphne's application_checker reaps
        if details.get("disconnected") and "application_instance" not in details:
            del server.connections[handled]
    http_channel = weakref.ref(transport.producer)
    request = weakref.ref(transport.producer.requests[0])
    gc.collect()
    assert http_channel() is not None and request() is not None  # what Daphne alone keeps

    shed_handshake(sends[0])
    gc.collect()
    assert http_channel() is None and request() is None
    protocol = sends[0].args[0]
    assert protocol.http_headers == {} and protocol.request.path == "/ws/rooms/1/"
    assert direct_writer(sends[0])('{"type":"x"}')
    assert transport.value().endswith(text_frame('{"type":"x"}'))
    for text in ("one", "two"):  # and still hands the application what the browser sends
        protocol.dataReceived(Frame(Opcode.TEXT, text.encode()).serialize(mask=True, extensions=[]))
        assert (await asyncio.wait_for(received.get(), 5)) == {"type": "websocket.receive", "text": text}
