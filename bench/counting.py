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
import sys
import tempfile
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
    grown = snapshot.compare_to(_snapshots[0], "traceback")
    by_file = snapshot.compare_to(_snapshots[0], "filename")[:15]
    return {"grown": [[str(stat.size_diff // 1024) + " KiB", stat.count_diff, stat.traceback.format()[-6:]]
                      for stat in grown[:25]],
            "total_kib": sum(stat.size_diff for stat in grown) // 1024,
            "by_file": [[stat.size_diff // 1024, stat.traceback[0].filename] for stat in by_file]}


_type_counts: list = []


def _types() -> dict:
    """The first call counts the objects the collector tracks, by type; each later one lists the
    types whose count grew since (the biggest 25): what a socket keeps alive, whatever allocates it."""
    gc.collect()
    counts: dict = {}
    for thing in gc.get_objects():
        name = repr(type(thing))
        counts[name] = counts.get(name, 0) + 1
    if not _type_counts:
        _type_counts.append(counts)
        return {"types": "counted"}
    grown = sorted(((count - _type_counts[0].get(name, 0), name) for name, count in counts.items()), reverse=True)
    return {"grown": [[name, count] for count, name in grown[:25]]}


def _maps() -> dict:
    """The process's memory by kind of mapping (RSS in KiB): glibc's main heap, other anonymous
    mappings by size (pymalloc's arenas are 1 MiB, a thread's malloc arena up to 64 MiB), files."""
    kinds: dict = {}
    name = None
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split()
            if "-" in head[0] and len(head) >= 5:
                start, end = (int(part, 16) for part in head[0].split("-"))
                size = (end - start) // 1024
                path = head[5] if len(head) > 5 else ""
                name = path if path.startswith("[") else ("file" if path else f"anon {size // 1024} MiB")
            elif head[0] == "Rss:":
                kinds[name] = kinds.get(name, 0) + int(head[1])

    class Mallinfo2(ctypes.Structure):
        _fields_ = [(field, ctypes.c_size_t) for field in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                     "fordblks", "keepcost")]

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.mallinfo2.restype = Mallinfo2
    info = libc.mallinfo2()
    for field in ("arena", "hblkhd", "uordblks", "fordblks"):
        kinds["malloc " + field] = getattr(info, field) // 1024
    return kinds


def _pymalloc() -> dict:
    """pymalloc's own summary (``sys._debugmallocstats``, which writes to fd 2): its arenas and
    the bytes in blocks in use, free in used pools, and lost to fragmentation."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        lines = out.read().splitlines()
    keep = ("arenas allocated current", "# bytes in allocated blocks", "# bytes in available blocks",
            "# bytes lost to pool headers", "# bytes lost to quantization", "# bytes lost to arena alignment",
            "Total", "unused pools")
    return {line.split("=")[0].strip(): line.split("=")[-1].strip() for line in lines if line.startswith(keep)}


if os.environ.get("BENCH_TRACEMALLOC"):
    tracemalloc.start(12)

PATHS = {"/__bench/queries": lambda: {"queries": _count}, "/__bench/trim": _trim, "/__bench/traced": _traced,
         "/__bench/types": _types,
         "/__bench/maps": _maps,
         "/__bench/pymalloc": _pymalloc}


async def _answer(path: str, send) -> None:
    body = json.dumps(PATHS[path]()).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def application(scope, receive, send):
    """Hadir's own coroutine for everything but the bench's paths: no frame of the bench's under
    each socket, whose memory the scenarios measure."""
    if scope["type"] == "http" and scope["path"] in PATHS:
        return _answer(scope["path"], send)
    return hadir(scope, receive, send)


application._asgi_single_callable = True  # a plain function: asgiref would take it for ASGI 2
