"""Notifications: how long 1,000 invitations take from the outbox queue to a local SMTP server.

One event with N attendees is created through ``scheduling.services.event_create`` (the outbox
rows are rendered and written in its transaction, and the delivery tasks are queued on commit);
a real ``manage.py qcluster`` (django-q2, ``HADIR_WORKERS`` workers) claims and sends them to an
aiosmtpd server on loopback. Measured: the write (rendering + INSERT, inside the transaction),
and from commit to the last message accepted by the SMTP server (throughput and the per-message
latency percentiles). The run uses a fresh SQLite database and the ORM broker (the embedded
default) unless ``BENCH_DATABASE_URL`` / ``BENCH_REDIS_URL`` name a scratch PostgreSQL / Redis.

    python -m bench.notifications_bench            # 1,000 invitations
    python -m bench.notifications_bench --quick    # 200
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(quick: bool) -> dict:
    """Run the measurement in a child process (its own settings and database); return its figures."""
    with tempfile.TemporaryDirectory(prefix="hadir-bench-notify-") as scratch:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3",
            "HADIR_QUEUE_NAME": f"bench-notify-{os.getpid()}", "LOG_LEVEL": "WARNING",
            "BENCH_SCRATCH": scratch,
        }
        env.pop("REDIS_URL", None)
        if os.environ.get("BENCH_REDIS_URL"):
            env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        child = subprocess.run(
            [sys.executable, "-m", "bench.notifications_bench", "--child", "quick" if quick else "full"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
        )
        if child.returncode != 0:
            raise RuntimeError(f"benchmark child failed ({child.returncode}): {child.stderr[-4000:]}")
        return json.loads(child.stdout.strip().splitlines()[-1])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _child(quick: bool) -> dict:
    import threading

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from django_q.tasks import async_task, result

    from scheduling.services import AttendeeSpec, event_create
    from tests.support.daphne import free_port

    count = 200 if quick else 1000
    arrivals: list[float] = []
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with lock:
                arrivals.append(time.perf_counter())
            return "250 OK"

    call_command("migrate", verbosity=0)
    port = free_port()
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    scratch = Path(os.environ["BENCH_SCRATCH"])
    log = open(scratch / "qcluster.log", "ab")
    cluster = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}, start_new_session=True,
    )
    try:
        ready = async_task("math.floor", 1.5)
        if result(ready, wait=60_000) != 1:
            raise RuntimeError("the django-q2 cluster did not answer within 60 s")
        organizer = get_user_model().objects.create_user(
            "bench-organiser", "organiser@example.test", "x", is_staff=True
        )
        start = (timezone.now() + timezone.timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
        people = [AttendeeSpec(name=f"Student {i}", email=f"s{i}@example.test") for i in range(count)]
        began = time.perf_counter()
        event_create(
            organizer=organizer, title="Benchmark class", start=start, duration=timezone.timedelta(hours=1),
            timezone="Asia/Jakarta", rrule="FREQ=WEEKLY;COUNT=10", attendees=people, allow_conflicts=True,
        )
        committed = time.perf_counter()
        deadline = committed + 600
        while len(arrivals) < count and time.perf_counter() < deadline:
            time.sleep(0.02)
        if len(arrivals) < count:
            raise RuntimeError(f"only {len(arrivals)} of {count} messages arrived within 600 s")
        latencies = [arrival - committed for arrival in arrivals]
        delivery = max(latencies)
        return {
            "invitations": count,
            "workers": settings.Q_CLUSTER["workers"],
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "broker": "redis" if settings.REDIS_URL else "orm",
            "write_seconds": round(committed - began, 3),
            "commit_to_last_smtp_seconds": round(delivery, 3),
            "messages_per_second": round(count / delivery, 1),
            "latency_p50_seconds": round(_percentile(latencies, 0.5), 3),
            "latency_p95_seconds": round(_percentile(latencies, 0.95), 3),
            "queue_to_smtp_total_seconds": round(committed - began + delivery, 3),
        }
    finally:
        cluster.terminate()  # the parent alone: it stops its workers (a group SIGTERM hangs it)
        try:
            cluster.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, 9)
        smtp.stop()


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_child(sys.argv[-1] == "quick")))
    else:
        print(json.dumps(run("--quick" in sys.argv), indent=2))
