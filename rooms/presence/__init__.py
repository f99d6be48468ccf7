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

The modules: ``store`` (the ``PresenceStore`` contract, ``Snapshot``, ``Flush``, flush pacing),
``encoding`` (the one encoder of participants and frames), ``memory_store`` and ``redis_store``
(the backends; Redis's scripts in ``lua/``), and ``sync`` (the reference ``apply_diff``).
"""

from rooms.presence.encoding import MEDIA_FLAGS, QUALITY_LEVELS, participant_info
from rooms.presence.memory_store import MemoryStore
from rooms.presence.redis_store import RedisStore, channel_name, key_prefix
from rooms.presence.store import (
    AUDIENCE_PAGE_MAX,
    AUDIENCE_WINDOW_SECONDS,
    FLUSH_MAX_SECONDS,
    FLUSH_MIN_SECONDS,
    FLUSH_SECONDS_PER_PARTICIPANT,
    Flush,
    PresenceStore,
    Snapshot,
    flush_window,
)
from rooms.presence.sync import State, apply_diff, apply_state

__all__ = [
    "AUDIENCE_PAGE_MAX", "AUDIENCE_WINDOW_SECONDS", "FLUSH_MAX_SECONDS", "FLUSH_MIN_SECONDS",
    "FLUSH_SECONDS_PER_PARTICIPANT", "MEDIA_FLAGS", "QUALITY_LEVELS",
    "Flush", "MemoryStore", "PresenceStore", "RedisStore", "Snapshot",
    "State", "apply_diff", "apply_state", "channel_name", "flush_window", "key_prefix", "participant_info",
]
