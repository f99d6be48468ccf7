"""The door check of a socket, batched: one trip to the database for every socket of this process
that knocks while the previous trip is under way. Checked alone, each socket cost four queries on
Daphne's one database thread (a third of a join storm's CPU); a batch costs three, however many
knock (``selectors.room_entries``). With it a storm of 200 converged in 0.38-0.49 s, not 1.66 s
(docs/performance.md, "Join storms").
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.utils import timezone

from rooms import selectors

if TYPE_CHECKING:
    from rooms.live.tasks import Tasks


class Door:
    def __init__(self, tasks: Tasks):
        self.tasks = tasks
        self.knocks: list[tuple[selectors.Knock, asyncio.Future]] = []
        self.checking: asyncio.Task | None = None

    async def check(self, scope: dict, occurrence_id: str) -> selectors.Entry | selectors.Refused:
        future = self.tasks.loop.create_future()
        self.knocks.append((selectors.Knock(scope, occurrence_id), future))
        if self.checking is None or self.checking.done():
            self.checking = self.tasks.spawn(self._check_batches())
        return await future

    async def _check_batches(self) -> None:
        while self.knocks:
            knocks, self.knocks = self.knocks, []
            waiting = [future for _, future in knocks]
            try:
                entries = await database_sync_to_async(selectors.room_entries)(
                    knocks=[knock for knock, _ in knocks], now=timezone.now()
                )
            except Exception as exc:  # noqa: BLE001 - every socket of the batch gets it
                for future in waiting:
                    if not future.done():  # else the socket went meanwhile
                        future.set_exception(exc)
                continue
            for future, entry in zip(waiting, entries, strict=True):
                if not future.done():
                    future.set_result(entry)
