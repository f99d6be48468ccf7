"""What both baselines share: identity from the query string and PROTOCOL.md's frames.

The baselines skip sessions and join links (a participant names itself in the query string:
``/ws/rooms/<room>/?id=...&name=...``), which favours them; everything after the handshake speaks
the same messages as Hadir, so one load client drives all three.
"""

import json
from urllib.parse import parse_qs, urlsplit


def identity(path: str) -> tuple[str, str, str] | None:
    """(room, participant id, name) from ``/ws/rooms/<room>/?id=..&name=..``, else None."""
    parts = urlsplit(path)
    segments = [segment for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    if len(segments) != 3 or segments[:2] != ["ws", "rooms"] or not query.get("id"):
        return None
    return segments[2], query["id"][0], query.get("name", [query["id"][0]])[0]


def participant(pid: str, name: str) -> str:
    return json.dumps(
        {"id": pid, "name": name, "role": "participant", "moderator": False, "status": "present",
         "connections": 1, "hand_raised": False},
        separators=(",", ":"),
    )


def hello(room: str, you: str) -> str:
    return f'{{"type":"hello","you":{you},"room":{{"id":"{room}","title":"baseline","kind":"","status":"open"}}}}'


def state(seq: int, participants) -> str:
    return f'{{"type":"presence.state","seq":{seq},"participants":[{",".join(participants)}]}}'


def diff(seq: int, joins=(), leaves=()) -> str:
    return (
        f'{{"type":"presence.diff","seq":{seq},"joins":[{",".join(joins)}],'
        f'"leaves":[{",".join(leaves)}],"updates":[]}}'
    )


def chat(message_id: int, sender: str, text: str, at: str) -> dict:
    return {"type": "chat.message", "id": message_id, "from": json.loads(sender), "text": text, "at": at}
