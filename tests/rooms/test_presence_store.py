"""The presence store on its own, in memory and in Redis: the same behaviour from both."""

import asyncio
import json
import time
import uuid

import pytest

from rooms import wire
from rooms.presence import MemoryStore, RedisStore, participant_info
from rooms.presence.store import search_key

ROOM = "room-1"


def info(aid: str, name: str, moderator: bool = False) -> str:
    return participant_info(
        attendee_id=aid, name=name, role="participant", role_label="participant", moderator=moderator
    )


def parse(diff: wire.Diff | None) -> dict:
    """A flush's diff as the two frames (moderators', everyone else's)."""
    assert isinstance(diff, wire.Diff)
    return {
        "all": json.loads(diff.frame_all) if diff.seq_all else None,
        "public": json.loads(diff.frame_public) if diff.seq_public else None,
    }


class Memory(MemoryStore):
    async def flush(self, *, room, aids):
        return (await super().flush(room=room, aids=aids)).diff


@pytest.fixture(params=["memory", "redis"])
async def store(request, settings):
    if request.param == "memory":
        yield Memory()
        return
    url = request.getfixturevalue("redis_url")
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "name": f"test-{uuid.uuid4().hex[:8]}"}
    instance = RedisStore(url)
    instance.published = []
    pubsub = instance.redis.pubsub()
    await pubsub.subscribe(f"{instance.prefix}ch:{ROOM}")

    async def flush(*, room, aids):
        # As the hub does: while the room's window has not passed, the changes wait in Redis.
        flushed = await RedisStore.flush(instance, room=room, aids=aids)
        while flushed.retry_after:
            await asyncio.sleep(flushed.retry_after)
            flushed = await RedisStore.flush(instance, room=room, aids=set())
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message is not None and message["type"] == "message":
                return wire.decode(message["data"].decode())
        return None

    instance.flush = flush
    yield instance
    await pubsub.aclose()
    keys = await instance.redis.keys(f"{instance.prefix}*")
    if keys:
        await instance.redis.delete(*keys)
    await instance.redis.aclose()


async def test_join_flush_snapshot(store):
    assert await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True) == 1
    assert await store.join(room=ROOM, aid="a", conn="c2", instance="i1", info=info("a", "Ani"), admitted=True) == 2
    await store.join(room=ROOM, aid="w", conn="c3", instance="i1", info=info("w", "Wati"), admitted=False)
    frames = parse(await store.flush(room=ROOM, aids={"a", "w"}))
    assert frames["all"]["seq"] == 1 and sorted(p["name"] for p in frames["all"]["joins"]) == ["Ani", "Wati"]
    assert frames["public"]["seq"] == 1 and [p["name"] for p in frames["public"]["joins"]] == ["Ani"]
    assert frames["public"]["joins"][0]["connections"] == 2
    snapshot = await store.snapshot(room=ROOM)
    assert (snapshot.seq_all, snapshot.seq_public) == (1, 1)
    seq, frame = snapshot.frame(moderator=False)
    assert seq == 1 and [p["name"] for p in json.loads(frame)["participants"]] == ["Ani"]
    _seq, frame = snapshot.frame(moderator=True)
    assert {p["name"]: p["status"] for p in json.loads(frame)["participants"]} == {"Ani": "present", "Wati": "waiting"}
    assert await store.present(room=ROOM) == {"a"}


async def test_a_change_nobody_sees_sends_nothing(store):
    await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True)
    assert await store.flush(room=ROOM, aids={"a"})
    assert await store.flush(room=ROOM, aids={"a"}) is None


async def test_admission_is_a_join_for_the_public_and_an_update_for_moderators(store):
    await store.join(room=ROOM, aid="w", conn="c1", instance="i1", info=info("w", "Wati"), admitted=False)
    await store.flush(room=ROOM, aids={"w"})
    assert await store.admit(room=ROOM, aid="w") is True
    assert await store.admit(room=ROOM, aid="w") is False
    frames = parse(await store.flush(room=ROOM, aids={"w"}))
    assert frames["all"]["updates"][0]["status"] == "present" and frames["all"]["seq"] == 2
    assert frames["public"]["joins"][0]["name"] == "Wati" and frames["public"]["seq"] == 1


async def test_last_connection_gone_is_away_then_leaves_after_grace(store):
    await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True)
    await store.flush(room=ROOM, aids={"a"})
    assert await store.leave(room=ROOM, aid="a", conn="c1", instance="i1", grace=20) is True
    assert await store.leave(room=ROOM, aid="a", conn="c1", instance="i1", grace=20) is False
    frames = parse(await store.flush(room=ROOM, aids={"a"}))
    assert frames["public"]["updates"][0]["status"] == "away"
    assert await store.sweep(instance="i2", now=time.time(), ttl=30, grace=20) == {}
    changed = await store.sweep(instance="i2", now=time.time() + 21, ttl=30, grace=20)
    assert changed == {ROOM: {"a"}}
    frames = parse(await store.flush(room=ROOM, aids={"a"}))
    assert [p["name"] for p in frames["public"]["leaves"]] == ["Ani"]
    assert (await store.snapshot(room=ROOM)).entries == []


async def test_hand_and_drop(store):
    await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True)
    await store.flush(room=ROOM, aids={"a"})
    assert await store.set_hand(room=ROOM, aid="a", raised=True) is True
    assert await store.set_hand(room=ROOM, aid="a", raised=True) is False
    frames = parse(await store.flush(room=ROOM, aids={"a"}))
    assert frames["public"]["updates"][0]["hand_raised"] is True
    assert await store.drop(room=ROOM, aid="a") is True
    frames = parse(await store.flush(room=ROOM, aids={"a"}))
    assert frames["public"]["leaves"][0]["name"] == "Ani"
    assert await store.leave(room=ROOM, aid="a", conn="c1", instance="i1", grace=20) is False


async def test_a_dead_instance_is_reaped_by_another(redis_url, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "name": f"test-{uuid.uuid4().hex[:8]}"}
    store = RedisStore(redis_url)
    try:
        now = time.time()
        await store.join(room=ROOM, aid="a", conn="c1", instance="dead", info=info("a", "Ani"), admitted=True)
        await store.join(room=ROOM, aid="b", conn="c2", instance="dead", info=info("b", "Budi"), admitted=True)
        await store.join(room=ROOM, aid="b", conn="c3", instance="alive", info=info("b", "Budi"), admitted=True)
        assert await store.sweep(instance="dead", now=now - 100, ttl=30, grace=20) == {}  # its last heartbeat
        changed = await store.sweep(instance="alive", now=now, ttl=30, grace=20)
        assert changed == {ROOM: {"a", "b"}}
        snapshot = await store.snapshot(room=ROOM)
        assert [json.loads(entry)["name"] for entry, _ in snapshot.entries] == ["Budi"]
        assert json.loads(snapshot.entries[0][0])["connections"] == 1
        # Reaped once: a second sweeper finds nothing.
        assert await store.sweep(instance="other", now=now + 2, ttl=30, grace=20) == {}
    finally:
        keys = await store.redis.keys(f"{store.prefix}*")
        if keys:
            await store.redis.delete(*keys)
        await store.redis.aclose()


async def test_redis_paces_a_rooms_diffs_across_processes(redis_url, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "name": f"test-{uuid.uuid4().hex[:8]}"}
    first, second = RedisStore(redis_url), RedisStore(redis_url)  # two processes
    pubsub = first.redis.pubsub()
    await pubsub.subscribe(f"{first.prefix}ch:{ROOM}")
    try:
        for aid, name, process in (("a", "Ani", first), ("b", "Budi", second), ("c", "Citra", second)):
            await process.join(room=ROOM, aid=aid, conn=f"c-{aid}", instance="i1", info=info(aid, name), admitted=True)
        assert (await first.flush(room=ROOM, aids={"a"})).retry_after == 0
        # Within the window after that diff: the changes of either process wait in Redis.
        waits = [(await second.flush(room=ROOM, aids={"b"})).retry_after,
                 (await first.flush(room=ROOM, aids={"c"})).retry_after]
        assert all(0 < wait <= 0.016 for wait in waits)
        await asyncio.sleep(max(waits))
        assert (await second.flush(room=ROOM, aids=set())).retry_after == 0
        assert (await first.flush(room=ROOM, aids=set())).retry_after == 0  # nothing left: no diff
        diffs, deadline = [], time.monotonic() + 1
        while time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if message is not None and message["type"] == "message":
                diffs.append(parse(wire.decode(message["data"].decode()))["all"])
        assert [(d["seq"], sorted(p["name"] for p in d["joins"])) for d in diffs] == [
            (1, ["Ani"]), (2, ["Budi", "Citra"])
        ]
    finally:
        await pubsub.aclose()
        keys = await first.redis.keys(f"{first.prefix}*")
        if keys:
            await first.redis.delete(*keys)
        for store in (first, second):
            await store.redis.aclose()


async def test_both_backends_encode_the_same_bytes(redis_url, settings):
    """One encoding: the Lua scripts build participants and diffs exactly as ``encoding.py`` does."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "name": f"test-{uuid.uuid4().hex[:8]}"}
    memory, redis_store = MemoryStore(), RedisStore(redis_url)
    pubsub = redis_store.redis.pubsub()
    await pubsub.subscribe(f"{redis_store.prefix}ch:{ROOM}")
    diffs = {"memory": [], "redis": []}
    try:
        for name, store in (("memory", memory), ("redis", redis_store)):
            await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani \"A\" ü"), admitted=True)
            await store.join(room=ROOM, aid="w", conn="c2", instance="i1", info=info("w", "Wati", True), admitted=False)
            await store.set_hand(room=ROOM, aid="a", raised=True)
            await store.set_media(room=ROOM, aid="a", flags=frozenset({"media", "microphone"}))
            for step, aids in enumerate(({"a", "w"}, {"a"})):
                if step:
                    await store.leave(room=ROOM, aid="a", conn="c1", instance="i1", grace=20)
                flushed = await store.flush(room=ROOM, aids=aids)
                while flushed.retry_after:
                    await asyncio.sleep(flushed.retry_after)
                    flushed = await store.flush(room=ROOM, aids=set())
                if flushed.diff is not None:
                    diffs[name].append(flushed.diff)
        deadline = time.monotonic() + 1
        while len(diffs["redis"]) < len(diffs["memory"]) and time.monotonic() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if message is not None and message["type"] == "message":
                diffs["redis"].append(wire.decode(message["data"].decode()))
        assert len(diffs["memory"]) == 2 and diffs["redis"] == diffs["memory"]
        snapshots = [await store.snapshot(room=ROOM) for store in (memory, redis_store)]
        assert snapshots[0] == snapshots[1]
        assert snapshots[0].frame(moderator=True) == snapshots[1].frame(moderator=True)
    finally:
        await pubsub.aclose()
        keys = await redis_store.redis.keys(f"{redis_store.prefix}*")
        if keys:
            await redis_store.redis.delete(*keys)
        await redis_store.redis.aclose()


async def test_the_audience_is_counted_not_listed_and_paged(store):
    """Listen-only members (audience) change the count in one diff per flush, never the lists."""
    await store.join(room=ROOM, aid="a", conn="c1", instance="i1", info=info("a", "Ani"), admitted=True)
    for index in range(5):
        aid = f"l{index}"
        await store.join(room=ROOM, aid=aid, conn=f"cl{index}", instance="i1", info=info(aid, f"Listener {index}"),
                         admitted=True, audience=True)
    frames = parse(await store.flush(room=ROOM, aids={"a", *(f"l{index}" for index in range(5))}))
    for view in ("all", "public"):
        assert [p["name"] for p in frames[view]["joins"]] == ["Ani"] and frames[view]["audience"] == 5
    snapshot = await store.snapshot(room=ROOM)
    assert snapshot.audience == 5 and [json.loads(entry)["name"] for entry, _ in snapshot.entries] == ["Ani"]
    for moderator in (True, False):
        state = json.loads(snapshot.frame(moderator=moderator)[1])
        assert state["audience"] == 5 and [p["name"] for p in state["participants"]] == ["Ani"]
    total, matches, page = await store.audience_page(room=ROOM, offset=1, limit=2)
    assert total == matches == 5 and [json.loads(entry)["name"] for entry in page] == ["Listener 1", "Listener 2"]
    assert store.audience_size_sync(room=ROOM) == 5 and store.audience_size_sync(room="elsewhere") == 0

    # A listener leaving is a count, not a leave, in both views.
    await store.leave(room=ROOM, aid="l0", conn="cl0", instance="i1", grace=0)
    frames = parse(await store.flush(room=ROOM, aids={"l0"}))
    for view in ("all", "public"):
        assert frames[view]["audience"] == 4 and frames[view]["joins"] == frames[view]["leaves"] == []


async def test_a_listener_promoted_and_demoted_moves_between_the_lists(store):
    await store.join(room=ROOM, aid="l", conn="c1", instance="i1", info=info("l", "Lina"), admitted=True, audience=True)
    await store.flush(room=ROOM, aids={"l"})
    assert await store.set_audience(room=ROOM, aid="l", audience=False) is True
    assert await store.set_audience(room=ROOM, aid="l", audience=False) is False
    frames = parse(await store.flush(room=ROOM, aids={"l"}))
    assert [p["name"] for p in frames["public"]["joins"]] == ["Lina"] and frames["public"]["audience"] == 0
    assert await store.set_hand(room=ROOM, aid="l", raised=True) is True
    await store.flush(room=ROOM, aids={"l"})
    assert await store.set_audience(room=ROOM, aid="l", audience=True) is True
    frames = parse(await store.flush(room=ROOM, aids={"l"}))
    assert [p["name"] for p in frames["public"]["leaves"]] == ["Lina"] and frames["public"]["audience"] == 1
    total, _matches, page = await store.audience_page(room=ROOM, offset=0, limit=10)
    assert total == 1 and json.loads(page[0])["hand_raised"] is False  # back in the audience, the hand is down


async def test_a_waiting_listener_is_listed_to_moderators_until_admitted(store):
    await store.join(room=ROOM, aid="l", conn="c1", instance="i1", info=info("l", "Lina"), admitted=False,
                     audience=True)
    frames = parse(await store.flush(room=ROOM, aids={"l"}))
    assert frames["all"]["joins"][0]["status"] == "waiting" and frames["public"] is None
    await store.admit(room=ROOM, aid="l")
    frames = parse(await store.flush(room=ROOM, aids={"l"}))
    assert [p["name"] for p in frames["all"]["leaves"]] == ["Lina"] and frames["all"]["audience"] == 1
    assert frames["public"]["audience"] == 1 and frames["public"]["leaves"] == []


async def test_the_audience_is_searched_by_a_part_of_the_name(store):
    names = ["Siti Rahma", "Budi", "SITI Nur", "Ratna \"Siti\"", "Śiti"]
    for index, name in enumerate(names):
        await store.join(room=ROOM, aid=f"l{index}", conn=f"c{index}", instance="i1", info=info(f"l{index}", name),
                         admitted=True, audience=True)
    await store.flush(room=ROOM, aids={f"l{index}" for index in range(len(names))})
    total, matches, page = await store.audience_page(room=ROOM, offset=0, limit=10, query=search_key("Siti"))
    assert (total, matches) == (5, 3)
    assert sorted(json.loads(entry)["name"] for entry in page) == ["Ratna \"Siti\"", "SITI Nur", "Siti Rahma"]
    total, matches, page = await store.audience_page(room=ROOM, offset=1, limit=1, query="siti")
    assert (total, matches, len(page)) == (5, 3, 1)
    total, matches, page = await store.audience_page(room=ROOM, offset=0, limit=10, query="role")
    assert (total, matches, page) == (5, 0, [])
