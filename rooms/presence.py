"""Who is in a room right now, kept apart from Channels: in process memory, or in Redis.

Channels runs no ``disconnect`` when a process dies and keeps group members for a day, so
presence never relies on either. A connection is registered here under the id of the process
(instance) holding it; an instance that stops refreshing its heartbeat is reaped by any other
process's sweeper. A participant whose last connection dropped is ``away`` for a grace period,
then leaves.

Every change is recorded per attendee; ``flush`` turns a batch of changed attendees into one
``presence.diff`` per audience (moderators see waiting people, others do not), each numbered
by its own per-room sequence, atomically with reading the state (one Lua script in Redis, one
lock in memory), so that a snapshot taken at sequence N plus the diffs after N is the truth.

Participants are pre-encoded JSON: ``info`` is the static part without its closing brace,
and ``status``, ``connections`` and ``hand_raised`` are appended when the entry is built, then
the media fields ``media`` (in the built-in call), ``camera`` and ``microphone``, which a client
sets with ``media.state`` and which reset when the participant's last connection drops.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings

DIFF_PREFIX = "diff\n"

# A room gets at most one presence.diff per window, which grows with the room: each diff is a frame
# written to every socket (~50 µs each on Daphne), so a join storm costs at most about a fifth of a
# core in frame writes. A join shows up within 15 ms in a small room, 50 ms in a room of 200.
FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT, FLUSH_MAX_SECONDS = 0.015, 0.00025, 0.25
FLUSH_WINDOW_MS = [str(seconds * 1000) for seconds in (FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT,
                                                       FLUSH_MAX_SECONDS)]


def flush_window(participants: int) -> float:
    return min(FLUSH_MAX_SECONDS, max(FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT * participants))


class Flush(NamedTuple):
    """What a flush gives the hub: the message to deliver here (the embedded store's; Redis
    publishes its own), and how long to wait before flushing again when the room's window has
    not passed yet (the changes then wait in the store)."""

    message: str | None
    retry_after: float = 0.0


def participant_info(*, attendee_id: str, name: str, role: str, role_label: str, moderator: bool) -> str:
    body = json.dumps(
        {"id": attendee_id, "name": name, "role": role, "role_label": role_label, "moderator": moderator},
        ensure_ascii=False, separators=(",", ":"),
    )
    return body[:-1]


MEDIA_FLAGS = ("media", "camera", "microphone")


def _json_bool(value: bool) -> str:
    return "true" if value else "false"


def _entry(info: str, status: str, connections: int, hand: bool, media: frozenset = frozenset()) -> str:
    flags = "".join(f',"{flag}":{_json_bool(flag in media)}' for flag in MEDIA_FLAGS)
    return f'{info},"status":"{status}","connections":{connections},"hand_raised":{_json_bool(hand)}{flags}}}'


def diff_frame(seq: int, joins: list[str], leaves: list[str], updates: list[str]) -> str:
    return (
        f'{{"type":"presence.diff","seq":{seq},"joins":[{",".join(joins)}],'
        f'"leaves":[{",".join(leaves)}],"updates":[{",".join(updates)}]}}'
    )


def state_frame(seq: int, participants: list[str]) -> str:
    return f'{{"type":"presence.state","seq":{seq},"participants":[{",".join(participants)}]}}'


def diff_message(seq_all: int, frame_all: str, seq_public: int, frame_public: str) -> str:
    """What a flush publishes to every process serving the room (one message per process)."""
    return f"{DIFF_PREFIX}{seq_all}\n{seq_public}\n{frame_all}\n{frame_public}"


@dataclass
class Snapshot:
    seq_all: int
    seq_public: int
    entries: list[tuple[str, bool]]  # (participant JSON, visible to non-moderators)
    # Built once per audience: the sockets that share one snapshot (Hub.snapshot) share its frames.
    _frames: dict = field(default_factory=dict, repr=False, compare=False)

    def frame(self, *, moderator: bool) -> tuple[int, str]:
        if moderator not in self._frames:
            if moderator:
                built = self.seq_all, state_frame(self.seq_all, [entry for entry, _ in self.entries])
            else:
                built = self.seq_public, state_frame(
                    self.seq_public, [entry for entry, public in self.entries if public]
                )
            self._frames[moderator] = built
        return self._frames[moderator]


# --- in process memory (the embedded default) ---------------------------------------------------

@dataclass
class _MemoryRoom:
    info: dict[str, str] = field(default_factory=dict)
    connections: dict[str, int] = field(default_factory=dict)
    admitted: set[str] = field(default_factory=set)
    hands: set[str] = field(default_factory=set)
    media: dict[str, frozenset] = field(default_factory=dict)
    away: dict[str, float] = field(default_factory=dict)
    listed: dict[str, str] = field(default_factory=dict)
    listed_public: dict[str, str] = field(default_factory=dict)
    seq_all: int = 0
    seq_public: int = 0


class MemoryStore:
    """One process holds every connection, so its own bookkeeping is the truth.

    Thread-safe (one lock), so that sync selectors running in a worker thread may read it.
    """

    shared = False

    def __init__(self):
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
        state.away.pop(aid, None)

    async def join(self, *, room: str, aid: str, conn: str, instance: str, info: str, admitted: bool) -> int:
        with self._lock:
            state = self._room(room)
            state.info[aid] = info
            if admitted:
                state.admitted.add(aid)
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
            return True

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
        return _entry(info, status, count, aid in state.hands, state.media.get(aid, frozenset())), admitted

    async def flush(self, *, room: str, aids: set[str]) -> Flush:
        with self._lock:
            state = self._room(room)
            views = {True: ([], [], []), False: ([], [], [])}
            for aid in sorted(aids):
                entry, public = self._build(state, aid)
                for is_all, listed in ((True, state.listed), (False, state.listed_public)):
                    joins, leaves, updates = views[is_all]
                    visible = entry is not None and (is_all or public)
                    before = listed.get(aid)
                    if visible:
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
                if not (joins or leaves or updates):
                    frames.append((0, ""))
                    continue
                if is_all:
                    state.seq_all += 1
                    frames.append((state.seq_all, diff_frame(state.seq_all, joins, leaves, updates)))
                else:
                    state.seq_public += 1
                    frames.append((state.seq_public, diff_frame(state.seq_public, joins, leaves, updates)))
        if frames[0][0] == 0 and frames[1][0] == 0:
            return Flush(None)
        return Flush(diff_message(frames[0][0], frames[0][1], frames[1][0], frames[1][1]))

    async def snapshot(self, *, room: str) -> Snapshot:
        return self.snapshot_sync(room=room)

    def snapshot_sync(self, *, room: str) -> Snapshot:
        with self._lock:
            state = self._room(room)
            entries = []
            for aid in sorted(state.info, key=lambda a: state.info[a]):
                entry, public = self._build(state, aid)
                if entry is not None:
                    entries.append((entry, public))
            return Snapshot(state.seq_all, state.seq_public, entries)

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


# --- in Redis (several processes) -----------------------------------------------------------------

_BUILD = """
local function build(r, away, room, aid)
  local info = redis.call('HGET', r..'info', aid)
  if not info then return nil, false end
  local n = tonumber(redis.call('HGET', r..'n', aid) or '0')
  local adm = redis.call('SISMEMBER', r..'adm', aid) == 1
  local status
  if n > 0 then
    if adm then status = 'present' else status = 'waiting' end
  elseif redis.call('ZSCORE', away, room..'|'..aid) then
    status = 'away'
  else
    return nil, false
  end
  local hand = 'false'
  if redis.call('SISMEMBER', r..'hand', aid) == 1 then hand = 'true' end
  local media = ''
  for _, flag in ipairs({'media', 'camera', 'microphone'}) do
    local on = 'false'
    if redis.call('SISMEMBER', r..flag, aid) == 1 then on = 'true' end
    media = media..',"'..flag..'":'..on
  end
  return info..',"status":"'..status..'","connections":'..n..',"hand_raised":'..hand..media..'}', adm
end
-- Rooms nobody touches for a week leave nothing behind in Redis.
local function touch(r)
  for _, suffix in ipairs({'info', 'n', 'adm', 'hand', 'media', 'camera', 'microphone', 'listed', 'plisted',
                           'seq', 'pseq', 'pending', 'flushed'}) do
    redis.call('EXPIRE', r..suffix, 604800)
  end
end
local function media_off(r, aid)
  for _, flag in ipairs({'media', 'camera', 'microphone'}) do redis.call('SREM', r..flag, aid) end
end
local function gone(r, away, room, aid)
  media_off(r, aid)
  redis.call('HDEL', r..'info', aid)
  redis.call('HDEL', r..'n', aid)
  redis.call('SREM', r..'adm', aid)
  redis.call('SREM', r..'hand', aid)
  redis.call('ZREM', away, room..'|'..aid)
end
"""

# ARGV: prefix, room, aid, conn, instance, info, admitted ("1"/"0"), now
_JOIN = _BUILD + """
local p, room, aid = ARGV[1], ARGV[2], ARGV[3]
local r = p..'r:'..room..':'
-- An instance is known (and reapable) from its first connection, before its sweeper first runs.
redis.call('ZADD', p..'instances', 'NX', ARGV[8], ARGV[5])
redis.call('HSET', r..'info', aid, ARGV[6])
if ARGV[7] == '1' then redis.call('SADD', r..'adm', aid) end
redis.call('ZREM', p..'away', room..'|'..aid)
redis.call('SADD', p..'inst:'..ARGV[5], room..'|'..aid..'|'..ARGV[4])
redis.call('EXPIRE', p..'inst:'..ARGV[5], 604800)
local n = redis.call('HINCRBY', r..'n', aid, 1)
touch(r)
return n
"""

# ARGV: prefix, room, aid, conn, instance, now, grace
_LEAVE = _BUILD + """
local p, room, aid = ARGV[1], ARGV[2], ARGV[3]
local r = p..'r:'..room..':'
if redis.call('SREM', p..'inst:'..ARGV[5], room..'|'..aid..'|'..ARGV[4]) == 0 then return 0 end
if not redis.call('HGET', r..'info', aid) then
  redis.call('HDEL', r..'n', aid)
  return 0
end
local n = redis.call('HINCRBY', r..'n', aid, -1)
if n <= 0 then
  if tonumber(ARGV[7]) > 0 then
    redis.call('HDEL', r..'n', aid)
    media_off(r, aid)
    redis.call('ZADD', p..'away', ARGV[6], room..'|'..aid)
  else
    gone(r, p..'away', room, aid)
  end
end
return 1
"""

# ARGV: prefix, room, aid, mode ("admit" | "raise" | "lower" | "drop" | "media"), then for "media"
# "1"/"0" for each of media, camera, microphone
_MARK = _BUILD + """
local p, room, aid, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local r = p..'r:'..room..':'
if not redis.call('HGET', r..'info', aid) then return 0 end
if mode == 'admit' then return redis.call('SADD', r..'adm', aid) end
if mode == 'raise' then return redis.call('SADD', r..'hand', aid) end
if mode == 'lower' then return redis.call('SREM', r..'hand', aid) end
if mode == 'media' then
  if tonumber(redis.call('HGET', r..'n', aid) or '0') <= 0 then return 0 end
  local changed = 0
  for i, flag in ipairs({'media', 'camera', 'microphone'}) do
    if ARGV[4 + i] == '1' then changed = changed + redis.call('SADD', r..flag, aid)
    else changed = changed + redis.call('SREM', r..flag, aid) end
  end
  return changed
end
gone(r, p..'away', room, aid)
return 1
"""

# ARGV: prefix, room, window min, per participant and max (ms), aid... -> ms to wait, or 0 when done.
# The changed attendees join the room's 'pending' set; once the room's window since its last diff
# has passed, whichever process flushes takes them all and publishes one diff per audience. So a
# room gets one diff per window however many processes serve it (each diff is a frame per socket).
_FLUSH = _BUILD + """
local p, room = ARGV[1], ARGV[2]
local r = p..'r:'..room..':'
for i = 6, #ARGV do redis.call('SADD', r..'pending', ARGV[i]) end
if redis.call('SCARD', r..'pending') == 0 then return 0 end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local size = redis.call('HLEN', r..'listed')
local window = math.min(tonumber(ARGV[5]), math.max(tonumber(ARGV[3]), tonumber(ARGV[4]) * size))
local due = tonumber(redis.call('GET', r..'flushed') or '0') + window
if now < due then return math.floor(due - now) + 1 end
local aids = redis.call('SMEMBERS', r..'pending')
redis.call('DEL', r..'pending')
table.sort(aids)
local lists = {[1] = {{}, {}, {}}, [2] = {{}, {}, {}}}
local keys = {[1] = r..'listed', [2] = r..'plisted'}
for _, aid in ipairs(aids) do
  local entry, public = build(r, p..'away', room, aid)
  for v = 1, 2 do
    local visible = entry ~= nil and (v == 1 or public)
    local before = redis.call('HGET', keys[v], aid)
    if visible then
      if not before then table.insert(lists[v][1], entry)
      elseif before ~= entry then table.insert(lists[v][3], entry) end
      redis.call('HSET', keys[v], aid, entry)
    elseif before then
      table.insert(lists[v][2], before)
      redis.call('HDEL', keys[v], aid)
    end
  end
end
local seqs, frames = {0, 0}, {'', ''}
local seqkeys = {r..'seq', r..'pseq'}
for v = 1, 2 do
  local l = lists[v]
  if #l[1] + #l[2] + #l[3] > 0 then
    seqs[v] = redis.call('INCR', seqkeys[v])
    frames[v] = '{"type":"presence.diff","seq":'..seqs[v]..',"joins":['..table.concat(l[1], ',')..
      '],"leaves":['..table.concat(l[2], ',')..'],"updates":['..table.concat(l[3], ',')..']}'
  end
end
if seqs[1] == 0 and seqs[2] == 0 then return 0 end
redis.call('SET', r..'flushed', now)
touch(r)
redis.call('PUBLISH', p..'ch:'..room, 'diff\\n'..seqs[1]..'\\n'..seqs[2]..'\\n'..frames[1]..'\\n'..frames[2])
return 0
"""

# ARGV: prefix, room -> {seq, pseq, entry1, public1 ("1"/"0"), ...}
_SNAPSHOT = _BUILD + """
local p, room = ARGV[1], ARGV[2]
local r = p..'r:'..room..':'
local out = {tonumber(redis.call('GET', r..'seq') or '0'), tonumber(redis.call('GET', r..'pseq') or '0')}
for _, aid in ipairs(redis.call('HKEYS', r..'info')) do
  local entry, public = build(r, p..'away', room, aid)
  if entry then
    table.insert(out, entry)
    if public then table.insert(out, '1') else table.insert(out, '0') end
  end
end
return out
"""

# ARGV: prefix, room -> admitted attendees with a live connection
_PRESENT = """
local r = ARGV[1]..'r:'..ARGV[2]..':'
local out = {}
for _, aid in ipairs(redis.call('SMEMBERS', r..'adm')) do
  if tonumber(redis.call('HGET', r..'n', aid) or '0') > 0 then table.insert(out, aid) end
end
return out
"""

# ARGV: prefix, instance -> {room|aid, ...} of the reaped instance's connections (once, by one sweeper)
_REAP = _BUILD + """
local p, inst = ARGV[1], ARGV[2]
if redis.call('ZREM', p..'instances', inst) == 0 then return {} end
local out = {}
for _, member in ipairs(redis.call('SMEMBERS', p..'inst:'..inst)) do
  local room, aid = string.match(member, '^([^|]+)|([^|]+)|')
  local r = p..'r:'..room..':'
  if redis.call('HGET', r..'info', aid) then
    local n = redis.call('HINCRBY', r..'n', aid, -1)
    if n <= 0 then gone(r, p..'away', room, aid) end
  end
  table.insert(out, room..'|'..aid)
end
redis.call('DEL', p..'inst:'..inst)
return out
"""

# ARGV: prefix, cutoff -> {room|aid, ...} whose grace ran out
_EXPIRE_AWAY = _BUILD + """
local p = ARGV[1]
local out = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', p..'away', '-inf', ARGV[2], 'LIMIT', 0, 1000)) do
  if redis.call('ZREM', p..'away', member) == 1 then
    local room, aid = string.match(member, '^([^|]+)|(.+)$')
    local r = p..'r:'..room..':'
    if tonumber(redis.call('HGET', r..'n', aid) or '0') <= 0 then
      gone(r, p..'away', room, aid)
      table.insert(out, member)
    end
  end
end
return out
"""


def key_prefix() -> str:
    # Deployments (and test runs) that share one Redis each keep their own keys.
    return f"hadir:{settings.Q_CLUSTER['name']}:"


def channel_name(room: str) -> str:
    return f"{key_prefix()}ch:{room}"


def _decode(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


class RedisStore:
    shared = True

    def __init__(self, url: str):
        import redis
        import redis.asyncio as aioredis

        self.prefix = key_prefix()
        self.redis = aioredis.Redis.from_url(url, max_connections=200, socket_timeout=None, socket_keepalive=True)
        self.sync_redis = redis.Redis.from_url(url, socket_timeout=10)
        self._scripts = {
            name: self.redis.register_script(source)
            for name, source in {
                "join": _JOIN, "leave": _LEAVE, "mark": _MARK, "flush": _FLUSH, "snapshot": _SNAPSHOT,
                "present": _PRESENT, "reap": _REAP, "expire_away": _EXPIRE_AWAY,
            }.items()
        }
        self._sync_snapshot = self.sync_redis.register_script(_SNAPSHOT)

    async def _run(self, name: str, *args) -> object:
        return await self._scripts[name](keys=[], args=[self.prefix, *args])

    async def join(self, *, room: str, aid: str, conn: str, instance: str, info: str, admitted: bool) -> int:
        return int(
            await self._run("join", room, aid, conn, instance, info, "1" if admitted else "0", repr(time.time()))
        )

    async def leave(self, *, room: str, aid: str, conn: str, instance: str, grace: float) -> bool:
        return bool(await self._run("leave", room, aid, conn, instance, repr(time.time()), repr(grace)))

    async def admit(self, *, room: str, aid: str) -> bool:
        return bool(await self._run("mark", room, aid, "admit"))

    async def set_hand(self, *, room: str, aid: str, raised: bool) -> bool:
        return bool(await self._run("mark", room, aid, "raise" if raised else "lower"))

    async def set_media(self, *, room: str, aid: str, flags: frozenset) -> bool:
        return bool(await self._run("mark", room, aid, "media", *("1" if f in flags else "0" for f in MEDIA_FLAGS)))

    async def drop(self, *, room: str, aid: str) -> bool:
        return bool(await self._run("mark", room, aid, "drop"))

    async def flush(self, *, room: str, aids: set[str]) -> Flush:
        # Published by the script itself; every process (this one too) delivers it from Redis.
        wait_ms = await self._run("flush", room, *FLUSH_WINDOW_MS, *sorted(aids))
        return Flush(None, int(wait_ms) / 1000)

    @staticmethod
    def _snapshot(raw: list) -> Snapshot:
        entries = [(_decode(raw[i]), _decode(raw[i + 1]) == "1") for i in range(2, len(raw), 2)]
        entries.sort()
        return Snapshot(int(raw[0]), int(raw[1]), entries)

    async def snapshot(self, *, room: str) -> Snapshot:
        return self._snapshot(await self._run("snapshot", room))

    def snapshot_sync(self, *, room: str) -> Snapshot:
        return self._snapshot(self._sync_snapshot(keys=[], args=[self.prefix, room]))

    async def present(self, *, room: str) -> set[str]:
        return {_decode(aid) for aid in await self._run("present", room)}

    async def sweep(self, *, instance: str, now: float, ttl: float, grace: float) -> dict[str, set[str]]:
        changed: dict[str, set[str]] = {}
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(f"{self.prefix}instances", {instance: now})
            pipe.expire(f"{self.prefix}inst:{instance}", 604800)
            await pipe.execute()
        dead = await self.redis.zrangebyscore(f"{self.prefix}instances", "-inf", now - ttl)
        members = []
        for other in dead:
            members += await self._run("reap", _decode(other))
        members += await self._run("expire_away", repr(now - grace))
        for member in members:
            room, aid = _decode(member).split("|", 1)
            changed.setdefault(room, set()).add(aid)
        return changed

    async def publish(self, room: str, message: str) -> None:
        await self.redis.publish(channel_name(room), message)

    def publish_sync(self, room: str, message: str) -> None:
        self.sync_redis.publish(channel_name(room), message)
