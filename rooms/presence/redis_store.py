"""Presence in Redis: several processes serve a room, each reaped by the others should it die.

The work is done by the Lua scripts in ``lua/`` (each prefixed with ``lua/common.lua``), loaded
from the package with ``importlib.resources``.
"""

from __future__ import annotations

import time
from importlib import resources
from typing import Any

from django.conf import settings

from rooms.presence.encoding import MEDIA_FLAGS
from rooms.presence.store import (
    AUDIENCE_WINDOW_SECONDS,
    FLUSH_MAX_SECONDS,
    FLUSH_MIN_SECONDS,
    FLUSH_SECONDS_PER_PARTICIPANT,
    Flush,
    Snapshot,
)

SCRIPT_NAMES = ("join", "leave", "mark", "flush", "snapshot", "present", "reap", "expire_away", "audience_page")
FLUSH_WINDOW_MS = [str(seconds * 1000) for seconds in (FLUSH_MIN_SECONDS, FLUSH_SECONDS_PER_PARTICIPANT,
                                                       FLUSH_MAX_SECONDS, AUDIENCE_WINDOW_SECONDS)]


def _load_scripts() -> dict[str, str]:
    folder = resources.files("rooms.presence").joinpath("lua")
    common = folder.joinpath("common.lua").read_text(encoding="utf-8")
    return {name: common + folder.joinpath(f"{name}.lua").read_text(encoding="utf-8") for name in SCRIPT_NAMES}


SCRIPTS = _load_scripts()


def key_prefix() -> str:
    # Deployments (and test runs) that share one Redis each keep their own keys.
    return f"hadir:{settings.Q_CLUSTER['name']}:"


def channel_name(room: str) -> str:
    return f"{key_prefix()}ch:{room}"


def _decode(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisStore:
    """Presence in Redis, for several processes (``PresenceStore``): every change is one script,
    atomic with the reads it needs; a flush's script publishes the diff to every process itself."""

    shared = True

    def __init__(self, url: str):
        import redis
        import redis.asyncio as aioredis

        self.prefix = key_prefix()
        self.redis = aioredis.Redis.from_url(url, max_connections=200, socket_timeout=None, socket_keepalive=True)
        self.sync_redis = redis.Redis.from_url(url, socket_timeout=10)
        self._scripts = {name: self.redis.register_script(source) for name, source in SCRIPTS.items()}
        self._sync_snapshot = self.sync_redis.register_script(SCRIPTS["snapshot"])

    async def _run(self, name: str, *args: str | int | float) -> Any:
        return await self._scripts[name](keys=[], args=[self.prefix, *args])

    async def join(
        self, *, room: str, aid: str, conn: str, instance: str, info: str, admitted: bool, audience: bool = False
    ) -> int:
        flags = ("1" if admitted else "0", repr(time.time()), "1" if audience else "0")
        return int(await self._run("join", room, aid, conn, instance, info, *flags))

    async def leave(self, *, room: str, aid: str, conn: str, instance: str, grace: float) -> bool:
        return bool(await self._run("leave", room, aid, conn, instance, repr(time.time()), repr(grace)))

    async def admit(self, *, room: str, aid: str) -> bool:
        return bool(await self._run("mark", room, aid, "admit"))

    async def set_hand(self, *, room: str, aid: str, raised: bool) -> bool:
        return bool(await self._run("mark", room, aid, "raise" if raised else "lower"))

    async def set_media(self, *, room: str, aid: str, flags: frozenset) -> bool:
        return bool(await self._run("mark", room, aid, "media", *("1" if f in flags else "0" for f in MEDIA_FLAGS)))

    async def set_quality(self, *, room: str, aid: str, level: str) -> bool:
        return bool(await self._run("mark", room, aid, "quality", level))

    async def set_audience(self, *, room: str, aid: str, audience: bool) -> bool:
        return bool(await self._run("mark", room, aid, "listen" if audience else "speak"))

    async def audience_page(self, *, room: str, offset: int, limit: int, query: str = "") -> tuple[int, int, list[str]]:
        raw = await self._run("audience_page", room, offset, limit, query)
        return int(raw[0]), int(raw[1]), [_decode(entry) for entry in raw[2:]]

    def audience_size_sync(self, *, room: str) -> int:
        return int(self.sync_redis.scard(f"{self.prefix}r:{room}:counted"))

    async def drop(self, *, room: str, aid: str) -> bool:
        return bool(await self._run("mark", room, aid, "drop"))

    async def flush(self, *, room: str, aids: set[str]) -> Flush:
        # Published by the script itself; every process (this one too) delivers it from Redis.
        wait_ms = await self._run("flush", room, *FLUSH_WINDOW_MS, *sorted(aids))
        return Flush(None, int(wait_ms) / 1000)

    @staticmethod
    def _snapshot(raw: list) -> Snapshot:
        entries = [(_decode(raw[i]), _decode(raw[i + 1]) == "1") for i in range(3, len(raw), 2)]
        entries.sort()
        return Snapshot(int(raw[0]), int(raw[1]), entries, int(raw[2]))

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
        members: list[bytes | str] = []
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
