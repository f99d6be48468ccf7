"""The scenarios of issue 19 (full run): a room of 5,000 with its audience, two and four processes
on PostgreSQL + Redis, SQL queries per join and per chat line, noisy neighbours on the server's
core, and py-spy profiles of Daphne. Each returns ``{kind: figures}`` (or its own shape, read by
``bench.table_more``).

``BENCH_BIG_SCALE`` (e.g. 0.1) shrinks the room of 5,000, its storm and the 8,000 idle
connections, to check the scenarios run on a busy machine.
"""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

from bench.profile_summary import summarise
from bench.scenarios import _short, scenario_storm
from bench.servers import HADIR_KINDS, PY, SERVER_CORE, VAR, Bench, Servers, log


def _scale(value: int) -> int:
    return max(1, round(value * float(os.environ.get("BENCH_BIG_SCALE", "1"))))


def scenario_audience5000(bench: Bench, config: dict) -> dict:
    """The room of 5,000 (50 participants, 4,950 listeners) on one process: a storm of 2,000
    listeners, memory per connection with everyone open, chat lines to everyone. Hadir on Daphne
    and on uvicorn, and raw websockets counting its listeners the same way."""
    participants, listeners, storm = config["participants"], _scale(config["audience"]), _scale(config["storm"])
    results = {}
    for kind in bench.kinds:
        if kind not in (*HADIR_KINDS, "raw"):
            continue
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(participants, audience=listeners)])
            params = {"storm": storm, "timeout": config["timeout"], "lines": config["lines"], "rate": config["rate"],
                      "drain": 15, **bench.profile(f"audience5000-{kind}")}
            results[kind] = bench.client("audience_big", spec, params, timeout=900)
            figures = ("converge_after_last_handshake_s", "lost_updates", "rss_per_connection_kib")
            log(f"audience5000 {kind}: {_short(results[kind], *figures)}; "
                f"chat {_short(results[kind].get('chat', {}), 'p99_ms', 'lost')}")
    return results


def scenario_processes(bench: Bench, config: dict) -> dict:
    """Two and four Hadir processes on Daphne (the run's database, PostgreSQL in the full run, and
    Redis): fan-out 200 at 20/s, join storms of 200, idle connections over four processes, a crash."""
    results: dict = {}
    hadir = copy.copy(bench)
    hadir.kinds = ("hadir",)
    for count in config["counts"]:
        figures = results[str(count)] = {}
        with Servers(hadir, "hadir", processes=count) as servers:
            spec = servers.spec([servers.room(config["fanout_size"])])
            # Fresh processes: a few lines first (the first line into each waited for its pool and
            # subscription: up to seconds on a loaded machine, with four processes).
            params = {"rate": 20, "duration": config["duration"], "drain": config["drain"], "warm_up": 1}
            figures["fanout"] = hadir.client("fanout", spec, params, timeout=300)
            log(f"{count} processes fanout: {_short(figures['fanout'], 'p99_ms', 'lost')}")
        storm = scenario_storm(hadir, {"size": config["storm_size"], "repeat": config["storm_repeat"]},
                               processes=count)
        figures["storm"] = storm["hadir"]
    idle = config["idle"]
    rooms = [_scale(size) for size in idle["rooms"]]
    with Servers(hadir, "hadir", processes=idle["processes"]) as servers:
        spec = servers.spec(servers.rooms(rooms))
        params = {"checkpoints": [len(rooms)], "deadline": idle["deadline"], "chat_rate": 2, "chat_seconds": 2.5,
                  "drain": 15}
        results["idle"] = hadir.client("idle", spec, params, timeout=idle["deadline"] * 3 + 120)
        results["idle"]["processes"] = idle["processes"]
        log(f"idle over {idle['processes']}: {str(results['idle'])[:300]}")
    crash = config["crash"]
    with Servers(hadir, "hadir", processes=crash["processes"]) as servers:
        spec = servers.spec([servers.room(crash["victims"] + crash["watchers"])])
        params = {"victims": crash["victims"], "kill_pid": servers.pids[1], "timeout": crash["timeout"]}
        results["crash"] = hadir.client("crash", spec, params, timeout=crash["timeout"] + 120)
        results["crash"]["processes"] = crash["processes"]
        log(f"crash of 1 of {crash['processes']}: {_short(results['crash'], 'ghosts_gone_after_s', 'ghosts_left')}")
    return {"hadir": results}


def scenario_queries(bench: Bench, config: dict) -> dict:
    """SQL queries per join link, join, chat line and leave in rooms of each size (Hadir on Daphne,
    ``processes`` of them over Redis, behind ``bench.counting``)."""
    with Servers(bench, "hadir", processes=config["processes"], counting=True) as servers:
        spec = servers.spec(servers.rooms(config["rooms"]))
        result = bench.client("queries", spec, {"lines": config["lines"]}, timeout=600)
    log(f"queries: {str(result)[:400]}")
    return {"hadir": result}


def scenario_noisy(bench: Bench, config: dict) -> dict:
    """The room of 200 at 20 lines/s while ``hogs`` CPU-bound processes (each bounded in time)
    share the server's core: p99 and the server's CPU per delivered frame, Daphne and uvicorn."""
    results = {}
    hog = f"import time\nend = time.monotonic() + {config['hog_seconds']}\nwhile time.monotonic() < end: pass"
    for kind in bench.kinds:
        if kind not in HADIR_KINDS:
            continue
        with Servers(bench, kind) as servers:
            spec = servers.spec([servers.room(config["size"])])
            hogs = [subprocess.Popen(["taskset", "-c", SERVER_CORE, PY, "-c", hog]) for _ in range(config["hogs"])]
            try:
                params = {"rate": config["rate"], "duration": config["duration"], "drain": config["drain"],
                          **bench.profile(f"noisy-{kind}")}
                result = bench.client("fanout", spec, params, timeout=300)
            finally:
                for process in hogs:
                    process.kill()
                    process.wait()
        result["hogs"] = config["hogs"]
        result["cpu_per_frame_us"] = cpu_per_frame_us(result)
        results[kind] = result
        log(f"noisy {kind}: {_short(result, 'p99_ms', 'lost', 'cpu_per_frame_us', 'server_cpu')}")
    return results


def cpu_per_frame_us(result: dict) -> float | None:
    """The server's CPU (all its processes) over the sending window, per chat frame delivered."""
    if "error" in result or not result.get("server_cpu"):
        return None
    delivered = result["expected"] - result["lost"]
    return round(sum(result["server_cpu"]) * result["wall_s"] / max(delivered, 1) * 1e6, 1)


def scenario_profile(bench: Bench, config: dict) -> dict:
    """py-spy on Hadir on Daphne: the room of 50 at saturation and chat into a room of 1,000;
    each profile's busiest functions (``bench.profile_summary``)."""
    folder = Path(os.environ.get("BENCH_PROFILE") or VAR / "profiles")
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    with Servers(bench, "hadir") as servers:
        path = folder / f"saturation50-{bench.run_id}.txt"
        spec = servers.spec([servers.room(50)])
        params = {"rates": config["rates"], "step": config["step"], "p99_limit_ms": 100, "drain": 3,
                  "profile": str(path)}
        results["saturation50"] = {**bench.client("saturation", spec, params, timeout=300), "profile": str(path)}
        path = folder / f"fanout1000-{bench.run_id}.txt"
        spec = servers.spec([servers.room(_scale(1000))])
        params = {"rate": 10, "duration": config["fanout_seconds"], "drain": 15, "profile": str(path)}
        results["fanout1000"] = {**bench.client("fanout", spec, params, timeout=600), "profile": str(path)}
    for name, figures in results.items():
        path = Path(figures["profile"])
        if path.exists() and path.stat().st_size:
            figures["summary"] = summarise(str(path), top=config["top"], match="").splitlines()
            log(f"profile {name}:\n" + "\n".join(figures["summary"][:25]))
        else:
            figures["summary"] = ["no profile (py-spy needs ptrace rights on the server process)"]
    return {"hadir": results}


SCENARIOS = {"audience5000": scenario_audience5000, "processes": scenario_processes, "queries": scenario_queries,
             "noisy": scenario_noisy, "profile": scenario_profile}
