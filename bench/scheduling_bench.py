"""Scheduling benchmark: the conflict check and the calendar feed for a person with 500 sittings
among 100,000.

    DEBUG=1 .venv/bin/python -m bench.scheduling_bench            # 100,000 sittings
    DEBUG=1 .venv/bin/python -m bench.scheduling_bench --quick    # 20,000 sittings, fewer rounds

A throwaway SQLite file under ``var/bench/`` (or ``BENCH_DATABASE_URL``, a scratch database that
is migrated, emptied and written to). The person's 10 weekly series of 50 sittings (one moved and one
cancelled sitting each) go through ``scheduling.services``; the other sittings (other people's
series, three attendees each, some in named rooms) are bulk-inserted rows of the same shape, for
speed. Measured in-process:

- ``conflict_check``: ``selectors.conflicts_for`` for the person and a room, one-hour windows at
  random times across the two years;
- ``series_conflict_check``: the check ``event_create`` runs for a new 50-sitting weekly series;
- ``feed_fresh`` / ``feed_304``: ``GET /calendar/<token>.ics`` through the whole Django stack
  (middleware, ETag and Last-Modified), without and with ``If-None-Match``.

Prints a table on stderr and one JSON object on stdout; ``run(quick)`` returns that object
(measured in a fresh subprocess, so that the caller's database and settings are untouched).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"


def run(quick: bool) -> dict:
    """Measure in a fresh process and return the figures (what ``bench.run`` collects)."""
    command = [sys.executable, "-m", "bench.scheduling_bench", *(["--quick"] if quick else [])]
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    sys.stderr.write(done.stderr)
    return json.loads(done.stdout)


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def _timed(function, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        function()
        samples.append(time.perf_counter() - began)
    return samples


def _setup_django() -> str:
    VAR.mkdir(parents=True, exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        path = VAR / "scheduling-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)  # a scratch database starts empty
    return url.split(":", 1)[0]


def _populate(total: int, rng: random.Random):
    """The person's 10 series through the services, then bulk rows up to ``total`` sittings."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from scheduling import services
    from scheduling.models import Attendee, Event, Occurrence
    from scheduling.tokens import new_salt, token_for, token_hash

    user_model = get_user_model()
    person = user_model.objects.create_user(username="bench-person", email="person@example.org")
    organizer = user_model.objects.create_user(
        username="bench-organizer", email="organizer@example.org", is_staff=True
    )
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    first_monday = (now + timedelta(days=7 - now.weekday())).replace(hour=1)
    zones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/Amsterdam"]
    for index in range(10):
        start = first_monday + timedelta(days=index % 5, hours=(index // 5) * 3)
        event = services.event_create(
            organizer=organizer, title=f"Series {index}", start=start, duration=timedelta(hours=1),
            timezone=zones[index % len(zones)], rrule="FREQ=WEEKLY;COUNT=50",
            attendees=[services.AttendeeSpec(user=person, role="student"),
                       services.AttendeeSpec(name="Guest", email=f"guest{index}@example.org")],
            allow_conflicts=True,
        )
        rows = list(event.occurrences.order_by("start")[10:12])
        services.occurrence_move(occurrence=rows[0], start=rows[0].start + timedelta(hours=6),
                                 by=organizer, allow_conflicts=True)
        services.occurrence_cancel(occurrence=rows[1], by=organizer)
    span_hours = 2 * 365 * 24
    events, occurrences, attendees = [], [], []
    remaining = total - Occurrence.objects.count()
    series = 0
    while remaining > 0:
        count = min(50, remaining)
        start = now + timedelta(hours=rng.randrange(24, span_hours - 24 * 7 * count))
        event = Event(
            organizer=organizer, title=f"Other {series}", timezone="Asia/Jakarta", start=start,
            duration=timedelta(hours=1), rrule=f"FREQ=WEEKLY;COUNT={count}", uid=f"bench-{series}@hadir",
            resource=f"Room {rng.randrange(200)}" if series % 4 == 0 else "",
        )
        events.append(event)
        for week in range(count):
            at = start + timedelta(weeks=week)
            occurrences.append(Occurrence(event=event, recurrence_id=at, start=at, end=at + timedelta(hours=1)))
        for seat in range(3):
            salt = new_salt()
            attendees.append(Attendee(
                event=event, name=f"P{series}-{seat}", email=f"p{rng.randrange(20000)}@example.org",
                join_token_salt=salt, join_token_hash=token_hash(token_for("join", salt)),
            ))
        series += 1
        remaining -= count
    Event.objects.bulk_create(events, batch_size=1000)
    Occurrence.objects.bulk_create(occurrences, batch_size=2000)
    Attendee.objects.bulk_create(attendees, batch_size=1000)
    return person, now


def measure(quick: bool) -> dict:
    database = _setup_django()
    from django.db import connection
    from django.test import Client

    from scheduling import selectors, services
    from scheduling.models import Occurrence

    rng = random.Random(20261128)
    total = 20_000 if quick else 100_000
    began = time.perf_counter()
    person, now = _populate(total, rng)
    populate_seconds = time.perf_counter() - began
    with connection.cursor() as cursor:  # fresh statistics after the bulk insert, as autovacuum would
        cursor.execute("ANALYZE")
    mine = selectors.occurrences_for_user(user=person, start=now - timedelta(days=1), end=now + timedelta(days=800))

    def one_conflict():
        start = now + timedelta(hours=rng.randrange(24, 2 * 365 * 24))
        selectors.conflicts_for(people=[person], resource="Room 7", start=start, end=start + timedelta(hours=1))

    def series_conflict():
        start = now + timedelta(days=rng.randrange(1, 300), hours=rng.randrange(24))
        windows = [(start + timedelta(weeks=week), start + timedelta(weeks=week, hours=1)) for week in range(50)]
        selectors.clashes_for_windows(people=[person, "p17@example.org"], resource="Room 7", windows=windows)

    feed = services.calendar_feed_for(user=person)
    client = Client(HTTP_HOST="localhost")
    first = client.get(feed.path)
    assert first.status_code == 200, first.status_code
    etag = first["ETag"]

    def feed_fresh():
        response = client.get(feed.path)
        assert response.status_code == 200

    def feed_304():
        response = client.get(feed.path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304

    rounds = {"conflict": 200 if quick else 1000, "series": 50 if quick else 200,
              "fresh": 20 if quick else 100, "304": 200 if quick else 1000}
    for function in (one_conflict, series_conflict, feed_fresh, feed_304):  # warm caches and plans
        function()
    result = {
        "module": "bench.scheduling_bench",
        "quick": quick,
        "database": database,
        "occurrences_total": Occurrence.objects.count(),
        "person_occurrences": mine.count(),
        "populate_seconds": round(populate_seconds, 1),
        "conflict_check": _percentiles(_timed(one_conflict, rounds["conflict"])),
        "series_conflict_check": _percentiles(_timed(series_conflict, rounds["series"])),
        "feed_fresh": _percentiles(_timed(feed_fresh, rounds["fresh"])),
        "feed_304": _percentiles(_timed(feed_304, rounds["304"])),
        "feed_bytes": len(first.content),
        "feed_vevents": first.content.count(b"BEGIN:VEVENT"),
        "machine": {
            "platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "load_average": [round(value, 2) for value in os.getloadavg()],
        },
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return result


def _table(result: dict) -> str:
    lines = [
        f"scheduling: {result['occurrences_total']:,} sittings ({result['database']}), the person has "
        f"{result['person_occurrences']}; populated in {result['populate_seconds']} s",
    ]
    for key in ("conflict_check", "series_conflict_check", "feed_fresh", "feed_304"):
        figures = result[key]
        lines.append(f"  {key:<22} p50 {figures['p50_ms']:>8.2f} ms   p99 {figures['p99_ms']:>8.2f} ms   "
                     f"(n={figures['n']})")
    lines.append(f"  feed: {result['feed_bytes']:,} bytes, {result['feed_vevents']} VEVENTs")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 sittings and fewer rounds")
    arguments = parser.parse_args()
    result = measure(arguments.quick)
    print(_table(result), file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
