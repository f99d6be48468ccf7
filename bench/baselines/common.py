"""What both baselines share: identity from the query string and PROTOCOL.md's frames.

The baselines skip sessions and join links (a participant names itself in the query string:
``/ws/rooms/<room>/?id=...&name=...``), which favours them; everything after the handshake speaks
the same messages as Hadir, encoded by Hadir's encoder (``rooms.presence.encoding``), so one load
client drives all three. (The Redis mode of ``raw_ws`` builds its diff inside a Lua script, as
Hadir's Redis store does, from the same participant bytes.)
"""

import json
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from rooms.presence.encoding import diff_frame, participant_entry, participant_info, state_frame


def identity(path: str) -> tuple[str, str, str] | None:
    """(room, participant id, name) from ``/ws/rooms/<room>/?id=..&name=..``, else None."""
    parts = urlsplit(path)
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    if len(segments) != 3 or segments[:2] != ["ws", "rooms"] or not query.get("id"):
        return None
    return segments[2], query["id"][0], query.get("name", [query["id"][0]])[0]


def participant(pid: str, name: str) -> str:
    """A present participant, encoded by Hadir's own encoder (so all three servers send the same shape)."""
    info = participant_info(attendee_id=pid, name=name, role="participant", role_label="", moderator=False)
    return participant_entry(info, "present", 1, False)


def hello(room: str, you: str) -> str:
    return f'{{"type":"hello","you":{you},"room":{{"id":"{room}","title":"baseline","kind":"","status":"open"}}}}'


def state(seq: int, participants: Iterable[str], audience: int = 0) -> str:
    return state_frame(seq, list(participants), audience)


def diff(seq: int, joins: Iterable[str] = (), leaves: Iterable[str] = (), audience: int = 0) -> str:
    return diff_frame(seq, list(joins), list(leaves), [], audience)


def chat(message_id: int, sender: str, text: str, at: str) -> dict:
    return {"type": "chat.message", "id": message_id, "from": json.loads(sender), "text": text, "at": at}
