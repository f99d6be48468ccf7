"""The load client's scenarios of issue 19 (``bench.loadclient`` runs them by name):

- ``audience_big``: a room of thousands, most of them listen-only: the audience storm as in
  ``audience``, then the server's memory per open connection and chat lines to everyone;
- ``queries``: the SQL queries per join link, per join, per chat line and per leave, read from
  ``bench.counting`` (``/__bench/queries`` of each server process), for each room of the spec.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit

from bench.listener import Light
from bench.loadclient import (
    Meter,
    Participant,
    Profiler,
    Run,
    chat_at,
    chat_result,
    gather_limited,
    latency_summary,
    now,
    participants_for,
    process_rss,
    wait_for,
)

__all__ = ["SCENARIOS", "Run"]


def _open(people: list[Participant]) -> list[Participant]:
    return [p for p in people if p.ready_after is not None and p.closed_code is None and p.failure is None]


async def audience_big(run: Run, params: dict) -> dict:
    """Participants first (the server's RSS is taken after them), then the seated audience, then a
    storm of ``storm`` listeners; convergence as in ``audience``; then RSS per connection with
    everyone open, and ``lines`` chat lines at ``rate`` from a participant to everyone."""
    room, targets = run.spec["rooms"][0], run.spec["targets"]
    pids = run.spec["server_pids"]
    # Light clients: the websockets client's cost per frame would bound a line to thousands.
    people = [Light(run, person, room["id"], targets[i % len(targets)]) for i, person in enumerate(room["people"])]
    listeners = [Light(run, person, room["id"], targets[i % len(targets)]) for i, person in enumerate(room["audience"])]
    storm_size = min(params["storm"], len(listeners))
    seated, joiners = listeners[:len(listeners) - storm_size], listeners[len(listeners) - storm_size:]
    run.expected, run.audience = {p.id for p in people}, len(seated)
    limit = params.get("concurrency", 64)
    await gather_limited([p.prepare() for p in people + listeners], 16)  # join links: sessions, not sockets
    await gather_limited([p.connect() for p in people], limit)
    await asyncio.sleep(1.0)
    base_rss = sum(map(process_rss, pids))
    await gather_limited([p.connect() for p in seated], limit)
    settled = await wait_for(lambda: all(p.complete_at for p in people + seated if p.opened_at),
                             params.get("timeout", 60), 0.05)
    seated_rss = sum(map(process_rss, pids))  # before the storm's transient buffers
    run.audience = len(listeners)
    for p in people + seated:
        p.complete_at = None
    profiler = Profiler(pids[0], params.get("profile"))
    meter = Meter(pids)
    started = now()
    await asyncio.gather(*(p.connect() for p in joiners))
    everyone = [p for p in people + listeners if p.opened_at is not None]
    last_handshake = max((p.opened_at for p in joiners if p.opened_at is not None), default=started)
    converged = await wait_for(lambda: all(p.complete_at for p in everyone), params.get("timeout", 60), 0.02)
    profiler.stop()
    storm_meter = meter.result()
    done = [p.complete_at for p in everyone if p.complete_at]
    await asyncio.sleep(params.get("settle", 2.0))
    held = _open(people + listeners)
    rss = sum(map(process_rss, pids))
    # Chat lines to everyone (presence frames are not parsed meanwhile: 5,000 of them would bound the client).
    run.track_presence = False
    meter = Meter(pids)
    sent = await chat_at(run, [people[0]], rate=params.get("rate", 1), duration=params.get("lines", 10) / params.get(
        "rate", 1), phase="line")
    await wait_for(lambda: run.receipts("line") >= sent * len(held), params.get("drain", 15))
    chat = {**chat_result(run, held, "line", sent), **meter.result(), "room_size": len(held)}
    result = {
        "size": len(people) + len(listeners), "participants": len(people), "audience": len(listeners),
        "storm": storm_size, "seated_before": settled,
        "failures": sum(1 for p in people + listeners if p.opened_at is None or p.failure),
        "failure_sample": sorted({p.failure or "never opened" for p in people + listeners
                                  if p.opened_at is None or p.failure})[:3],
        "converged": converged and len(everyone) == len(people) + len(listeners),
        "converge_after_last_handshake_s": round(max(max(done) - last_handshake, 0.0), 3) if converged else None,
        "incomplete_clients": len(everyone) - len(done),
        "handshake": latency_summary([p.handshake for p in joiners if p.handshake is not None]),
        "lost_updates": sum(p.lost_updates() for p in everyone),
        "resyncs": sum(p.resyncs for p in everyone),
        "storm_meter": storm_meter, "client_bound": storm_meter["client_bound"],
        "open": len(held), "rss_mib": round(rss / 2**20, 1), "base_rss_mib": round(base_rss / 2**20, 1),
        "rss_per_connection_kib": round((rss - base_rss) / max(len(held) - len(people), 1) / 1024, 1),
        "seated_rss_per_connection_kib": round((seated_rss - base_rss) / max(len(seated), 1) / 1024, 1),
        "chat": chat, "errors": run.errors,
    }
    await gather_limited([p.close() for p in people + listeners], 500)
    return result


async def bench_get(target: dict, path: str) -> dict:
    """What one server process behind ``bench.counting`` answers at ``path`` (``/__bench/…``)."""
    url = urlsplit(target["http"])
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
    answer = (await reader.read()).decode()
    writer.close()
    if " 200 " not in answer.split("\r\n", 1)[0]:
        raise RuntimeError(answer[:2000])
    return json.loads(answer.split("\r\n\r\n", 1)[1])


async def server_queries(run: Run) -> int:
    """The SQL queries of every server process so far (``bench.counting``)."""
    return sum([(await bench_get(target, "/__bench/queries"))["queries"] for target in run.spec["targets"]])


async def queries(run: Run, params: dict) -> dict:
    """For each room: queries per join link, per join (until every list is complete and the
    attendance written), per chat line and per leave, less the servers' own background queries
    (the sweeper's), counted over ``idle`` seconds first."""
    rooms = []
    idle = params.get("idle", 6.0)
    quiet = await server_queries(run)
    await asyncio.sleep(idle)
    background = (await server_queries(run) - quiet) / idle  # per second
    for index in range(len(run.spec["rooms"])):
        people = participants_for(run, index)
        run.expected, run.audience = {p.id for p in people}, None
        for p in people:
            p.run = run
        count = len(people)

        def spent(start_count: int, start: float) -> float:
            return start_count + background * (now() - start)

        started, before = now(), await server_queries(run)
        await gather_limited([p.prepare() for p in people], 16)
        linked, at_link = await server_queries(run), now()
        await gather_limited([p.connect() for p in people], params.get("concurrency", 64))
        complete = await wait_for(lambda people=people: all(p.complete_at for p in people), 60, 0.05)
        await asyncio.sleep(params.get("settle", 2.0))  # batched attendance writes
        joined, at_join = await server_queries(run), now()
        lines = params.get("lines", 20)
        phase = f"room{index}"
        sent = await chat_at(run, [people[0]], rate=params.get("rate", 10), duration=lines / params.get("rate", 10),
                             phase=phase)
        await wait_for(lambda phase=phase, n=sent * count: run.receipts(phase) >= n, 10)
        await asyncio.sleep(params.get("settle", 2.0))
        chatted, at_chat = await server_queries(run), now()
        await gather_limited([p.close() for p in people], 200)
        await asyncio.sleep(params.get("settle", 2.0))
        left = await server_queries(run)
        rooms.append({
            "room": count, "complete": complete, "failures": sum(1 for p in people if p.failure),
            "per_join_link": round((linked - spent(before, started)) / count, 2),
            "per_join": round((joined - spent(linked, at_link)) / count, 2),
            "per_chat_line": round((chatted - spent(joined, at_join)) / max(sent, 1), 2),
            "per_leave": round((left - spent(chatted, at_chat)) / count, 2),
            "chat_lost": sent * count - run.receipts(phase),
        })
    return {"rooms": rooms, "processes": len(run.spec["targets"]), "background_per_s": round(background, 2)}


SCENARIOS = {"audience_big": audience_big, "queries": queries}
