"""How sync code (services, receivers, selectors) reaches the live rooms without importing the hub.

The process's hub installs itself here when it starts (``rooms.live.hub.Hub``), as Zulip's
``send_event_on_commit`` hands events to its Tornado side. A service says what reaches whom with a
``rooms.wire`` envelope and ``publish_on_commit``; the live side delivers it once the transaction
commits, so a rolled-back change is never announced. Where no hub runs in this process (a
management command, a django-q worker), the envelope still reaches the processes serving the room
through Redis, and with the embedded default there is no socket anywhere to tell.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.db import transaction

from rooms import wire
from rooms.presence import MemoryStore, PresenceStore, RedisStore


class LiveSide(Protocol):
    """What the hub offers sync code: its presence store, and delivery from any thread."""

    store: PresenceStore

    @property
    def running(self) -> bool:
        """Whether its event loop still runs (tests start a hub per event loop)."""

    def publish_threadsafe(self, room_id: str, envelope: wire.Envelope) -> None: ...


_live: LiveSide | None = None
_redis_store: RedisStore | None = None


def install(live: LiveSide) -> None:
    global _live
    _live = live


def current() -> LiveSide | None:
    """The installed live side while its loop runs."""
    if _live is not None and _live.running:
        return _live
    return None


def publish(room_id: str, envelope: wire.Envelope) -> None:
    """Tell every process serving the room now (from sync code, any thread)."""
    live = current()
    if live is not None:
        live.publish_threadsafe(room_id, envelope)
    elif settings.REDIS_URL:
        _shared_store().publish_sync(room_id, wire.encode(envelope))


def publish_on_commit(room_id: str, envelope: wire.Envelope) -> None:
    """Tell every process serving the room once the current transaction commits."""
    transaction.on_commit(lambda: publish(room_id, envelope))


def presence_store() -> PresenceStore:
    """The presence store, for sync code running outside the event loop (selectors, services)."""
    live = current()
    if live is not None:
        return live.store
    if settings.REDIS_URL:
        return _shared_store()
    return MemoryStore()


def _shared_store() -> RedisStore:
    global _redis_store
    if _redis_store is None:
        _redis_store = RedisStore(settings.REDIS_URL)
    return _redis_store
