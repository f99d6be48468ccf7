"""The ceiling: a room-broadcast server on raw ``websockets``, no framework in the way.

Each room event is encoded once and written to every socket of the room with
``websockets.broadcast``. With ``--redis URL`` several processes share rooms: the roster and its
sequence live in Redis (one Lua script updates both and publishes the diff, so diffs are numbered
in the order they are published) and each process relays the room's pub/sub channel to its own
sockets. Nothing expires a dead process's participants (no TTL): the ceiling measures relaying.

    python -m bench.baselines.raw_ws --port 8101 [--redis redis://127.0.0.1:6379/11]
"""

import argparse
import asyncio
import datetime
import itertools
import json

from websockets.asyncio.server import broadcast, serve

from bench.baselines import common

# KEYS: seq, roster, channel; ARGV: op, pid, participant JSON
_CHANGE = """
local seq = redis.call('INCR', KEYS[1])
local frame
if ARGV[1] == 'join' then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  frame = '{"type":"presence.diff","seq":' .. seq .. ',"joins":[' .. ARGV[3] .. '],"leaves":[],"updates":[]}'
else
  redis.call('HDEL', KEYS[2], ARGV[2])
  frame = '{"type":"presence.diff","seq":' .. seq .. ',"joins":[],"leaves":[' .. ARGV[3] .. '],"updates":[]}'
end
redis.call('PUBLISH', KEYS[3], frame)
return seq
"""
_SNAPSHOT = "return {redis.call('GET', KEYS[1]) or '0', redis.call('HVALS', KEYS[2])}"


class MemoryRooms:
    """One process: the roster next to the sockets."""

    def __init__(self):
        self.sockets: dict[str, set] = {}
        self.roster: dict[str, dict[str, str]] = {}
        self.seq: dict[str, int] = {}
        self.audience: dict[str, int] = {}
        self.counting: set[str] = set()  # rooms with an audience count update due

    async def start(self):
        pass

    async def join(self, room, pid, info, ws):
        self.sockets.setdefault(room, set()).add(ws)
        self.roster.setdefault(room, {})[pid] = info
        self.seq[room] = self.seq.get(room, 0) + 1
        count = self.audience.get(room, 0)
        await ws.send(common.state(self.seq[room], self.roster[room].values(), count))
        broadcast(self.sockets[room] - {ws}, common.diff(self.seq[room], joins=[info], audience=count))

    async def leave(self, room, pid, info, ws):
        self.sockets[room].discard(ws)
        self.roster[room].pop(pid, None)
        self.seq[room] += 1
        broadcast(self.sockets[room], common.diff(self.seq[room], leaves=[info], audience=self.audience.get(room, 0)))

    async def snapshot(self, room):
        return common.state(self.seq.get(room, 0), self.roster.get(room, {}).values(), self.audience.get(room, 0))

    async def listen(self, room, ws, change):
        """A listen-only member (``&listen=1``): counted, not listed; the count goes to everyone in
        one update at most every 250 ms, as Hadir's audience does."""
        if change > 0:
            self.sockets.setdefault(room, set()).add(ws)
        else:
            self.sockets[room].discard(ws)
        self.audience[room] = self.audience.get(room, 0) + change
        if change > 0:
            await ws.send(await self.snapshot(room))
        if room not in self.counting:
            self.counting.add(room)
            asyncio.get_running_loop().call_later(0.25, self._count, room)

    def _count(self, room):
        self.counting.discard(room)
        self.seq[room] = self.seq.get(room, 0) + 1
        broadcast(self.sockets.get(room, ()), common.diff(self.seq[room], audience=self.audience[room]))

    async def publish(self, room, frame):
        broadcast(self.sockets.get(room, ()), frame)


class RedisRooms:
    """Several processes: the roster in Redis, room events over one pub/sub channel per room."""

    def __init__(self, url):
        import redis.asyncio as aioredis

        self.redis = aioredis.Redis.from_url(url, socket_timeout=None, max_connections=500)
        self.sockets: dict[str, set] = {}
        self.subscribed: dict[str, asyncio.Future] = {}
        self.change = self.redis.register_script(_CHANGE)
        self.snap = self.redis.register_script(_SNAPSHOT)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)

    def keys(self, room):
        return [f"benchraw:{room}:seq", f"benchraw:{room}:roster", f"benchraw:{room}:ch"]

    async def start(self):
        # listen() ends at once while nothing is subscribed; a placeholder keeps it running.
        await self.pubsub.subscribe("benchraw:placeholder")
        asyncio.get_running_loop().create_task(self.listen())

    async def listen(self):
        async for message in self.pubsub.listen():
            if message["type"] == "message":
                room = message["channel"].decode().split(":")[1]
                broadcast(self.sockets.get(room, ()), message["data"].decode())

    async def join(self, room, pid, info, ws):
        if room not in self.subscribed:
            self.sockets[room] = set()
            self.subscribed[room] = asyncio.ensure_future(self.pubsub.subscribe(self.keys(room)[2]))
        # Every join waits for the subscription: a diff published before it would never arrive here.
        await self.subscribed[room]
        self.sockets[room].add(ws)
        await self.change(keys=self.keys(room), args=["join", pid, info])
        await ws.send(await self.snapshot(room))

    async def leave(self, room, pid, info, ws):
        self.sockets[room].discard(ws)
        await self.change(keys=self.keys(room), args=["leave", pid, info])

    async def snapshot(self, room):
        seq, values = await self.snap(keys=self.keys(room))
        return common.state(int(seq), [value.decode() for value in values])

    async def publish(self, room, frame):
        await self.redis.publish(self.keys(room)[2], frame)


async def main(port: int, redis_url: str | None):
    rooms = RedisRooms(redis_url) if redis_url else MemoryRooms()
    await rooms.start()
    ids = itertools.count(1)

    async def handler(ws):
        who = common.identity(ws.request.path)
        if who is None:
            await ws.close(4404)
            return
        room, pid, name = who
        info = common.participant(pid, name)
        await ws.send(common.hello(room, info))
        listens = isinstance(rooms, MemoryRooms) and "listen=1" in ws.request.path
        if listens:
            await rooms.listen(room, ws, 1)
        else:
            await rooms.join(room, pid, info, ws)
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "chat.send":
                    at = datetime.datetime.now(datetime.UTC).isoformat()
                    frame = json.dumps(common.chat(next(ids), info, message["text"], at), separators=(",", ":"))
                    await rooms.publish(room, frame)
                elif message.get("type") == "presence.sync":
                    await ws.send(await rooms.snapshot(room))
        finally:
            if listens:
                await rooms.listen(room, ws, -1)
            else:
                await rooms.leave(room, pid, info, ws)

    async with serve(handler, "127.0.0.1", port, compression=None, backlog=4096, max_queue=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.port, arguments.redis))
