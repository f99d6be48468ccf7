"""The envelope of a room event between the processes serving the room: built and read here only.

A service, a consumer or a presence flush says *what* reaches *whom* with one of the small types
below; the hub delivers it to its own sockets (``Hub.dispatch``). In the embedded default the
envelope is handed over as it is; with Redis it crosses processes as text (``encode`` /
``decode``), one pub/sub message per process serving the room.

The text is a tag and the fields, one per line, the frame last (so the frame may hold anything);
every other field is newline-free: ids, codes, and the ``frame_all`` of a ``Diff``, JSON from the
presence encoder. Splitting a line is cheaper than parsing JSON that quotes the whole frame again,
and a diff frame of a room of 200 is tens of kilobytes. Redis's flush script builds a ``Diff``
itself (``rooms/presence/lua/flush.lua``), in the same layout, atomically with its sequence numbers.
The frames are the WebSocket messages of PROTOCOL.md, encoded once for every socket.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class Diff:
    """A presence diff from a flush, one frame per audience: moderators (``all``) and everyone
    else admitted (``public``); a sequence number 0 means nothing for that audience."""

    TAG: ClassVar[str] = "diff"
    seq_all: int
    seq_public: int
    frame_all: str
    frame_public: str


@dataclass(frozen=True, slots=True)
class ToAll:
    """A frame for every socket of the room, the lobby too (a status); ``close``: then close them all."""

    TAG: ClassVar[str] = "all"
    close: int
    frame: str


@dataclass(frozen=True, slots=True)
class ToAdmitted:
    """A frame for the admitted sockets (a chat line)."""

    TAG: ClassVar[str] = "admitted"
    frame: str


@dataclass(frozen=True, slots=True)
class ToAttendee:
    """A frame for one attendee's admitted sockets (a signal, a mute request)."""

    TAG: ClassVar[str] = "to"
    attendee: str
    frame: str


@dataclass(frozen=True, slots=True)
class Admit:
    """A moderator let the attendee in: their sockets enter the room."""

    TAG: ClassVar[str] = "admit"
    attendee: str


@dataclass(frozen=True, slots=True)
class Listen:
    """A moderator moved the attendee into the audience (``audience`` 1) or made them a speaker (0)."""

    TAG: ClassVar[str] = "listen"
    attendee: str
    audience: int


@dataclass(frozen=True, slots=True)
class Deny:
    """A moderator refused or removed the attendee: the frame (``lobby.denied``), then close 4403."""

    TAG: ClassVar[str] = "deny"
    attendee: str
    frame: str


@dataclass(frozen=True, slots=True)
class Close:
    """Close the attendee's sockets (``attendee`` empty: every socket of the room) with ``code``."""

    TAG: ClassVar[str] = "close"
    code: int
    attendee: str = ""


Envelope = Diff | ToAll | ToAdmitted | ToAttendee | Admit | Listen | Deny | Close

KINDS: dict[str, type] = {
    kind.TAG: kind for kind in (Diff, ToAll, ToAdmitted, ToAttendee, Admit, Listen, Deny, Close)
}
# Per kind: its fields in order, and which of them are integers (decoded with int()).
_NAMES = {kind: tuple(field.name for field in fields(kind)) for kind in KINDS.values()}
_INTEGERS = {tag: tuple(field.type == "int" for field in fields(kind)) for tag, kind in KINDS.items()}


def encode(envelope: Envelope) -> str:
    values = [str(getattr(envelope, name)) for name in _NAMES[type(envelope)]]
    if any(SEPARATOR in value for value in values[:-1]):
        raise ValueError(f"only the last field of a {envelope.TAG} envelope may hold a newline")
    return SEPARATOR.join((envelope.TAG, *values))


def decode(message: str) -> Envelope:
    tag, _, rest = message.partition(SEPARATOR)
    try:
        integers = _INTEGERS[tag]
    except KeyError:
        raise ValueError(f"unknown room envelope {tag!r}") from None
    count = len(integers)
    values = rest.split(SEPARATOR, count - 1)
    if len(values) != count:
        raise ValueError(f"a {tag} envelope has {count} fields, not {len(values)}")
    return KINDS[tag](*(int(value) if integer else value for value, integer in zip(values, integers, strict=True)))
