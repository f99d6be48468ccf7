"""Hadir's application, counting its SQL queries: the bench's ``queries`` scenario serves this
instead of ``config.asgi:application`` and reads the count at ``/__bench/queries`` (this process's
queries so far, as JSON). Every database connection Django opens gets a counting execute wrapper,
whichever thread opens it; nothing else changes."""

from __future__ import annotations

import json
import threading

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


async def application(scope, receive, send) -> None:
    if scope["type"] == "http" and scope["path"] == "/__bench/queries":
        body = json.dumps({"queries": _count}).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
        return
    await hadir(scope, receive, send)
