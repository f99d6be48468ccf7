"""The one encoder of a participant and of the presence frames (PROTOCOL.md), in Python.

A participant is pre-encoded JSON: ``info`` is its static part without the closing brace, made
once at the door; ``participant_entry`` appends ``status``, ``connections`` and ``hand_raised``, then the media
fields (``media`` in the built-in call, ``camera``, ``microphone``), then ``quality`` (the connection
quality the participant's page reported: ``QUALITY_LEVELS``) only when one was reported. Frames are joined from ready
entries, so a diff for a room of 200 costs no ``json.dumps`` per participant.

Redis builds the same bytes inside its scripts (``lua/common.lua``: ``build``; ``lua/flush.lua``),
where a diff is made atomically with its sequence number; ``tests/rooms/test_presence_store.py``
checks that both backends give identical frames.
"""

from __future__ import annotations

import json

MEDIA_FLAGS = ("media", "camera", "microphone")
QUALITY_LEVELS = ("good", "fair", "poor")


def participant_info(*, attendee_id: str, name: str, role: str, role_label: str, moderator: bool,
                     extra: dict | None = None) -> str:
    """``extra``: fields only some participants carry (``listener``, ``accompanies``, ``companions``)."""
    body = json.dumps(
        {"id": attendee_id, "name": name, "role": role, "role_label": role_label, "moderator": moderator,
         **(extra or {})},
        ensure_ascii=False, separators=(",", ":"),
    )
    return body[:-1]


def _json_bool(value: bool) -> str:
    return "true" if value else "false"


def participant_entry(info: str, status: str, connections: int, hand: bool, media: frozenset = frozenset(),
                      quality: str = "") -> str:
    """A participant as listed in presence frames."""
    flags = "".join(f',"{flag}":{_json_bool(flag in media)}' for flag in MEDIA_FLAGS)
    if quality:
        flags += f',"quality":"{quality}"'
    return f'{info},"status":"{status}","connections":{connections},"hand_raised":{_json_bool(hand)}{flags}}}'


def sender(info: str) -> dict:
    """A participant as a chat line's ``from``: present, without the media fields."""
    return json.loads(f'{info},"status":"present","connections":1,"hand_raised":false}}')


def diff_frame(seq: int, joins: list[str], leaves: list[str], updates: list[str], audience: int = 0) -> str:
    return (
        f'{{"type":"presence.diff","seq":{seq},"joins":[{",".join(joins)}],'
        f'"leaves":[{",".join(leaves)}],"updates":[{",".join(updates)}],"audience":{audience}}}'
    )


def state_frame(seq: int, participants: list[str], audience: int = 0) -> str:
    return f'{{"type":"presence.state","seq":{seq},"participants":[{",".join(participants)}],"audience":{audience}}}'


def audience_page_frame(offset: int, total: int, members: list[str], *, matches: int | None = None,
                        query: str = "", joined: dict[str, str] | None = None) -> str:
    """A moderator's page of the audience (``audience.list``): ``matches`` how many match ``query``
    (the audience's size without one); ``joined`` each member's ``joined_at`` (ISO 8601) by id, added
    to their entry."""
    if joined:
        members = [_with_joined(entry, joined) for entry in members]
    return (
        f'{{"type":"audience.page","offset":{offset},"total":{total},'
        f'"matches":{total if matches is None else matches},"query":{json.dumps(query, ensure_ascii=False)},'
        f'"participants":[{",".join(members)}]}}'
    )


def _with_joined(entry: str, joined: dict[str, str]) -> str:
    when = joined.get(entry_id(entry))
    return f'{entry[:-1]},"joined_at":"{when}"}}' if when else entry


def entry_id(entry: str) -> str:
    """The participant id of an encoded entry: every entry starts with ``{"id":"<36 characters>"``."""
    return entry[7:43]
