"""The servers under test and what every scenario shares: the run (``Bench``: database, environment,
the load client) and one kind of server, one process or several over Redis (``Servers``)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
PY = sys.executable
SERVER_CORE, CLIENT_CORE = "0", "1"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
# "uvicorn" is Hadir's own application on uvicorn instead of Daphne (run when uvicorn is installed).
KINDS = ("hadir", "uvicorn", "bare", "raw")
HADIR_KINDS = ("hadir", "uvicorn")
LABELS = {"hadir": "Hadir", "uvicorn": "Hadir on uvicorn", "bare": "bare Channels", "raw": "raw websockets"}
# The options docs/deployment.md gives for serving Hadir on uvicorn, with the same backlog as Daphne's.
UVICORN_OPTIONS = ["--host", "127.0.0.1", "--backlog", "4096", "--no-access-log", "--log-level", "warning",
                   "--lifespan", "on", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"]
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
    "SECRET_KEY": "hadir-bench-only-secret-key-0123456789abcdefghij", "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
    # The room of 5,000 (issue 19) is past the default limit of an organiser's event (2,000).
    "HADIR_MAX_ATTENDEES_ORGANISER": "10000",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_postgres() -> str | None:
    """The full run's default database: ``BENCH_POSTGRES_URL`` (default the local server's
    ``hadir_bench``), dropped and created afresh, when that server answers; else None (SQLite)."""
    url = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hadir_bench")
    base, name = url.rsplit("/", 1)
    try:
        import psycopg

        with psycopg.connect(f"{base}/postgres", connect_timeout=3, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # no server, no rights: the run goes on on SQLite
        log(f"PostgreSQL at {base} not usable ({type(exc).__name__}): the full run is on SQLite")
        return None
    return url


class Bench:
    def __init__(self, *, quick: bool, kinds: tuple[str, ...] = KINDS):
        self.quick = quick
        self.kinds = kinds
        self.run_id = uuid.uuid4().hex[:8]
        self.database_url = (os.environ.get("BENCH_DATABASE_URL") or (None if quick else scratch_postgres())
                             or f"sqlite:///{VAR / 'bench.sqlite3'}")
        self.specs = 0

    def profile(self, name: str) -> dict:
        """``{"profile": path}`` for the load client when BENCH_PROFILE names a folder for py-spy's stacks."""
        folder = os.environ.get("BENCH_PROFILE")
        return {"profile": str(Path(folder).resolve() / f"{name}-{self.run_id}.txt")} if folder else {}

    def env(self, *, redis: bool = False) -> dict:
        env = {**os.environ, **BENCH_ENV, "DATABASE_URL": self.database_url,
               "HADIR_QUEUE_NAME": f"bench-{self.run_id}"}
        env.pop("REDIS_URL", None)
        if redis:
            env["REDIS_URL"] = REDIS_URL
        return env

    def prepare_database(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        if self.database_url.startswith("sqlite:///"):
            for path in VAR.glob("bench.sqlite3*"):
                path.unlink()
        subprocess.run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=self.env(), check=True)

    def client(self, scenario: str, spec: dict, params: dict, timeout: float) -> dict:
        self.specs += 1
        path = VAR / f"spec-{self.specs}.json"
        path.write_text(json.dumps(spec))
        command = ["taskset", "-c", CLIENT_CORE, PY, "-m", "bench.loadclient", scenario,
                   "--spec", str(path), "--params", json.dumps(params)]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"load client timed out after {timeout:.0f} s"}
        if done.returncode != 0 or not done.stdout.strip():
            return {"error": f"load client failed ({done.returncode}): {done.stderr[-1500:]}"}
        return json.loads(done.stdout.strip().splitlines()[-1])


class Servers:
    """One kind of server under test: one process, or several sharing Redis."""

    def __init__(self, bench: Bench, kind: str, *, processes: int = 1, counting: bool = False):
        self.bench, self.kind, self.count = bench, kind, processes
        self.redis = processes > 1
        # Hadir behind bench.counting: the same application, counting its SQL queries.
        self.counting = counting
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []

    def command(self, port: int) -> list[str]:
        if self.kind == "raw":
            extra = ["--redis", REDIS_URL] if self.redis else []
            return [PY, "-m", "bench.baselines.raw_ws", "--port", str(port), *extra]
        hadir = "bench.counting:application" if self.counting else "config.asgi:application"
        if self.kind == "uvicorn":
            return [PY, "-m", "uvicorn", hadir, *UVICORN_OPTIONS, "--port", str(port)]
        app = hadir if self.kind == "hadir" else "bench.baselines.bare_channels:application"
        # The same Daphne options for both Channels servers: no access log, a listen backlog that
        # does not drop a join storm's SYNs (Twisted's default is 50).
        return [PY, "-m", "daphne", "-v", "0", "-e", f"tcp:port={port}:interface=127.0.0.1:backlog=4096", app]

    def __enter__(self) -> Servers:
        for index in range(self.count):
            port = free_port()
            logfile = open(VAR / f"{self.kind}-{index}.log", "ab")
            self.procs.append(subprocess.Popen(
                ["taskset", "-c", SERVER_CORE, *self.command(port)], cwd=ROOT,
                env=self.bench.env(redis=self.redis), stdout=logfile, stderr=subprocess.STDOUT,
            ))
            self.ports.append(port)
        for proc, port in zip(self.procs, self.ports, strict=True):
            self._wait(proc, port)
        return self

    def _wait(self, proc: subprocess.Popen, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{self.kind} server exited with {proc.returncode}")
            try:
                if self.kind == "raw":
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    return
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.kind} server did not start within {timeout} s")

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def room(self, size: int, *, audience: int = 0) -> dict:
        return self.rooms([size], audience=audience)[0]

    def rooms(self, sizes: list[int], *, audience: int = 0) -> list[dict]:
        if self.kind not in HADIR_KINDS:
            return [{"id": uuid.uuid4().hex,
                     "people": [{"id": uuid.uuid4().hex, "name": f"Participant {i:05d}"} for i in range(1, size + 1)],
                     "audience": [{"id": uuid.uuid4().hex, "name": f"Listener {i:05d}", "listen": True}
                                  for i in range(1, audience + 1)]}
                    for size in sizes]
        # One Django start for all of them: bench_room's function, as the command runs it.
        code = ("import django, json, sys; django.setup(); "
                "from rooms.management.commands.bench_room import bench_room; "
                f"print(json.dumps([bench_room(participants=int(n), audience={int(audience)}) for n in sys.argv[1:]]))")
        done = subprocess.run([PY, "-c", code, *map(str, sizes)], cwd=ROOT, env=self.bench.env(redis=self.redis),
                              capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"bench_room failed: {done.stderr[-600:]}")
        return [{"id": room["occurrence_id"], "people": room["participants"], "audience": room["audience"]}
                for room in json.loads(done.stdout.strip().splitlines()[-1])]

    def spec(self, rooms: list[dict]) -> dict:
        return {
            "kind": "hadir" if self.kind in HADIR_KINDS else "baseline",
            "targets": [{"http": f"http://127.0.0.1:{port}", "ws": f"ws://127.0.0.1:{port}"} for port in self.ports],
            "server_pids": self.pids, "rooms": rooms, "counting": self.counting,
        }



def cleanup_redis() -> None:
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        for pattern in ("benchraw:*", "benchbare:*", "hadir:bench-*", "asgi:group:bench.*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start:start + 500])
