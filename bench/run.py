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
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

from bench import scenarios, scenarios_big, servers
from bench.servers import KINDS, RESULTS, UVICORN_OPTIONS, Bench, cleanup_redis, log
from bench.table import table_text

__all__ = ["UVICORN_OPTIONS", "table_text"]  # tests/load reads them from here

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
    # Issue 19 (bench.scenarios_big): full run only.
    "audience5000": {"participants": 50, "audience": 4950, "storm": 2000, "lines": 10, "rate": 1, "timeout": 120},
    "processes": {"counts": [2, 4], "fanout_size": 200, "storm_size": 200, "storm_repeat": 3, "duration": 15,
                  "drain": 15, "idle": {"processes": 4, "rooms": [1000] * 8, "deadline": 300},
                  "crash": {"processes": 4, "victims": 100, "watchers": 10, "timeout": 60}},
    "queries": {"processes": 2, "rooms": [50, 500], "lines": 20},
    "noisy": {"size": 200, "rate": 20, "duration": 15, "drain": 15, "hogs": 2, "hog_seconds": 90},
    "profile": {"rates": [100, 200, 300, 400, 500, 600, 800], "step": 4, "fanout_seconds": 15, "top": 40},
}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true")
    mode.add_argument("--full", action="store_true")
    mode.add_argument("--table", action="store_true", help="print the table of bench/results/latest.json again")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated servers to measure (hadir,"
                        "uvicorn,bare,raw); uvicorn is left out when it is not installed")
    parser.add_argument("--only", default="", help="comma-separated live scenarios (fanout,saturation,storm,"
                        "audience,idle,scaled,crash; full run also audience5000,processes,queries,noisy,profile; "
                        "others); default all")
    parser.add_argument("--database-url", default="", help="a scratch database for Hadir (migrated and written "
                        "to), e.g. postgres://postgres@127.0.0.1:5432/bench; default BENCH_DATABASE_URL, else SQLite")
    parser.add_argument("--redis-url", default="", help="the Redis of the two-process runs; default "
                        "BENCH_REDIS_URL, else redis://127.0.0.1:6379/12")
    parser.add_argument("--results", type=Path, default=None, help=f"where to write the figures (default {RESULTS})")
    arguments = parser.parse_args()
    if arguments.database_url:
        os.environ["BENCH_DATABASE_URL"] = arguments.database_url
    if arguments.redis_url:
        servers.REDIS_URL = arguments.redis_url
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
    functions = {**scenarios.SCENARIOS, **scenarios_big.SCENARIOS}
    try:
        for name, function in functions.items():
            if (only and name not in only) or name not in config:
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
