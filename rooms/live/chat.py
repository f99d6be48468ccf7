"""A room's recent chat lines in this process: read from the database once, when someone here first
enters, then kept up to date from the lines this process delivers (``registry``)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async

from rooms import selectors

if TYPE_CHECKING:
    from rooms.live.tasks import Tasks
    from scheduling.models import Occurrence

CHAT_PREFIX = '{"type":"chat.message"'


def chat_id(frame: str) -> int:
    return json.loads(frame)["id"]


class ChatHistory:
    def __init__(self) -> None:
        self.lines: list[str] | None = None
        self.reading: asyncio.Task | None = None
        # Lines delivered while the read is in flight; those it missed are added after it.
        self.meanwhile: list[str] = []

    def remember(self, frame: str) -> None:
        if self.lines is not None:
            self.lines.append(frame)
            del self.lines[:-selectors.CHAT_HISTORY]
        elif self.reading is not None:
            self.meanwhile.append(frame)

    async def recent(self, occurrence: Occurrence, tasks: Tasks) -> list[str]:
        """The recent lines, oldest first; one read for every socket that asks meanwhile."""
        if self.lines is None:
            if self.reading is None:
                self.reading = tasks.spawn(self._read(occurrence))
            await asyncio.shield(self.reading)
        assert self.lines is not None
        return list(self.lines)

    async def _read(self, occurrence: Occurrence) -> None:
        try:
            frames = await database_sync_to_async(selectors.chat_history)(occurrence=occurrence)
        except Exception:
            self.reading = None  # the next one to enter reads again
            raise
        last = chat_id(frames[-1]) if frames else 0
        frames += [frame for frame in self.meanwhile if chat_id(frame) > last]
        self.lines = frames[-selectors.CHAT_HISTORY:]
        self.meanwhile = []
