"""The load client: one asyncio process (pinned by the runner to its own core) speaking PROTOCOL.md.

It drives Hadir through real join links (GET the link, keep the session cookie, connect with it
and an ``Origin`` header) and the two baselines through a thin adapter (identity in the query
string); everything after the handshake is the same code. It measures:

- chat: each ``chat.send`` carries a nonce (``bench:<nonce>:``); the send instant is kept here,
  so send → receive latency is taken per recipient on one clock; lost and duplicated lines;
- presence: ``presence.state`` and ``presence.diff`` applied by sequence number; a gap asks for
  ``presence.sync`` (diffs after it wait in a buffer), so a client that resyncs is complete when
  its list is right; an update is lost when its sequence number never arrived, duplicated when
  it arrived twice;
- its own CPU time, so that a figure bounded by the client rather than the server is marked.

    python -m bench.loadclient SCENARIO --spec spec.json --params '{"size": 50, ...}'

prints one JSON object. ``spec.json``: ``{"kind": "hadir"|"baseline", "targets": [{"http", "ws"}],
"server_pids": [...], "rooms": [{"id", "people": [{"id", "name", "join_url"}]}]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import quote, urlsplit

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from rooms.presence.sync import apply_diff, apply_state

CLIENT_BOUND = 0.8  # the client's CPU share of its core above which its figures are marked
CHAT_MARK = '"text":"bench:'
now = time.perf_counter


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 2)


def latency_summary(values: list[float]) -> dict:
    return {"p50_ms": ms(percentile(values, 0.50)), "p99_ms": ms(percentile(values, 0.99)),
            "max_ms": ms(max(values) if values else None), "count": len(values)}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Meter:
    """CPU of this client and of the server processes over a window."""

    def __init__(self, server_pids: list[int]):
        self.pids = server_pids
        self.started = now()
        self.client = cpu_seconds()
        self.servers = [process_cpu(pid) for pid in server_pids]

    def result(self) -> dict:
        wall = max(now() - self.started, 1e-9)
        client = (cpu_seconds() - self.client) / wall
        servers = []
        for pid, before in zip(self.pids, self.servers, strict=True):
            with contextlib.suppress(OSError):
                servers.append(round((process_cpu(pid) - before) / wall, 3))
        return {"wall_s": round(wall, 3), "client_cpu": round(client, 3), "server_cpu": servers,
                "client_bound": client > CLIENT_BOUND}


class Profiler:
    """py-spy on the first server process for a window (``params["profile"]``: where the raw stacks go)."""

    def __init__(self, pid: int, path: str | None):
        self.process = None
        if path:
            spy = os.path.join(os.path.dirname(sys.executable), "py-spy")
            self.process = subprocess.Popen(
                [spy, "record", "-p", str(pid), "-r", "250", "-f", "raw", "-o", path, "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(30)


class Run:
    """What every participant of one client process shares: sent lines and their receipts."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.tag = uuid.uuid4().hex[:6]
        self.counter = 0
        self.sent: dict[str, tuple[float, str]] = {}  # nonce -> (send instant, phase)
        self.latencies: dict[str, list[float]] = {}
        self.chat_dups = 0
        self.stray = 0
        self.errors: dict[str, int] = {}
        self.expected: set[str] = set()
        self.gone: set[str] = set()
        self.audience: int | None = None  # the audience count every client must show (audience scenario)
        self.track_presence = True

    def nonce(self, phase: str) -> str:
        self.counter += 1
        token = f"{self.tag}{self.counter}"
        self.sent[token] = (now(), phase)
        return token

    def receipts(self, phase: str) -> int:
        return len(self.latencies.get(phase, ()))


class Participant:
    def __init__(self, run: Run, person: dict, room_id: str, target: dict):
        self.run, self.person, self.room_id, self.target = run, person, room_id, target
        self.id = person["id"]
        self.ws = None
        self.headers: dict[str, str] = {"Origin": target["http"]}
        self.roster: dict[str, dict] = {}  # participants by id (rooms.presence.sync)
        self.ok = 0
        self.seq: int | None = None
        self.first_seq: int | None = None
        self.seen: set[int] = set()
        self.pending: dict[int, dict] = {}
        self.syncing = False
        self.dups = self.resyncs = 0
        self.chat: set[str] = set()
        self.handshake = self.ready_after = None
        self.opened_at = self.complete_at = self.clear_at = None
        self.ready = asyncio.Event()
        self.closed_code = None
        self.failure = None

    # --- joining --------------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Hadir: follow the join link (without the redirect) and keep its cookies."""
        if self.run.spec["kind"] != "hadir":
            self.path = f"/ws/rooms/{self.room_id}/?id={quote(self.id)}&name={quote(self.person['name'])}"
            if self.person.get("listen"):  # a listen-only member (raw_ws counts it, as Hadir's audience)
                self.path += "&listen=1"
            return
        self.path = f"/ws/rooms/{self.room_id}/"
        url = urlsplit(self.target["http"])
        try:
            reader, writer = await asyncio.open_connection(url.hostname, url.port)
            try:
                request = f"GET {self.person['join_url']} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n"
                writer.write(request.encode())
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            finally:
                writer.close()
        except (OSError, asyncio.IncompleteReadError) as exc:
            self.failure = f"join link: {type(exc).__name__}: {exc}"[:200]
            return
        status = int(head.split(" ", 2)[1])
        if status >= 400:
            self.failure = f"join link answered {status}"
            return
        cookies = [
            line.split(":", 1)[1].strip().split(";", 1)[0]
            for line in head.split("\r\n")[1:] if line.lower().startswith("set-cookie:")
        ]
        self.headers["Cookie"] = "; ".join(cookies)

    async def connect(self, timeout: float = 120.0) -> None:
        if self.failure:
            return
        started = now()
        try:
            self.ws = await ws_connect(
                self.target["ws"] + self.path, additional_headers=self.headers, compression=None, proxy=None,
                open_timeout=timeout, ping_interval=None, max_size=2**24, max_queue=None, close_timeout=2,
            )
        except (OSError, WebSocketException, TimeoutError) as exc:
            self.failure = f"{type(exc).__name__}: {exc}"[:200]
            return
        self.opened_at = now()
        self.handshake = self.opened_at - started
        asyncio.get_running_loop().create_task(self.read())
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            self.failure = f"no presence.state within {timeout} s"
            return
        if self.seq is None:
            self.failure = f"closed ({self.closed_code}) before presence.state"
        else:
            self.ready_after = now() - started

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message, separators=(",", ":")))

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()

    # --- receiving ------------------------------------------------------------------------------

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                at = now()
                if raw.startswith('{"type":"chat.message"'):
                    self.on_chat(raw, at)
                    continue
                if not self.run.track_presence and raw.startswith('{"type":"presence.diff"'):
                    continue
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "chat.message":  # encoded with other separators (the bare baseline)
                    self.on_chat(json.dumps(message, separators=(",", ":")), at)
                elif kind == "presence.state":
                    self.on_state(message, at)
                elif kind == "presence.diff":
                    self.on_diff(message, at)
                elif kind == "error":
                    code = message.get("code", "?")
                    self.run.errors[code] = self.run.errors.get(code, 0) + 1
        except ConnectionClosed as exc:
            self.closed_code = exc.rcvd.code if exc.rcvd else None
        finally:
            self.ready.set()

    def on_chat(self, raw: str, at: float) -> None:
        start = raw.find(CHAT_MARK)
        if start < 0:
            self.run.stray += 1
            return
        start += len(CHAT_MARK)
        token = raw[start:raw.index(":", start)]
        sent = self.run.sent.get(token)
        if sent is None:
            self.run.stray += 1
        elif token in self.chat:
            self.run.chat_dups += 1
        else:
            self.chat.add(token)
            self.run.latencies.setdefault(sent[1], []).append(at - sent[0])

    def on_state(self, message: dict, at: float) -> None:
        if self.syncing:
            self.resyncs += 1
            self.syncing = False
        self.roster = apply_state(message["participants"], message.get("audience", 0))
        self.seq = message["seq"]
        if self.first_seq is None:
            self.first_seq = self.seq
        self.pending = {seq: diff for seq, diff in self.pending.items() if seq > self.seq}
        self._drain()
        self.ok = sum(1 for pid in self.run.expected if pid in self.roster and self.roster[pid]["status"] == "present")
        self.ready.set()
        self._check(at)

    def on_diff(self, message: dict, at: float) -> None:
        seq = message["seq"]
        if seq in self.seen:
            self.dups += 1
            return
        self.seen.add(seq)
        if self.seq is None:  # before the first presence.state: kept until it says what it covers
            self.pending[seq] = message
            return
        if seq <= self.seq:
            return
        self.pending[seq] = message
        self._drain()
        if self.pending and not self.syncing:
            self.syncing = True
            asyncio.get_running_loop().create_task(self.send({"type": "presence.sync"}))
        self._check(at)

    def _drain(self) -> None:
        while self.seq + 1 in self.pending:
            self.seq += 1
            apply_diff(self.roster, self.pending.pop(self.seq), self._changed)

    def _changed(self, pid: str, before: dict | None, after: dict | None) -> None:
        if pid in self.run.expected:
            self.ok += (after is not None and after["status"] == "present") - (
                before is not None and before["status"] == "present"
            )

    def _check(self, at: float) -> None:
        if self.run.expected:
            counted = self.run.audience is None or getattr(self.roster, "audience", 0) == self.run.audience
            if self.ok == len(self.run.expected) and counted:
                self.complete_at = self.complete_at or at
            else:
                self.complete_at = None
        if self.run.gone:
            if any(pid in self.roster for pid in self.run.gone):
                self.clear_at = None
            else:
                self.clear_at = self.clear_at or at

    def lost_updates(self) -> int:
        if self.first_seq is None:
            return 0
        last = max([self.seq or 0, *self.seen])
        return sum(1 for seq in range(self.first_seq + 1, last + 1) if seq not in self.seen)


# --- helpers ------------------------------------------------------------------------------------


def participants_for(run: Run, room_index: int = 0, *, target_of=None) -> list[Participant]:
    room = run.spec["rooms"][room_index]
    targets = run.spec["targets"]
    people = room["people"]
    return [
        Participant(run, person, room["id"], targets[target_of(i) if target_of else i % len(targets)])
        for i, person in enumerate(people)
    ]


async def gather_limited(coroutines, limit: int):
    gate = asyncio.Semaphore(limit)

    async def one(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(one(c) for c in coroutines))


async def join_all(people: list[Participant], *, limit: int = 64) -> dict:
    await gather_limited([p.prepare() for p in people], 16)
    await gather_limited([p.connect() for p in people], limit)
    failures = [p.failure for p in people if p.failure]
    return {"failures": len(failures), "failure_sample": failures[:3]}


async def chat_at(run: Run, senders: list[Participant], *, rate: float, duration: float, phase: str) -> int:
    """Send ``rate`` lines per second in total, spread over ``senders``, on a fixed schedule."""
    count = max(1, round(rate * duration))
    start = now() + 0.05
    for i in range(count):
        delay = start + i / rate - now()
        if delay > 0:
            await asyncio.sleep(delay)
        sender = senders[i % len(senders)]
        await sender.send({"type": "chat.send", "text": f"bench:{run.nonce(phase)}:"})
    return count


async def wait_for(predicate, timeout: float, step: float = 0.01) -> bool:
    deadline = now() + timeout
    while now() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


def chat_result(run: Run, people: list[Participant], phase: str, sent: int) -> dict:
    received = run.receipts(phase)
    expected = sent * len([p for p in people if p.ws is not None])
    return {**latency_summary(run.latencies.get(phase, [])), "sent": sent, "expected": expected,
            "lost": expected - received}


# --- scenarios ----------------------------------------------------------------------------------


async def fanout(run: Run, params: dict) -> dict:
    """One participant chats at ``rate`` lines/s into the room; every member's latency."""
    people = participants_for(run)
    joined = await join_all(people)
    await asyncio.sleep(params.get("settle", 1.0))
    if params.get("warm_up"):  # lines first, unmeasured: fresh processes open their pools with them
        warm = await chat_at(run, [people[0]], rate=params["rate"], duration=params["warm_up"], phase="warm")
        await wait_for(lambda: run.receipts("warm") >= warm * len(people), params.get("drain", 10))
    profiler = Profiler(run.spec["server_pids"][0], params.get("profile"))
    meter = Meter(run.spec["server_pids"])
    sent = await chat_at(run, [people[0]], rate=params["rate"], duration=params["duration"], phase="fanout")
    expected = sent * len(people)
    await wait_for(lambda: run.receipts("fanout") >= expected, params.get("drain", 10))
    profiler.stop()
    result = {**chat_result(run, people, "fanout", sent), **meter.result(), **joined,
              "size": len(people), "rate": params["rate"], "errors": run.errors, "duplicates": run.chat_dups,
              "stray": run.stray}
    await asyncio.gather(*(p.close() for p in people))
    return result


async def saturation(run: Run, params: dict) -> dict:
    """Rising rates into one room until p99 exceeds the limit or a line is lost."""
    people = participants_for(run)
    joined = await join_all(people)
    await asyncio.sleep(params.get("settle", 1.0))
    steps, held = [], None
    profiler = Profiler(run.spec["server_pids"][0], params.get("profile"))
    def failed(step: dict) -> bool:
        return step["lost"] > 0 or step["p99_ms"] is None or step["p99_ms"] > params["p99_limit_ms"] or run.errors

    for rate in params["rates"]:
        # Several senders, each under the per-socket rate limit (PROTOCOL.md's 4429).
        senders = people[: max(1, math.ceil(rate / params.get("per_sender", 10)))]
        # On a shared machine one stall fails a step: a failed step is tried once more.
        for attempt in (1, 2):
            meter = Meter(run.spec["server_pids"])
            phase = f"rate{rate}.{attempt}"
            sent = await chat_at(run, senders, rate=rate, duration=params["step"], phase=phase)
            expected = sent * len(people)
            await wait_for(lambda phase=phase, expected=expected: run.receipts(phase) >= expected,
                           params.get("drain", 3))
            step = {**chat_result(run, people, phase, sent), **meter.result(), "rate": rate,
                    "senders": len(senders), "attempt": attempt}
            steps.append(step)
            if not failed(step):
                break
        if failed(step):
            break
        held = rate
    profiler.stop()
    result = {"size": len(people), "held_rate": held, "steps": steps, **joined, "errors": run.errors}
    await asyncio.gather(*(p.close() for p in people))
    return result


async def storm(run: Run, params: dict) -> dict:
    """Everyone joins at once; from the last handshake until every list is complete."""
    people = participants_for(run)
    run.expected = {p.id for p in people}
    await gather_limited([p.prepare() for p in people], 16)
    profiler = Profiler(run.spec["server_pids"][0], params.get("profile"))
    meter = Meter(run.spec["server_pids"])
    started = now()
    await asyncio.gather(*(p.connect() for p in people))
    connected = [p for p in people if p.opened_at is not None]
    last_handshake = max((p.opened_at for p in connected), default=started)
    converged = await wait_for(lambda: all(p.complete_at for p in connected), params.get("timeout", 20), 0.02)
    profiler.stop()
    done = [p.complete_at for p in connected if p.complete_at]
    result = {
        "size": len(people), "failures": len(people) - len(connected),
        "converged": converged and len(connected) == len(people),
        "converge_after_last_handshake_s": round(max(max(done) - last_handshake, 0.0), 3) if converged else None,
        "incomplete_clients": len(connected) - len(done),
        "join_window_s": round(last_handshake - started, 3),
        "handshake": latency_summary([p.handshake for p in connected]),
        "lost_updates": sum(p.lost_updates() for p in connected),
        "duplicated_updates": sum(p.dups for p in connected),
        "resyncs": sum(p.resyncs for p in connected),
        **meter.result(),
    }
    await asyncio.gather(*(p.close() for p in people))
    return result


async def audience(run: Run, params: dict) -> dict:
    """A room of participants with part of its audience seated; the rest (``storm`` listeners) join
    at once: from the last handshake until every client lists every participant and counts the
    whole audience (``room["audience"]`` of the spec: listen-only join links)."""
    room, targets = run.spec["rooms"][0], run.spec["targets"]
    people = participants_for(run)
    listeners = [Participant(run, person, room["id"], targets[i % len(targets)])
                 for i, person in enumerate(room["audience"])]
    storm_size = min(params["storm"], len(listeners))
    seated, joiners = listeners[:len(listeners) - storm_size], listeners[len(listeners) - storm_size:]
    run.expected, run.audience = {p.id for p in people}, len(seated)
    before = await join_all(people + seated)
    settled = await wait_for(lambda: all(p.complete_at for p in people + seated if p.opened_at),
                             params.get("timeout", 60), 0.05)
    run.audience = len(listeners)
    for p in people + seated:
        p.complete_at = None
    await gather_limited([p.prepare() for p in joiners], 16)
    profiler = Profiler(run.spec["server_pids"][0], params.get("profile"))
    meter = Meter(run.spec["server_pids"])
    started = now()
    await asyncio.gather(*(p.connect() for p in joiners))
    everyone = [p for p in people + listeners if p.opened_at is not None]
    last_handshake = max((p.opened_at for p in joiners if p.opened_at is not None), default=started)
    converged = await wait_for(lambda: all(p.complete_at for p in everyone), params.get("timeout", 60), 0.02)
    profiler.stop()
    done = [p.complete_at for p in everyone if p.complete_at]
    result = {
        "size": len(people) + len(listeners), "participants": len(people), "audience": len(listeners),
        "storm": storm_size, "seated_before": settled, "failures": before["failures"] + sum(
            1 for p in joiners if p.opened_at is None or p.failure),
        "converged": converged and len(everyone) == len(people) + len(listeners),
        "converge_after_last_handshake_s": round(max(max(done) - last_handshake, 0.0), 3) if converged else None,
        "incomplete_clients": len(everyone) - len(done),
        "handshake": latency_summary([p.handshake for p in joiners if p.handshake is not None]),
        "lost_updates": sum(p.lost_updates() for p in everyone),
        "resyncs": sum(p.resyncs for p in everyone),
        **meter.result(),
    }
    await asyncio.gather(*(p.close() for p in people + listeners))
    return result


async def idle(run: Run, params: dict) -> dict:
    """Hold rooms of idle participants; RSS per connection and handshake p99 at each checkpoint;
    then chat lines into the first room. Join links are followed first, and the server's RSS is
    taken after a few warm-up connections, so that the figure is what each further socket costs."""
    pids = run.spec["server_pids"]  # several processes: their RSS together
    run.track_presence = False  # thousands of diffs per join in the baselines would bound the client
    rooms = [participants_for(run, index) for index in range(len(run.spec["rooms"]))]
    deadline = now() + params.get("deadline", 600)
    await gather_limited([p.prepare() for people in rooms for p in people], 16)
    warm = params.get("warm_up", 20)
    await gather_limited([p.connect() for p in rooms[0][:warm]], warm)
    await asyncio.sleep(1.0)
    base_rss, checkpoints = sum(map(process_rss, pids)), []
    everyone: list[Participant] = list(rooms[0][:warm])

    def checkpoint(people: list[Participant], **extra) -> dict:
        held = [p for p in everyone if p.ready_after is not None and p.closed_code is None and p.failure is None]
        rss = sum(map(process_rss, pids))
        return {
            "connections": len(everyone), "held": len(held), "failures": len(everyone) - len(held),
            "rss_mib": round(rss / 2**20, 1),
            "rss_per_connection_kib": round((rss - base_rss) / max(len(held) - warm, 1) / 1024, 1),
            "handshake": latency_summary([p.handshake for p in people if p.handshake is not None]),
            "ready": latency_summary([p.ready_after for p in people if p.ready_after is not None]),
            "failure_sample": [p.failure for p in people if p.failure][:3], **extra,
        }

    for index, people in enumerate(rooms):
        people = people[warm:] if index == 0 else people
        everyone += people
        limit = params.get("concurrency", 100)
        try:
            await asyncio.wait_for(gather_limited([p.connect() for p in people], limit), max(deadline - now(), 0.1))
        except TimeoutError:
            checkpoints.append(checkpoint(people, stopped=f"deadline of {params.get('deadline')} s passed"))
            break
        if index + 1 in params["checkpoints"]:
            await asyncio.sleep(params.get("settle", 2.0))
            checkpoints.append(checkpoint(people))
    room = [p for p in everyone if p.room_id == run.spec["rooms"][0]["id"] and p.ready_after is not None]
    chat = {}
    if room:
        meter = Meter(run.spec["server_pids"])
        sent = await chat_at(run, [room[0]], rate=params.get("chat_rate", 2), duration=params.get("chat_seconds", 2.5),
                             phase="room")
        await wait_for(lambda: run.receipts("room") >= sent * len(room), params.get("drain", 15))
        chat = {**chat_result(run, room, "room", sent), **meter.result(), "room_size": len(room)}
    await gather_limited([p.close() for p in everyone], 500)
    return {"checkpoints": checkpoints, "chat": chat, "base_rss_mib": round(base_rss / 2**20, 1)}


async def crash(run: Run, params: dict) -> dict:
    """Participants on two processes; the runner's victim is killed with SIGKILL; seconds until the
    survivor's clients list none of the victim's participants."""
    victims = params["victims"]
    people = participants_for(run, target_of=lambda i: 1 if i < victims else 0)
    run.expected = {p.id for p in people}
    await join_all(people)
    listed = await wait_for(lambda: all(p.complete_at for p in people), 20, 0.05)
    watchers = people[victims:]
    run.gone = {p.id for p in people[:victims]}
    for p in watchers:
        p._check(now())
    os.kill(params["kill_pid"], 9)
    killed = now()
    clear = await wait_for(lambda: all(p.clear_at for p in watchers), params.get("timeout", 60), 0.1)
    listed_left = max((sum(1 for pid in run.gone if pid in p.roster) for p in watchers), default=0)
    result = {
        "victims": victims, "watchers": len(watchers), "everyone_listed_before": listed,
        "ghosts_gone": clear,
        "ghosts_gone_after_s": round(max(p.clear_at for p in watchers) - killed, 2) if clear else None,
        "ghosts_left": listed_left, "watched_s": round(now() - killed, 1),
    }
    await asyncio.gather(*(p.close() for p in watchers))
    return result


SCENARIOS = {"fanout": fanout, "saturation": saturation, "storm": storm, "audience": audience, "idle": idle,
             "crash": crash}


async def main(scenario: str, spec: dict, params: dict) -> dict:
    run = Run(spec)
    started_cpu, started = cpu_seconds(), now()
    if scenario in SCENARIOS:
        result = await SCENARIOS[scenario](run, params)
    else:  # the issue-19 scenarios (their module imports this one)
        from bench import loadclient_more

        result = await loadclient_more.SCENARIOS[scenario](loadclient_more.Run(spec), params)
    result["client_cpu_total"] = round((cpu_seconds() - started_cpu) / max(now() - started, 1e-9), 3)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted({*SCENARIOS, "audience_big", "queries"}))
    parser.add_argument("--spec", required=True, help="JSON file: kind, targets, server_pids, rooms")
    parser.add_argument("--params", default="{}", help="JSON object of the scenario's parameters")
    arguments = parser.parse_args()
    with open(arguments.spec) as handle:
        room_spec = json.load(handle)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(json.dumps(asyncio.run(main(arguments.scenario, room_spec, json.loads(arguments.params)))))
    sys.stdout.flush()
