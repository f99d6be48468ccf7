"""Attendance intervals, written in batches: one trip to the database for the admissions and leaves
of this process in the last moment. One INSERT per joiner on Daphne's single database thread made a
join storm wait for the database: a row costs 0.7 ms written alone, 0.14 ms in a batch of 200
(docs/performance.md, "Join storms"). A failed write is retried until it succeeds; ``close`` returns a
future that resolves once its batch is written (a leaving socket waits for it).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.utils import timezone

from rooms import services

if TYPE_CHECKING:
    from rooms.live.tasks import Tasks

log = logging.getLogger(__name__)


class AttendanceWriter:
    # Changes wait this long to share a trip.
    GATHER_SECONDS = 0.05
    RETRY_SECONDS = 1.0

    def __init__(self, tasks: Tasks, instance: str):
        self.tasks = tasks
        self.instance = instance
        self.opened: list[tuple[uuid.UUID, str, str, datetime]] = []
        self.closed: list[tuple[uuid.UUID, datetime]] = []
        self.written: asyncio.Future | None = None
        self.task: asyncio.Task | None = None

    def open(self, *, room_id: str, attendee_id: str) -> uuid.UUID:
        interval_id = uuid.uuid4()
        self.opened.append((interval_id, room_id, attendee_id, timezone.now()))
        self._start()
        return interval_id

    def close(self, interval_id: uuid.UUID) -> asyncio.Future:
        self.closed.append((interval_id, timezone.now()))
        return self._start()

    def _start(self) -> asyncio.Future:
        if self.written is None:
            self.written = self.tasks.loop.create_future()
        if self.task is None or self.task.done():
            self.task = self.tasks.spawn(self._write())
        return self.written

    async def _write(self) -> None:
        await asyncio.sleep(self.GATHER_SECONDS)
        while self.opened or self.closed:
            opened, closed, written = self.opened, self.closed, self.written
            self.opened, self.closed, self.written = [], [], None
            while True:
                try:
                    await database_sync_to_async(services.attendance_record)(
                        instance=self.instance, opened=opened, closed=closed
                    )
                    break
                except Exception:
                    log.exception("writing %d attendance changes failed; retrying", len(opened) + len(closed))
                    await asyncio.sleep(self.RETRY_SECONDS)
            assert written is not None
            written.set_result(None)
