"""Frames framed once and written straight to a Daphne socket (``rooms.live.frames``)."""

from functools import partial

import pytest
from daphne.ws_protocol import WebSocketProtocol
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from rooms.live.frames import direct_writer, text_frame


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
