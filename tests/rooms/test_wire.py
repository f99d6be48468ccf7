"""The envelope between the processes of a room: every kind comes back as it was built."""

import pytest

from rooms import wire

CHAT = '{"type":"chat.message","id":7,"text":"two\\nlines and a real\none","from":{"name":"Ani"}}'
ENVELOPES = [
    wire.Diff(seq_all=3, seq_public=0, frame_all='{"type":"presence.diff","seq":3}', frame_public=""),
    wire.Diff(seq_all=4, seq_public=2, frame_all='{"seq":4}', frame_public='{"seq":2}'),
    wire.ToAll(close=0, frame='{"type":"room.status","status":"open"}'),
    wire.ToAll(close=4410, frame='{"type":"room.status","status":"concluded"}'),
    wire.ToAdmitted(frame=CHAT),
    wire.ToAttendee(attendee="0b6f5a4e-1", frame='{"type":"signal","data":{"sdp":"v=0\\r\\n"}}'),
    wire.Admit(attendee="0b6f5a4e-2"),
    wire.Listen(attendee="0b6f5a4e-2", audience=1),
    wire.Deny(attendee="0b6f5a4e-3", frame='{"type":"lobby.denied","reason":""}'),
    wire.Close(code=4403, attendee="0b6f5a4e-4"),
    wire.Close(code=4410),
]


def test_every_kind_is_covered():
    assert {type(envelope) for envelope in ENVELOPES} == set(wire.KINDS.values())


@pytest.mark.parametrize("envelope", ENVELOPES, ids=lambda e: type(e).__name__)
def test_build_encode_decode_gives_the_same_envelope(envelope):
    text = wire.encode(envelope)
    assert isinstance(text, str)
    assert wire.decode(text) == envelope


def test_the_diff_layout_is_the_one_redis_publishes():
    # rooms/presence/lua/flush.lua builds this text itself.
    assert wire.decode('diff\n5\n2\n{"a":1}\n{"b":2}') == wire.Diff(5, 2, '{"a":1}', '{"b":2}')


def test_a_newline_outside_the_last_field_is_refused():
    with pytest.raises(ValueError):
        wire.encode(wire.ToAttendee(attendee="a\nb", frame="{}"))


@pytest.mark.parametrize("text", ["", "nope\n1", "close", "diff\n1\n2\n{}"])
def test_what_is_not_an_envelope_is_refused(text):
    with pytest.raises(ValueError):
        wire.decode(text)
