"""Health of the parts a request needs: the database (reads and writes) and the channel layer.

The answer is public: it names the parts that fail and nothing else. Why they fail (paths, hosts,
driver messages) goes to the log. ``details_report`` (``/healthz/details``, for the metrics token
or network) adds Redis, the worker's heartbeat and the outbox, with thresholds from settings, and
each Janus server when ``JANUS_URL`` is set (the plain ``/healthz`` never asks Janus: a media server
that is down must not take the service out of a load balancer).
"""

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
from django.db.models import Min
from django.utils import timezone

log = logging.getLogger(__name__)

LAYER_TIMEOUT_SECONDS = 2.0
# A write that waits longer than this for a lock counts as refused (SQLite would wait 20 s).
WRITE_TIMEOUT_MS = 2000


@contextlib.contextmanager
def _short_lock_waits():
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {WRITE_TIMEOUT_MS}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")


def _database_ok() -> None:
    """A read, then a write that is rolled back: a database that is locked or read-only still answers
    reads, and every action that matters (attendance, chat, scheduling) writes."""
    _database_read()
    _database_write()


def _database_read() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _database_write() -> None:
    with _short_lock_waits(), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{WRITE_TIMEOUT_MS}ms"])
        cursor.execute("UPDATE django_migrations SET applied = applied WHERE id = 0")
        transaction.set_rollback(True)


async def check_database() -> bool:
    return await _passes(_database_ok, "the database refused a read or a write")


async def _passes(check, failure: str) -> bool:
    try:
        await sync_to_async(check, thread_sensitive=True)()
    except Exception:
        log.exception("health: %s", failure)
        return False
    return True


def _redis_ok() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=LAYER_TIMEOUT_SECONDS,
                         socket_timeout=LAYER_TIMEOUT_SECONDS).ping()


async def check_channel_layer() -> bool:
    layer = get_channel_layer()
    try:
        channel = await layer.new_channel()
        await asyncio.wait_for(layer.send(channel, {"type": "healthz.ping"}), LAYER_TIMEOUT_SECONDS)
        message = await asyncio.wait_for(layer.receive(channel), LAYER_TIMEOUT_SECONDS)
    except Exception:
        log.exception("health: the channel layer did not answer")
        return False
    if message.get("type") != "healthz.ping":
        log.error("health: the channel layer answered %r", message.get("type"))
        return False
    return True


async def health_report() -> dict:
    checks = {"database": await check_database(), "channel_layer": await check_channel_layer()}
    return {
        "status": "ok" if all(checks.values()) else "unavailable",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        "failing": sorted(name for name, ok in checks.items() if not ok),
    }


def _worker_and_outbox() -> dict:
    from notifications.models import Message, WorkerHeartbeat

    now = timezone.now()
    beat = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    age = round((now - beat).total_seconds()) if beat else None
    waiting = Message.objects.filter(status__in=[Message.Status.PENDING, Message.Status.SENDING])
    oldest = waiting.filter(next_attempt_at__lte=now).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    oldest_age = round((now - oldest).total_seconds()) if oldest else 0
    backlog = waiting.count()
    worker_ok = age is not None and age <= settings.HADIR_HEALTH_HEARTBEAT_MAX_SECONDS
    outbox_ok = (oldest_age <= settings.HADIR_HEALTH_OUTBOX_MAX_AGE_SECONDS
                 and backlog <= settings.HADIR_HEALTH_OUTBOX_MAX_BACKLOG)
    return {
        "worker": {"status": "ok" if worker_ok else "degraded", "heartbeat_age_seconds": age},
        "outbox": {"status": "ok" if outbox_ok else "degraded", "backlog": backlog,
                   "oldest_pending_age_seconds": oldest_age},
    }


# The whole of Janus's part of a probe, whatever the servers do (each has its own smaller budget).
JANUS_TIMEOUT_SECONDS = 5.0


def _janus_status_in_thread() -> list[dict]:
    from media.health import janus_status

    close_old_connections()
    try:
        return janus_status()
    finally:
        connections.close_all()


async def janus_status_bounded() -> list[dict] | None:
    """Each Janus server's reach and load (``media.health.janus_status``), or None when Janus is not
    configured. In a thread of its own (never the database thread that requests share), bounded: a
    server that does not answer in time is reported unreachable."""
    if not settings.JANUS_URL:
        return None
    try:
        return await asyncio.wait_for(sync_to_async(_janus_status_in_thread, thread_sensitive=False)(),
                                      JANUS_TIMEOUT_SECONDS)
    except Exception:
        log.exception("health: Janus's status could not be read in time")
        return [{"url": url.rstrip("/"), "reachable": False, "sessions": 0, "rooms": 0, "publishers": 0,
                 "subscribers": 0, "complete": False} for url in settings.JANUS_URL]


async def details_report() -> dict:
    """Every part, with figures. A part the service cannot serve without (the database, the channel
    layer, Redis) is ``unavailable`` and makes the whole ``unavailable`` (503); a worker that stopped
    or an outbox that does not drain is ``degraded``: rooms work, messages wait."""
    checks = {
        "database_read": await _passes(_database_read, "the database refused a read"),
        "database_write": await _passes(_database_write, "the database refused a write"),
        "channel_layer": await check_channel_layer(),
    }
    if settings.REDIS_URL:
        checks["redis"] = await _passes(_redis_ok, "Redis did not answer")
    parts = {name: {"status": "ok" if ok else "unavailable"} for name, ok in checks.items()}
    if checks["database_read"]:
        try:
            parts.update(await sync_to_async(_worker_and_outbox, thread_sensitive=True)())
        except Exception:
            log.exception("health: the worker's heartbeat or the outbox could not be read")
            parts["worker"] = parts["outbox"] = {"status": "unavailable"}
    janus = await janus_status_bounded()
    if janus is not None:
        # Rooms, chat and presence work without it; the sittings placed on a server that is down
        # have no audio and video: degraded, not unavailable.
        parts["janus"] = {"status": "ok" if all(server["reachable"] for server in janus) else "degraded",
                          "servers": janus}
    failing = sorted(name for name, part in parts.items() if part["status"] == "unavailable")
    degraded = sorted(name for name, part in parts.items() if part["status"] == "degraded")
    return {
        "status": "unavailable" if failing else "degraded" if degraded else "ok",
        "checks": parts, "failing": failing, "degraded": degraded,
    }
