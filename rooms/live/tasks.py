"""Background work of the live side: tasks on the hub's loop, in a fresh context, kept referenced."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any


class Tasks:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.running: set[asyncio.Task] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        # A fresh context: the caller's (a consumer's, or a sync thread's) would carry asgiref's
        # thread-executor markers into the hub's tasks and make database_sync_to_async refuse.
        task = self.loop.create_task(coroutine, context=contextvars.Context())
        self.running.add(task)  # a reference, so that a running task is not collected
        task.add_done_callback(self.running.discard)
        return task

    def call_in(self, wait: float, callback: Callable[..., object], *args: object) -> None:
        """Call ``callback(*args)`` on the loop after ``wait`` seconds (at the next turn if ``wait`` <= 0)."""
        if wait > 0:
            self.loop.call_later(wait, callback, *args, context=contextvars.Context())
        else:
            self.loop.call_soon(callback, *args, context=contextvars.Context())
