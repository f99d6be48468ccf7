"""Hadir's application, counting its SQL queries: the bench's ``queries`` scenario serves this
instead of ``config.asgi:application`` and reads the count at ``/__bench/queries`` (this process's
queries so far, as JSON); ``/__bench/trim`` returns freed heap to the system and says how much.
Every database connection Django opens gets a counting execute wrapper,
whichever thread opens it; nothing else changes."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import threading
import tracemalloc

from django.db.backends.signals import connection_created

from config.asgi import application as hadir

_lock = threading.Lock()
_count = 0


def _counter(execute, sql, params, many, context):
    global _count
    with _lock:
        _count += 1
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs) -> None:
    if _counter not in connection.execute_wrappers:
        connection.execute_wrappers.append(_counter)


connection_created.connect(_install)


def _trim() -> dict:
    """glibc's ``malloc_trim(0)``: how much of the RSS is freed memory glibc kept (a diagnosis)."""
    def rss() -> int:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

    before = rss()
    name = ctypes.util.find_library("c")
    trimmed = bool(name) and bool(ctypes.CDLL(name).malloc_trim(0))
    return {"rss_kib_before": before, "rss_kib_after": rss(), "trimmed": trimmed}


_snapshots: list = []


def _traced() -> dict:
    """With BENCH_TRACEMALLOC=1: the first call takes a snapshot, each later one lists what grew
    since it (the biggest 25, by line)."""
    if not tracemalloc.is_tracing():
        return {"error": "start the server with BENCH_TRACEMALLOC=1"}
    gc.collect()
    snapshot = tracemalloc.take_snapshot()
    if not _snapshots:
        _snapshots.append(snapshot)
        return {"snapshot": "taken"}
    grown = snapshot.compare_to(_snapshots[0], "traceback")[:25]
    return {"grown": [[str(stat.size_diff // 1024) + " KiB", stat.count_diff, stat.traceback.format()[-6:]]
                      for stat in grown]}


if os.environ.get("BENCH_TRACEMALLOC"):
    tracemalloc.start(12)

PATHS = {"/__bench/queries": lambda: {"queries": _count}, "/__bench/trim": _trim, "/__bench/traced": _traced}


async def application(scope, receive, send) -> None:
    if scope["type"] == "http" and scope["path"] in PATHS:
        answer = PATHS[scope["path"]]()
        body = json.dumps(answer).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return
    await hadir(scope, receive, send)
