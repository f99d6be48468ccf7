"""Health of the parts a request needs: the database and the channel layer."""

import asyncio

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

LAYER_TIMEOUT_SECONDS = 2.0


def _database_ok() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def check_database() -> str | None:
    try:
        await sync_to_async(_database_ok, thread_sensitive=True)()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", named in the answer
        return f"{type(exc).__name__}: {exc}".strip()
    return None


async def check_channel_layer() -> str | None:
    layer = get_channel_layer()
    try:
        channel = await layer.new_channel()
        await asyncio.wait_for(layer.send(channel, {"type": "healthz.ping"}), LAYER_TIMEOUT_SECONDS)
        message = await asyncio.wait_for(layer.receive(channel), LAYER_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}".strip() or "no answer"
    if message.get("type") != "healthz.ping":
        return "wrong answer"
    return None


async def health_report() -> dict:
    checks = {"database": await check_database(), "channel_layer": await check_channel_layer()}
    failing = {name: problem for name, problem in checks.items() if problem}
    return {
        "status": "ok" if not failing else "unavailable",
        "checks": {name: ("ok" if not problem else problem) for name, problem in checks.items()},
        "failing": sorted(failing),
    }
