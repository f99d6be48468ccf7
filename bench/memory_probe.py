"""Where a room's per-connection memory goes: one Hadir process behind ``bench.counting``, N
participants joined; the RSS per connection, then what ``malloc_trim(0)`` gives back, and with
BENCH_TRACEMALLOC=1 the Python allocations that grew while they joined (biggest 25, by line).

    BENCH_DATABASE_URL=postgres://... python -m bench.memory_probe 1000
    BENCH_TRACEMALLOC=1 python -m bench.memory_probe 300       # slower: every allocation traced
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from bench.loadclient import Run, gather_limited, participants_for, process_rss
from bench.loadclient_more import bench_get
from bench.servers import Bench, Servers

WARM = 20


async def probe(spec: dict) -> None:
    run = Run(spec)
    run.track_presence = False
    people, pid, target = participants_for(run), spec["server_pids"][0], spec["targets"][0]
    traced = bool(os.environ.get("BENCH_TRACEMALLOC"))
    await gather_limited([p.prepare() for p in people], 16)
    await gather_limited([p.connect() for p in people[:WARM]], WARM)
    await asyncio.sleep(1)
    base = process_rss(pid)
    if traced:
        await bench_get(target, "/__bench/traced")
    await bench_get(target, "/__bench/types")
    maps = await bench_get(target, "/__bench/maps")
    print("pymalloc before:", await bench_get(target, "/__bench/pymalloc"))
    await gather_limited([p.connect() for p in people[WARM:]], 100)
    await asyncio.sleep(2)
    held = sum(1 for p in people if p.ready_after) - WARM
    rss = process_rss(pid)
    if traced:
        traced_answer = await bench_get(target, "/__bench/traced")
        for size, count, lines in traced_answer["grown"]:
            print(size, count, "\n    ".join(lines))
        print(f"traced: {traced_answer['total_kib'] / held:.2f} KiB per connection")
        for kib, filename in traced_answer["by_file"]:
            print(f"{kib / held:8.2f} KiB per connection allocated in {filename}")
    for name, count in (await bench_get(target, "/__bench/types"))["grown"]:
        print(f"{count / held:8.2f} per connection  {name}")
    grown = {name: kib - maps.get(name, 0) for name, kib in (await bench_get(target, "/__bench/maps")).items()}
    for name, kib in sorted(grown.items(), key=lambda item: -item[1])[:12]:
        print(f"{kib / held:8.2f} KiB per connection in {name}")
    print("pymalloc after:", await bench_get(target, "/__bench/pymalloc"))
    trim = await bench_get(target, "/__bench/trim")
    print(json.dumps({"connections": held, "kib_per_connection": round((rss - base) / held / 1024, 1),
                      "after_trim": round((trim["rss_kib_after"] * 1024 - base) / held / 1024, 1)}))
    await gather_limited([p.close() for p in people], 500)


if __name__ == "__main__":
    bench = Bench(quick=True, kinds=("hadir",))
    bench.prepare_database()
    with Servers(bench, "hadir", counting=True) as servers:
        asyncio.run(probe(servers.spec([servers.room(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)])))
