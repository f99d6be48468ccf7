"""The contract of a presence store, and what its answers look like.

Two backends keep it: ``MemoryStore`` (one process, the embedded default) and ``RedisStore``
(several processes); ``tests/rooms/test_presence_store.py`` runs the same tests on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from rooms.presence.encoding import state_frame
from rooms.wire import Diff

# A room gets at most one presence.diff per window, which grows with the room: each diff is a frame
# written to every socket (~50 µs each on Daphne), so a join storm costs at most about a fifth of a
# core in frame writes. A join shows up within 15 ms in a small room, 50 ms in a room of 200.
FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT, FLUSH_MAX_SECONDS = 0.015, 0.00025, 0.25
# A room's audience (listen-only members, counted and not listed) changes its count at most once per
# this window: a flush whose changes include an audience member waits for it since the room's last.
AUDIENCE_WINDOW_SECONDS = 0.25
# The most audience members one ``audience.page`` lists.
AUDIENCE_PAGE_MAX = 200


def search_key(text: str) -> str:
    """What a name search compares: ASCII letters lowered only, as Redis's Lua ``string.lower`` does,
    so that both backends find the same listeners."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def name_matches(info: str, query: str) -> bool:
    """Whether the participant's name (as encoded in ``info``, JSON-escaped) holds ``query`` (lowered)."""
    start = info.find('"name":"') + 8
    end = info.find('","role":', start)
    return query in search_key(info[start:end])


def flush_window(participants: int) -> float:
    return min(FLUSH_MAX_SECONDS, max(FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT * participants))


class Flush(NamedTuple):
    """What a flush gives the hub: the diff to deliver here (the embedded store's; Redis publishes
    its own to every process), and how long to wait before flushing again when the room's window
    has not passed yet (the changes then wait in the store)."""

    diff: Diff | None
    retry_after: float = 0.0


@dataclass
class Snapshot:
    seq_all: int
    seq_public: int
    entries: list[tuple[str, bool]]  # (participant JSON, visible to non-moderators)
    audience: int = 0  # the audience's size as of ``seq_all``/``seq_public``: counted, never listed
    # Built once per audience: the sockets that share one snapshot (Hub.snapshot) share its frames.
    _frames: dict = field(default_factory=dict, repr=False, compare=False)

    def frame(self, *, moderator: bool) -> tuple[int, str]:
        if moderator not in self._frames:
            if moderator:
                built = self.seq_all, state_frame(self.seq_all, [entry for entry, _ in self.entries], self.audience)
            else:
                built = self.seq_public, state_frame(
                    self.seq_public, [entry for entry, public in self.entries if public], self.audience
                )
            self._frames[moderator] = built
        return self._frames[moderator]


class PresenceStore(Protocol):
    """Who is in each room, per attendee, with every change recorded for the next flush.

    ``aid`` is an attendee id, ``conn`` one socket's id, ``instance`` the id of the process holding
    it; ``info`` is the participant's static part (``encoding.participant_info``). The mutators
    answer whether anything others see changed (the caller then records the attendee for a flush).

    An attendee joined with ``audience`` set is, once admitted, counted and not listed: diffs and
    snapshots carry the audience's size (as of their sequence numbers), ``audience_page`` its members.
    """

    shared: bool  # whether other processes see the same store (and receive diffs through it)

    async def join(
        self, *, room: str, aid: str, conn: str, instance: str, info: str, admitted: bool, audience: bool = False
    ) -> int:
        """Register a connection; the attendee's connections now."""

    async def set_audience(self, *, room: str, aid: str, audience: bool) -> bool:
        """Move the attendee between the listed participants and the audience (hand and media off)."""

    async def audience_page(self, *, room: str, offset: int, limit: int, query: str = "") -> tuple[int, int, list[str]]:
        """The audience's size, how many of its members match ``query`` (all without one), and the
        entries of the matching members ``offset`` to ``offset + limit`` (by id). ``query`` matches a
        part of the name, ASCII letters in either case (``name_matches``)."""

    def audience_size_sync(self, *, room: str) -> int:
        """The audience's size as of the room's last diff, in O(1), for pages outside the room."""

    async def leave(self, *, room: str, aid: str, conn: str, instance: str, grace: float) -> bool:
        """Drop a connection; with its last, the attendee is away for ``grace`` seconds (gone at 0)."""

    async def admit(self, *, room: str, aid: str) -> bool: ...

    async def set_hand(self, *, room: str, aid: str, raised: bool) -> bool: ...

    async def set_media(self, *, room: str, aid: str, flags: frozenset) -> bool:
        """``flags``: the subset of ``MEDIA_FLAGS`` that is on; only while connected."""

    async def set_quality(self, *, room: str, aid: str, level: str) -> bool:
        """``level``: one of ``QUALITY_LEVELS``, the connection quality the attendee's page measured;
        only while connected, and forgotten with the media flags (leaving the call, the room)."""

    async def drop(self, *, room: str, aid: str) -> bool:
        """Take the attendee out of the room's list at once (denied or removed)."""

    async def flush(self, *, room: str, aids: set[str]) -> Flush:
        """One diff per audience for the changed attendees, numbered atomically with reading them."""

    async def snapshot(self, *, room: str) -> Snapshot: ...

    def snapshot_sync(self, *, room: str) -> Snapshot:
        """The same, for sync code outside the event loop (selectors)."""

    async def present(self, *, room: str) -> set[str]:
        """Admitted attendees with a live connection."""

    async def sweep(self, *, instance: str, now: float, ttl: float, grace: float) -> dict[str, set[str]]:
        """Heartbeat for ``instance``; reap dead instances and expired ``away``: the changed attendees per room."""
