"""Run the benchmarks: Hadir's live rooms next to the two baselines, then the other apps' modules.

    python -m bench.run --quick    # make bench: the reduced set, under 10 minutes
    python -m bench.run --full     # make bench-full: everything at the issue's sizes

Each server runs pinned to core 0 (``taskset -c 0``) and the load client (``bench.loadclient``)
to core 1. Hadir and the bare Channels baseline run on Daphne with DEBUG off, on a fresh SQLite
database under ``var/bench/`` (or ``BENCH_DATABASE_URL``); the two-process runs share Redis
(``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/12``) under their own key prefixes. The
table goes to stdout and every figure, the machine and the versions to
``bench/results/latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.request
import uuid
from importlib import metadata
from pathlib import Path

from bench.targets import LIVE, NONE_LOST, OTHER_FIGURES, OTHER_LABELS

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
# (name, module, runs in --quick): rooms_latency's own quick run takes about 3.5 minutes, which
# would take `make bench` past its 10.
OTHER_MODULES = [("scheduling", "bench.scheduling_bench", True), ("notifications", "bench.notifications_bench", True),
                 ("rooms_latency", "bench.rooms_latency", False)]

QUICK = {
    "fanout": {"sizes": [10, 50, 200], "rate": 20, "duration": 4, "drain": 6},
    "saturation": {"size": 50, "rates": [50, 100, 150, 200, 300, 400, 600, 800], "step": 2},
    "storm": {"size": 200, "repeat": 1},
    # A room of 2,000: 50 participants and 1,950 listeners, the last 500 of them in one storm.
    "audience": {"participants": 50, "audience": 1950, "storm": 500},
    "idle": {"rooms": [1000], "checkpoints": [1], "deadline": 45},
    "scaled": {"fanout_size": 200, "storm_size": 200, "storm_repeat": 1, "duration": 4, "drain": 6},
    # The crash is the presence store's business, not the server's: uvicorn only in the full run.
    "crash": {"victims": 100, "watchers": 10, "timeout": {"hadir": 60, "bare": 5}},
}
FULL = {
    "fanout": {"sizes": [10, 50, 200], "rate": 20, "duration": 15, "drain": 15},
    # At most 800 lines/s: 50 senders at 16/s each, under the per-socket limit of 20/s.
    "saturation": {"size": 50, "rates": [50, 100, 150, 200, 250, 300, 400, 500, 600, 800], "step": 5},
    "storm": {"size": 200, "repeat": 5},
    "audience": {"participants": 50, "audience": 1950, "storm": 500},
    "idle": {"rooms": [1000, 1000, 1000, 1000], "checkpoints": [1, 2, 4], "deadline": 240},
    "scaled": {"fanout_size": 200, "storm_size": 200, "storm_repeat": 5, "duration": 15, "drain": 15},
    "crash": {"victims": 100, "watchers": 10, "timeout": {"hadir": 90, "uvicorn": 90, "bare": 60}},
}
# The options docs/deployment.md gives for serving Hadir on uvicorn, with the same backlog as Daphne's.
UVICORN_OPTIONS = ["--host", "127.0.0.1", "--backlog", "4096", "--no-access-log", "--log-level", "warning",
                   "--lifespan", "on", "--ws", "websockets-sansio", "--ws-per-message-deflate", "false"]
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
    "SECRET_KEY": "hadir-bench-only-secret-key-0123456789abcdefghij", "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, *, quick: bool, kinds: tuple[str, ...] = KINDS):
        self.quick = quick
        self.kinds = kinds
        self.run_id = uuid.uuid4().hex[:8]
        self.database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR / 'bench.sqlite3'}"
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

    def __init__(self, bench: Bench, kind: str, *, processes: int = 1):
        self.bench, self.kind, self.count = bench, kind, processes
        self.redis = processes > 1
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []

    def command(self, port: int) -> list[str]:
        if self.kind == "raw":
            extra = ["--redis", REDIS_URL] if self.redis else []
            return [PY, "-m", "bench.baselines.raw_ws", "--port", str(port), *extra]
        if self.kind == "uvicorn":
            return [PY, "-m", "uvicorn", "config.asgi:application", *UVICORN_OPTIONS, "--port", str(port)]
        app = "config.asgi:application" if self.kind == "hadir" else "bench.baselines.bare_channels:application"
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
                     "people": [{"id": uuid.uuid4().hex, "name": f"Participant {i:05d}"} for i in range(1, size + 1)]}
                    for size in sizes]
        # One Django start for all of them: bench_room's function, as the command runs it.
        code = ("import django, json, sys; django.setup(); "
                "from rooms.management.commands.bench_room import bench_room; "
                f"print(json.dumps([bench_room(participants=int(n), audience={int(audience)}) for n in sys.argv[1:]]))")
        done = subprocess.run([PY, "-c", code, *map(str, sizes)], cwd=ROOT, env=self.bench.env(redis=self.redis),
                              capture_output=True, text=True, check=True)
        return [{"id": room["occurrence_id"], "people": room["participants"], "audience": room["audience"]}
                for room in json.loads(done.stdout.strip().splitlines()[-1])]

    def spec(self, rooms: list[dict]) -> dict:
        return {
            "kind": "hadir" if self.kind in HADIR_KINDS else "baseline",
            "targets": [{"http": f"http://127.0.0.1:{port}", "ws": f"ws://127.0.0.1:{port}"} for port in self.ports],
            "server_pids": self.pids, "rooms": rooms,
        }


# --- scenarios: each returns {kind: figures} ------------------------------------------------------


def scenario_fanout(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        results[kind] = {}
        with Servers(bench, kind) as servers:
            for size, room in zip(config["sizes"], servers.rooms(config["sizes"]), strict=True):
                spec = servers.spec([room])
                params = {"rate": config["rate"], "duration": config["duration"], "drain": config["drain"]}
                results[kind][str(size)] = bench.client("fanout", spec, params, timeout=180)
                log(f"fanout {kind} {size}: {_short(results[kind][str(size)], 'p99_ms', 'lost')}")
    return results


def scenario_saturation(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(config["size"])])
            params = {"rates": config["rates"], "step": config["step"], "p99_limit_ms": 100, "drain": 3}
            results[kind] = bench.client("saturation", spec, params, timeout=300)
            log(f"saturation {kind}: {_short(results[kind], 'held_rate')}")
    return results


def scenario_storm(bench: Bench, config: dict, *, processes: int = 1) -> dict:
    """The storm ``repeat`` times on the same servers, a fresh room each time: on this shared
    machine one run differs from the next by up to a third, so the figures are the median run's."""
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind, processes=processes) as servers:
            runs = []
            for room in servers.rooms([config["size"]] * config.get("repeat", 1)):
                params = {"timeout": 30, **bench.profile(f"storm{processes}-{kind}-{len(runs)}")}
                runs.append(bench.client("storm", servers.spec([room]), params, timeout=180))
                log(f"storm x{processes} {kind}: "
                    f"{_short(runs[-1], 'converge_after_last_handshake_s', 'lost_updates', 'resyncs')}")
            results[kind] = median_run(runs)
    return results


def scenario_audience(bench: Bench, config: dict) -> dict:
    """A listen-only audience is Hadir's (the baselines have none): Hadir on Daphne and on uvicorn.
    BENCH_AUDIENCE_SCALE (e.g. 0.05) shrinks the room and the storm, to check the scenario runs."""
    scale = float(os.environ.get("BENCH_AUDIENCE_SCALE", "1"))
    participants, listeners, storm = (
        max(1, round(config[key] * scale)) for key in ("participants", "audience", "storm")
    )
    results = {}
    for kind in bench.kinds:
        if kind not in HADIR_KINDS:
            continue
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(participants, audience=listeners)])
            params = {"storm": storm, "timeout": 60, **bench.profile(f"audience-{kind}")}
            results[kind] = bench.client("audience", spec, params, timeout=300)
            log(f"audience {kind}: {_short(results[kind], 'converge_after_last_handshake_s', 'lost_updates')}")
    return results


def median_run(runs: list[dict]) -> dict:
    """The median storm by convergence (a failed or unconverged run, if any, instead), with every
    run's convergence and the lost and duplicated updates of all runs together."""
    failed = [run for run in runs if "error" in run or not run.get("converged")]
    if failed:
        return failed[0]
    ordered = sorted(runs, key=lambda run: run["converge_after_last_handshake_s"])
    return {
        **ordered[len(ordered) // 2],
        "runs_converged_s": [run["converge_after_last_handshake_s"] for run in runs],
        "lost_updates": sum(run["lost_updates"] for run in runs),
        "duplicated_updates": sum(run["duplicated_updates"] for run in runs),
    }


def scenario_idle(bench: Bench, config: dict) -> dict:
    results = {}
    for kind in bench.kinds:
        with Servers(bench, kind) as servers:
            spec = servers.spec(servers.rooms(config["rooms"]))
            params = {"checkpoints": config["checkpoints"], "deadline": config["deadline"], "chat_rate": 2,
                      "chat_seconds": 2.5, "drain": 15}
            results[kind] = bench.client("idle", spec, params, timeout=config["deadline"] * 3 + 120)
            log(f"idle {kind}: {json.dumps(results[kind])[:300]}")
    return results


def scenario_scaled(bench: Bench, config: dict) -> dict:
    results = {"fanout": {}, "storm": {}}
    for kind in bench.kinds:
        with Servers(bench, kind, processes=2) as servers:
            spec = servers.spec([servers.room(config["fanout_size"])])
            params = {"rate": 20, "duration": config["duration"], "drain": config["drain"]}
            results["fanout"][kind] = bench.client("fanout", spec, params, timeout=180)
            log(f"scaled fanout {kind}: {_short(results['fanout'][kind], 'p99_ms', 'lost')}")
    results["storm"] = scenario_storm(bench, {"size": config["storm_size"], "repeat": config["storm_repeat"]},
                                      processes=2)
    return results


def scenario_crash(bench: Bench, config: dict) -> dict:
    results = {"raw": {"skipped": "the ceiling keeps no presence that could expire"},
               "uvicorn": {"skipped": "full run only"}}
    for kind in bench.kinds:
        if kind not in config["timeout"]:
            continue
        with Servers(bench, kind, processes=2) as servers:
            spec = servers.spec([servers.room(config["victims"] + config["watchers"])])
            params = {"victims": config["victims"], "kill_pid": servers.pids[1], "timeout": config["timeout"][kind]}
            results[kind] = bench.client("crash", spec, params, timeout=config["timeout"][kind] + 120)
            log(f"crash {kind}: {_short(results[kind], 'ghosts_gone_after_s', 'ghosts_left')}")
    return results


def _short(result: dict, *keys: str) -> str:
    if "error" in result:
        return f"ERROR {result['error'][:300]}"
    return ", ".join(f"{key}={result.get(key)}" for key in keys)


def other_modules(quick: bool) -> dict:
    results = {}
    for name, module_name, in_quick in OTHER_MODULES:
        if quick and not in_quick:
            results[name] = {"skipped": "full run only (make bench-full)"}
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            results[name] = {"skipped": f"{module_name} does not exist yet"}
            continue
        started = time.monotonic()
        try:
            results[name] = module.run(quick)
        except Exception as exc:  # one module's failure must not lose the others' figures
            results[name] = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-2000:]}
        log(f"{name}: {time.monotonic() - started:.0f} s")
    return results


# --- machine, versions, table --------------------------------------------------------------------


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")), "")
    memory = next(line.split(":", 1)[1].strip() for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "model_name": model, "memory": memory, "kernel": platform.release(),
            "python": platform.python_version(), "loadavg_start": os.getloadavg()}


def versions() -> dict:
    found = {}
    for package in ("django", "channels", "daphne", "channels-redis", "redis", "websockets", "twisted", "django-q2",
                    "uvicorn", "uvloop", "httptools"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    return found


def _value(result: dict | None, key: str):
    if not isinstance(result, dict) or "error" in result or "skipped" in result:
        return None
    return result.get(key)


def rows(results: dict) -> list[tuple]:
    """(scenario, figure, target, (hadir, bare, raw) values, client-bound flags, met)."""
    table = []
    live = {name: figures for name, figures in results["live"].items() if "error" not in figures}

    def add(scenario, figure, target, values, bound=None, met=None, ratio=True):
        table.append((scenario, figure, target, values, bound or (False,) * len(KINDS), met, ratio))

    def bound_of(results_by_kind):
        return tuple(bool(_value(results_by_kind.get(kind), "client_bound")) for kind in KINDS)

    if "fanout" in live:
        for size in next(iter(live["fanout"].values()), {}):
            by_kind = {kind: live["fanout"].get(kind, {}).get(size) for kind in KINDS}
            values = tuple(_value(by_kind[kind], "p99_ms") for kind in KINDS)
            lost = tuple(_value(by_kind[kind], "lost") for kind in KINDS)
            target = LIVE["fanout_200_p99_ms"] if size == "200" else None
            add("1 fan-out 20/s", f"room {size}: p99 ms", target.text if target else "", values,
                bound_of(by_kind), target.met(values[0], lost[0]) if target else None)
            add("1 fan-out 20/s", f"room {size}: lost", NONE_LOST if target else "", lost, ratio=False)
    if "saturation" in live:
        by_kind = live["saturation"]
        values = tuple(_held(by_kind.get(kind)) for kind in KINDS)
        target = LIVE["saturation_held_rate"]
        add("2 saturation", "room 50: msg/s held", target.text, values,
            met=None if values[0] is None else bool(target.met(values[0])))
    if "storm" in live:
        by_kind = live["storm"]
        values = tuple(_value(by_kind.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(by_kind.get(kind), "lost_updates") for kind in KINDS)
        target = LIVE["storm_converged_s"]
        add("3 join storm 200", "converged s after last handshake", target.text, values, bound_of(by_kind),
            target.met(values[0], lost[0]))
        add("3 join storm 200", "lost / duplicated updates", NONE_LOST,
            tuple(None if _value(by_kind.get(k), "lost_updates") is None else
                  f"{by_kind[k]['lost_updates']}/{by_kind[k]['duplicated_updates']}" for k in KINDS))
        add("3 join storm 200", "handshake p99 ms", "",
            tuple((_value(by_kind.get(kind), "handshake") or {}).get("p99_ms") for kind in KINDS))
    if "audience" in live:
        by_kind = live["audience"]
        values = tuple(_value(by_kind.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(by_kind.get(kind), "lost_updates") for kind in KINDS)
        size = _value(by_kind.get("hadir"), "size") or 2000
        storm = _value(by_kind.get("hadir"), "storm") or 500
        target = LIVE["audience_storm_converged_s"]
        add(f"3b audience {size}", f"storm of {storm} listeners: converged s", target.text, values,
            bound_of(by_kind), target.met(values[0], lost[0]))
        add(f"3b audience {size}", "lost updates", NONE_LOST, lost, ratio=False)
    if "idle" in live:
        by_kind = live["idle"]
        checkpoints = {kind: (_value(by_kind.get(kind), "checkpoints") or []) for kind in KINDS}
        for index, point in enumerate(next((c for c in checkpoints.values() if c), [])):
            if "connections" not in point:
                continue
            others = [checkpoints[kind][index] if index < len(checkpoints[kind]) else {} for kind in KINDS]
            count = point["connections"]
            values = tuple(other.get("rss_per_connection_kib") for other in others)
            target = LIVE["idle_kib_per_connection"]
            add("4 idle", f"{count}: KiB per connection", target.text, values, met=target.met(values[0]))
            add("4 idle", f"{count}: handshake p99 ms", "",
                tuple((other.get("handshake") or {}).get("p99_ms") for other in others))
            add("4 idle", f"{count}: failures", NONE_LOST, tuple(other.get("failures") for other in others),
                ratio=False)
        chats = {kind: _value(by_kind.get(kind), "chat") or {} for kind in KINDS}
        size = next((c["room_size"] for c in chats.values() if c.get("room_size")), None)
        values = tuple(chats[kind].get("p99_ms") for kind in KINDS)
        target = LIVE["idle_chat_p99_ms"]
        add("4 idle", f"chat into room of {size}: p99 ms", target.text, values,
            tuple(bool(chats[kind].get("client_bound")) for kind in KINDS),
            met=target.met(values[0], chats["hadir"].get("lost")))
    if "scaled" in live:
        fan, storm = live["scaled"]["fanout"], live["scaled"]["storm"]
        values = tuple(_value(fan.get(kind), "p99_ms") for kind in KINDS)
        lost = tuple(_value(fan.get(kind), "lost") for kind in KINDS)
        target = LIVE["scaled_fanout_p99_ms"]
        add("5 two processes", "fan-out 200: p99 ms", target.text, values, bound_of(fan),
            target.met(values[0], lost[0]))
        add("5 two processes", "fan-out 200: lost", NONE_LOST, lost, ratio=False)
        values = tuple(_value(storm.get(kind), "converge_after_last_handshake_s") for kind in KINDS)
        lost = tuple(_value(storm.get(kind), "lost_updates") for kind in KINDS)
        target = LIVE["scaled_storm_converged_s"]
        add("5 two processes", "join storm 200: converged s", target.text, values, bound_of(storm),
            target.met(values[0], lost[0]))
        add("5 two processes", "join storm 200: lost updates", NONE_LOST, lost, ratio=False)
    if "crash" in live:
        by_kind = live["crash"]
        values = tuple(
            _value(by_kind.get(kind), "ghosts_gone_after_s")
            if _value(by_kind.get(kind), "ghosts_gone") else
            (f"> {by_kind[kind]['watched_s']}" if _value(by_kind.get(kind), "watched_s") else None)
            for kind in KINDS
        )
        target = LIVE["crash_ghosts_gone_s"]
        add("6 crash", "ghosts gone after s", target.text, values, met=bool(target.met(values[0])))
    for name, figures in results["live"].items():
        if "error" in figures:
            add(name, "failed: " + figures["error"][:80], "", (None,) * len(KINDS))
    for name, figures in results.get("others", {}).items():
        if "skipped" in figures or "error" in figures:
            add(name, figures.get("skipped") or "failed: " + figures["error"][:80], "", (None,) * len(KINDS))
            continue
        flat = dict(_flatten(figures))
        for key, figure in OTHER_FIGURES.get(name, {}).items():
            value = flat.get(key)
            add(OTHER_LABELS.get(name, name), figure.label.format(**flat),
                figure.target.text if figure.target else "", (value, None, None, None),
                met=figure.target.met(value) if figure.target else None)
        if name == "rooms_latency":
            for row in figures.get("rooms_latency", []):
                if "p99_ms" in row:
                    add("rooms_latency", f"join → diff, {row['processes']} proc., room {row['room']}: p99 ms", "",
                        (row["p99_ms"], None, None, None))
    return table


def _held(result: dict | None):
    """The highest rate held, or "< the first rate" when even that one failed."""
    steps = _value(result, "steps")
    if not steps:
        return None
    held = result.get("held_rate")
    return held if held is not None else f"< {steps[0]['rate']}"


def _flatten(figures, prefix: str = ""):
    if not isinstance(figures, dict):
        yield prefix or "value", figures
        return
    for key, value in figures.items():
        if key == "trace":
            continue
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten(value, name)
        elif not isinstance(value, list):
            yield name, value


def _cell(value, bound: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text + ("*" if bound else "")


def _ratio(value, base) -> str:
    if not isinstance(value, int | float) or not isinstance(base, int | float) or base == 0:
        return ""
    ratio = value / base
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def table_text(results: dict) -> str:
    header = ("scenario", "figure", "target", "Hadir", "uvicorn", "bare Ch.", "raw ws", "H÷bare", "H÷raw", "uv÷H",
              "met")
    lines = [header]
    for scenario, figure, target, values, bound, met, ratio in rows(results):
        hadir, uvicorn, bare, raw = values
        lines.append((
            scenario, figure, target, *(_cell(v, b) for v, b in zip(values, bound, strict=True)),
            *((_ratio(hadir, bare), _ratio(hadir, raw), _ratio(uvicorn, hadir)) if ratio else ("", "", "")),
            "" if met is None else ("yes" if met else "NO"),
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    out = ["| " + " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) + " |"
           for line in lines]
    out.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    out.append("* the load client used more than 80% of its core: a client-bound figure. Hadir is the default"
               " (Daphne), uvicorn the same application on uvicorn. Ratios: Hadir's figure divided by each baseline's,"
               " and uvicorn's divided by Hadir's (for latencies lower is better, for rates higher). `lost`: not"
               " delivered within the drain window after the last send. `met` is the default's (Daphne's).")
    return "\n".join(out)


def cleanup_redis() -> None:
    with contextlib.suppress(Exception):
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        for pattern in ("benchraw:*", "benchbare:*", "hadir:bench-*", "asgi:group:bench.*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start:start + 500])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    mode.add_argument("--table", action="store_true", help="print the table of bench/results/latest.json again")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated servers to measure (hadir,"
                        "uvicorn,bare,raw); uvicorn is left out when it is not installed")
    parser.add_argument("--only", default="", help="comma-separated live scenarios (fanout,saturation,storm,"
                        "audience,idle,scaled,crash,others); default all")
    parser.add_argument("--database-url", default="", help="a scratch database for Hadir (migrated and written "
                        "to), e.g. postgres://postgres@127.0.0.1:5432/bench; default BENCH_DATABASE_URL, else SQLite")
    parser.add_argument("--redis-url", default="", help="the Redis of the two-process runs; default "
                        "BENCH_REDIS_URL, else redis://127.0.0.1:6379/12")
    parser.add_argument("--results", type=Path, default=None, help=f"where to write the figures (default {RESULTS})")
    arguments = parser.parse_args()
    global REDIS_URL
    if arguments.database_url:
        os.environ["BENCH_DATABASE_URL"] = arguments.database_url
    if arguments.redis_url:
        REDIS_URL = arguments.redis_url
    results_path = arguments.results or RESULTS
    if arguments.table:
        print(table_text(json.loads(RESULTS.read_text())))
        return
    if not shutil.which("taskset"):
        sys.exit("bench: taskset (util-linux) is required to pin the server and the client to their cores")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    quick = arguments.quick
    config = QUICK if quick else FULL
    only = set(filter(None, arguments.only.split(",")))
    kinds = tuple(kind for kind in KINDS if kind in arguments.kinds.split(","))
    if "uvicorn" in kinds and importlib.util.find_spec("uvicorn") is None:
        log("uvicorn is not installed (pip install -r requirements-dev.txt): Hadir is measured on Daphne only")
        kinds = tuple(kind for kind in kinds if kind != "uvicorn")
    bench = Bench(quick=quick, kinds=kinds)
    started = time.monotonic()
    results = {"mode": "quick" if quick else "full", "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "machine": machine(), "versions": versions(), "kinds": list(kinds), "live": {}, "config": config}
    if results["machine"]["loadavg_start"][0] > 1:
        log(f"load average {results['machine']['loadavg_start'][0]:.2f} > 1: figures are taken under load")
    bench.prepare_database()
    scenarios = {"fanout": scenario_fanout, "saturation": scenario_saturation, "storm": scenario_storm,
                 "audience": scenario_audience, "idle": scenario_idle, "scaled": scenario_scaled,
                 "crash": scenario_crash}
    try:
        for name, function in scenarios.items():
            if only and name not in only:
                continue
            log(f"scenario {name}")
            try:
                results["live"][name] = function(bench, config[name])
            except Exception as exc:
                results["live"][name] = {"error": f"{type(exc).__name__}: {exc}"}
                log(f"scenario {name} failed: {traceback.format_exc()}")
        if not only or "others" in only:
            results["others"] = other_modules(quick)
    finally:
        cleanup_redis()
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    results["database"] = "postgresql" if bench.database_url.startswith("postgres") else "sqlite"
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(table_text(results))
    print(f"\n{results['mode']} run in {results['elapsed_s']} s; load average {results['machine']['loadavg_start']} "
          f"→ {results['machine']['loadavg_end']}; figures in {results_path}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
