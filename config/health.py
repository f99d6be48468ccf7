"""Health of the parts a request needs: the database (reads and writes) and the channel layer.

The answer is public: it names the parts that fail and nothing else. Why they fail (paths, hosts,
driver messages) goes to the log.
"""

import asyncio
import contextlib
import logging

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction

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
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    with _short_lock_waits(), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{WRITE_TIMEOUT_MS}ms"])
        cursor.execute("UPDATE django_migrations SET applied = applied WHERE id = 0")
        transaction.set_rollback(True)


async def check_database() -> bool:
    try:
        await sync_to_async(_database_ok, thread_sensitive=True)()
    except Exception:
        log.exception("health: the database refused a read or a write")
        return False
    return True


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
