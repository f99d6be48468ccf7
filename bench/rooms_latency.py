"""Live rooms: join → presence.diff latency, for rooms of 10 and 200, on one Daphne and on two.

A room of N is N-1 connected observers; then joiners enter one at a time. For each join the
clock starts just before the joiner's WebSocket handshake (its session cookie was fetched from
its join link beforehand) and stops when an observer receives the ``presence.diff`` listing the
joiner in ``joins``; every observer's delivery is one sample. The joiner then leaves (the server
runs with ``HADIR_PRESENCE_AWAY_SECONDS=0``, so the next join is again a join, not an update).

With two processes, both Daphnes share one Redis (presence, pub/sub, channel layer) and one
database; observers and joiners alternate between them, so half of the deliveries cross processes.

Servers run with DEBUG off, pinned to core 0 (``taskset -c 0``); this client pins itself to core 1.
Each run uses a fresh SQLite database and, with Redis, its own key prefix.

    python -m bench.rooms_latency            # rooms of 10 and 200, 40 joins each
    python -m bench.rooms_latency --quick    # 20 joins each

``hello p50`` is the joiner's own handshake and door checks (time to its ``hello``), the floor
under the join latency.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SIZES = (10, 200)
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
    "SECRET_KEY": "hadir-bench-only-secret-key-0123456789abcdefghij", "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    "HADIR_PRESENCE_AWAY_SECONDS": "0",
}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_up(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


class Server:
    def __init__(self, env: dict, log_dir: str):
        self.port = _free_port()
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        self.log = open(Path(log_dir) / f"daphne-{self.port}.log", "wb")
        self.process = subprocess.Popen(
            [*pin, sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"Daphne exited with {self.process.returncode}") from None
                time.sleep(0.2)
        raise RuntimeError("Daphne did not start")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def _cookie(base: str, join_path: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}{join_path}", timeout=30) as response:
        response.read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


async def _open(server: Server, path: str, cookie: str):
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{server.port}{path}", additional_headers={"Origin": server.base, "Cookie": cookie},
        max_size=2**22, open_timeout=60,
    )


async def _until_state(ws) -> None:
    while json.loads(await asyncio.wait_for(ws.recv(), 60))["type"] != "presence.state":
        pass


async def _measure(servers: list[Server], room: dict, size: int, joins: int) -> dict:
    path = f"/ws/rooms/{room['occurrence_id']}/"
    observers_links = room["links"][: size - 1]
    joiner_links = room["links"][size - 1: size - 1 + joins]
    loop = asyncio.get_running_loop()
    cookies = await asyncio.gather(*(
        loop.run_in_executor(None, _cookie, servers[i % len(servers)].base, link)
        for i, link in enumerate(observers_links + joiner_links)
    ))
    observer_cookies, joiner_cookies = cookies[: len(observers_links)], cookies[len(observers_links):]
    observers = []
    for start in range(0, len(observer_cookies), 20):
        batch = observer_cookies[start: start + 20]
        sockets = await asyncio.gather(*(
            _open(servers[(start + i) % len(servers)], path, cookie) for i, cookie in enumerate(batch)
        ))
        await asyncio.gather(*(_until_state(ws) for ws in sockets))
        observers += sockets
    await asyncio.sleep(1.0)

    arrivals: dict[str, list[float]] = {}

    async def watch(ws):
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "presence.diff":
                now = time.perf_counter()
                for participant in message["joins"]:
                    arrivals.setdefault(participant["id"], []).append(now)

    watchers = [asyncio.create_task(watch(ws)) for ws in observers]
    samples, lost, hellos = [], 0, []
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    for index, cookie in enumerate(joiner_cookies):
        started = time.perf_counter()
        ws = await _open(servers[index % len(servers)], path, cookie)
        hello = json.loads(await asyncio.wait_for(ws.recv(), 30))
        hellos.append((time.perf_counter() - started) * 1000)
        me = hello["you"]["id"]
        deadline = time.perf_counter() + 10
        while len(arrivals.get(me, [])) < len(observers) and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        got = arrivals.get(me, [])
        samples += [(arrival - started) * 1000 for arrival in got]
        lost += len(observers) - len(got)
        await ws.close()
        await asyncio.sleep(0.2)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    for task in watchers:
        task.cancel()
    for ws in observers:
        await ws.close()
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return {
        "processes": len(servers), "room": size, "joins": joins, "samples": len(samples), "lost": lost,
        "p50_ms": round(_percentile(samples, 0.5), 1) if samples else None,
        "p99_ms": round(_percentile(samples, 0.99), 1) if samples else None,
        "max_ms": round(max(samples), 1) if samples else None,
        "hello_p50_ms": round(_percentile(hellos, 0.5), 1),
        "client_cpu_s": round(client_cpu, 2),
    }


def _make_room(participants: int) -> dict:
    """In the child with the bench database: a room open now, made through scheduling's services."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from scheduling import services

    organizer = get_user_model().objects.create_user(f"bench-host-{uuid.uuid4().hex[:8]}", is_staff=True)
    specs = [services.AttendeeSpec(name=f"Peserta {n:04d}", email=f"p{n}@bench.invalid") for n in range(participants)]
    event = services.event_create(
        organizer=organizer, title="Bench room", start=timezone.now() + timedelta(minutes=5),
        duration=timedelta(hours=3), timezone="Asia/Jakarta", attendees=specs, allow_conflicts=True,
    )
    attendees = list(event.attendees.order_by("name"))
    return {"occurrence_id": str(event.occurrences.get().pk), "links": [a.join_path for a in attendees]}


def run(quick: bool) -> dict:
    joins = 20 if quick else 40
    results = []
    with tempfile.TemporaryDirectory(prefix="hadir-bench-rooms-") as scratch:
        env = {**os.environ, **ENV, "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3"}
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
        made = subprocess.run(
            [sys.executable, "-m", "bench.rooms_latency", "--make-room", str(max(SIZES) - 1 + joins * 2)],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        )
        room = json.loads(made.stdout.strip().splitlines()[-1])
        setups = [(1, {})]
        if _redis_up(REDIS_URL):
            setups.append((2, {"REDIS_URL": REDIS_URL, "HADIR_QUEUE_NAME": f"bench-rooms-{uuid.uuid4().hex[:8]}"}))
        else:
            results.append({"processes": 2, "skipped": f"Redis unreachable at {REDIS_URL}"})
        for count, extra in setups:
            for size in SIZES:
                servers = [Server({**env, **extra}, scratch) for _ in range(count)]
                try:
                    results.append(asyncio.run(_measure(servers, room, size, joins)))
                finally:
                    for server in servers:
                        server.stop()
    return {"rooms_latency": results}


def _table(figures: dict) -> str:
    lines = ["processes  room  joins  p50 ms  p99 ms  max ms  lost  hello p50 ms  client CPU s"]
    for row in figures["rooms_latency"]:
        if "skipped" in row:
            lines.append(f"{row['processes']:>9}  skipped: {row['skipped']}")
            continue
        lines.append(
            f"{row['processes']:>9}  {row['room']:>4}  {row['joins']:>5}  {row['p50_ms']:>6}  {row['p99_ms']:>6}  "
            f"{row['max_ms']:>6}  {row['lost']:>4}  {row['hello_p50_ms']:>12}  {row['client_cpu_s']:>12}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--make-room", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_room:
        print(json.dumps(_make_room(args.make_room)))
        return
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})
    figures = run(args.quick)
    print(_table(figures))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
