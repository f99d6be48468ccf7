"""Presence in process memory: the embedded default, where one process holds every connection."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from rooms.presence.encoding import diff_frame, participant_entry
from rooms.presence.store import Flush, Snapshot, name_matches
from rooms.wire import Diff


@dataclass
class _MemoryRoom:
    info: dict[str, str] = field(default_factory=dict)
    connections: dict[str, int] = field(default_factory=dict)
    admitted: set[str] = field(default_factory=set)
    hands: set[str] = field(default_factory=set)
    media: dict[str, frozenset] = field(default_factory=dict)
    quality: dict[str, str] = field(default_factory=dict)  # the level each page last reported
    away: dict[str, float] = field(default_factory=dict)
    listed: dict[str, str] = field(default_factory=dict)
    listed_public: dict[str, str] = field(default_factory=dict)
    audience: set[str] = field(default_factory=set)  # who listens only
    counted: set[str] = field(default_factory=set)  # the audience present, as of the last flush
    seq_all: int = 0
    seq_public: int = 0


class MemoryStore:
    """One process holds every connection, so its own bookkeeping is the truth (``PresenceStore``).

    Thread-safe (one lock), so that sync selectors running in a worker thread may read it.
    """

    shared = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[str, _MemoryRoom] = {}
        self._connections: dict[str, tuple[str, str]] = {}

    def _room(self, room: str) -> _MemoryRoom:
        state = self._rooms.get(room)
        if state is None:
            state = self._rooms[room] = _MemoryRoom()
        return state

    def _gone(self, state: _MemoryRoom, aid: str) -> None:
        state.info.pop(aid, None)
        state.connections.pop(aid, None)
        state.admitted.discard(aid)
        state.hands.discard(aid)
        state.media.pop(aid, None)
        state.quality.pop(aid, None)
        state.away.pop(aid, None)
        state.audience.discard(aid)

    async def join(
        self, *, room: str, aid: str, conn: str, instance: str, info: str, admitted: bool, audience: bool = False
    ) -> int:
        with self._lock:
            state = self._room(room)
            state.info[aid] = info
            if admitted:
                state.admitted.add(aid)
            (state.audience.add if audience else state.audience.discard)(aid)
            state.away.pop(aid, None)
            state.connections[aid] = state.connections.get(aid, 0) + 1
            self._connections[conn] = (room, aid)
            return state.connections[aid]

    async def leave(self, *, room: str, aid: str, conn: str, instance: str, grace: float) -> bool:
        with self._lock:
            if self._connections.pop(conn, None) is None:
                return False
            state = self._room(room)
            if aid not in state.info:
                state.connections.pop(aid, None)
                return False
            left = state.connections.get(aid, 0) - 1
            if left > 0:
                state.connections[aid] = left
            elif grace > 0:
                state.connections.pop(aid, None)
                state.media.pop(aid, None)
                state.quality.pop(aid, None)
                state.away[aid] = time.time()
            else:
                self._gone(state, aid)
            return True

    async def admit(self, *, room: str, aid: str) -> bool:
        with self._lock:
            state = self._room(room)
            if aid in state.admitted or aid not in state.info:
                return False
            state.admitted.add(aid)
            return True

    async def set_hand(self, *, room: str, aid: str, raised: bool) -> bool:
        with self._lock:
            state = self._room(room)
            if aid not in state.info or (aid in state.hands) == raised:
                return False
            (state.hands.add if raised else state.hands.discard)(aid)
            return True

    async def set_media(self, *, room: str, aid: str, flags: frozenset) -> bool:
        """``flags``: the subset of MEDIA_FLAGS that is on. False when nothing changed."""
        with self._lock:
            state = self._room(room)
            unchanged = state.media.get(aid, frozenset()) == flags
            if aid not in state.info or state.connections.get(aid, 0) == 0 or unchanged:
                return False
            state.media[aid] = flags
            if "media" not in flags:
                state.quality.pop(aid, None)
            return True

    async def set_quality(self, *, room: str, aid: str, level: str) -> bool:
        with self._lock:
            state = self._room(room)
            if aid not in state.info or state.connections.get(aid, 0) == 0 or state.quality.get(aid) == level:
                return False
            state.quality[aid] = level
            return True

    async def set_audience(self, *, room: str, aid: str, audience: bool) -> bool:
        with self._lock:
            state = self._room(room)
            if aid not in state.info or (aid in state.audience) == audience:
                return False
            if audience:
                state.audience.add(aid)
                state.hands.discard(aid)
                state.media.pop(aid, None)
                state.quality.pop(aid, None)
            else:
                state.audience.discard(aid)
            return True

    async def audience_page(self, *, room: str, offset: int, limit: int, query: str = "") -> tuple[int, int, list[str]]:
        with self._lock:
            state = self._room(room)
            members = sorted(state.counted)
            if query:
                members = [aid for aid in members if aid in state.info and name_matches(state.info[aid], query)]
            entries = [self._build(state, aid)[0] for aid in members[offset:offset + limit]]
            return len(state.counted), len(members), [entry for entry in entries if entry is not None]

    def audience_size_sync(self, *, room: str) -> int:
        with self._lock:
            state = self._rooms.get(room)
            return len(state.counted) if state is not None else 0

    async def drop(self, *, room: str, aid: str) -> bool:
        with self._lock:
            state = self._room(room)
            if aid not in state.info:
                return False
            self._gone(state, aid)
            return True

    def _build(self, state: _MemoryRoom, aid: str) -> tuple[str | None, bool]:
        info = state.info.get(aid)
        if info is None:
            return None, False
        count = state.connections.get(aid, 0)
        admitted = aid in state.admitted
        if count > 0:
            status = "present" if admitted else "waiting"
        elif aid in state.away:
            status = "away"
        else:
            return None, False
        entry = participant_entry(info, status, count, aid in state.hands, state.media.get(aid, frozenset()),
                                  state.quality.get(aid, ""))
        return entry, admitted

    def _view(self, state: _MemoryRoom, aid: str) -> tuple[str | None, bool, bool]:
        """(the entry to list or None, whether non-moderators see it, whether the audience counts it):
        an admitted audience member is counted while connected, never listed."""
        entry, admitted = self._build(state, aid)
        if admitted and aid in state.audience:
            return None, False, entry is not None and state.connections.get(aid, 0) > 0
        return entry, admitted, False

    async def flush(self, *, room: str, aids: set[str]) -> Flush:
        with self._lock:
            state = self._room(room)
            views: dict[bool, tuple[list[str], list[str], list[str]]] = {True: ([], [], []), False: ([], [], [])}
            recounted = False
            for aid in sorted(aids):
                entry, public, counted = self._view(state, aid)
                if counted != (aid in state.counted):
                    (state.counted.add if counted else state.counted.discard)(aid)
                    recounted = True
                for is_all, listed in ((True, state.listed), (False, state.listed_public)):
                    joins, leaves, updates = views[is_all]
                    before = listed.get(aid)
                    if entry is not None and (is_all or public):
                        if before is None:
                            joins.append(entry)
                        elif before != entry:
                            updates.append(entry)
                        listed[aid] = entry
                    elif before is not None:
                        leaves.append(listed.pop(aid))
            frames = []
            for is_all in (True, False):
                joins, leaves, updates = views[is_all]
                if not (joins or leaves or updates or recounted):
                    frames.append((0, ""))
                    continue
                audience = len(state.counted)
                if is_all:
                    state.seq_all += 1
                    frames.append((state.seq_all, diff_frame(state.seq_all, joins, leaves, updates, audience)))
                else:
                    state.seq_public += 1
                    frames.append((state.seq_public, diff_frame(state.seq_public, joins, leaves, updates, audience)))
        if frames[0][0] == 0 and frames[1][0] == 0:
            return Flush(None)
        return Flush(Diff(frames[0][0], frames[1][0], frames[0][1], frames[1][1]))

    async def snapshot(self, *, room: str) -> Snapshot:
        return self.snapshot_sync(room=room)

    def snapshot_sync(self, *, room: str) -> Snapshot:
        with self._lock:
            state = self._room(room)
            entries = []
            for aid in sorted(state.info, key=lambda a: state.info[a]):
                entry, public, _counted = self._view(state, aid)
                if entry is not None:
                    entries.append((entry, public))
            return Snapshot(state.seq_all, state.seq_public, entries, len(state.counted))

    async def present(self, *, room: str) -> set[str]:
        with self._lock:
            state = self._room(room)
            return {aid for aid, count in state.connections.items() if count > 0 and aid in state.admitted}

    async def sweep(self, *, instance: str, now: float, ttl: float, grace: float) -> dict[str, set[str]]:
        changed: dict[str, set[str]] = {}
        with self._lock:
            for room, state in self._rooms.items():
                for aid, since in list(state.away.items()):
                    if since <= now - grace:
                        self._gone(state, aid)
                        changed.setdefault(room, set()).add(aid)
        return changed
