"""Reads about recordings: who may have a sitting's file (its room policy decides), and the file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import UUID

from django.utils.dateparse import parse_datetime

from config.types import AnyUser
from media.models import Recording
from rooms.policies import policy_for
from scheduling.models import Occurrence


def may_access_recording(*, user: AnyUser | None, occurrence: Occurrence) -> bool:
    """A court's staff for a hearing, a class's teachers and school administrators for a class;
    never a link alone, a party, an observer or the public (``RoomPolicy.may_access_recordings``)."""
    if user is None or not user.is_authenticated:
        return False
    return bool(policy_for(occurrence.event).may_access_recordings(user, occurrence))


def recording_for(*, user: AnyUser | None, occurrence: Occurrence) -> Recording | None:
    """The sitting's recording, for someone who may have it; else None (as if there were none)."""
    recording = Recording.objects.filter(occurrence=occurrence).first()
    if recording is None or not may_access_recording(user=user, occurrence=occurrence):
        return None
    return recording


def recording_file(*, user: AnyUser | None, occurrence_id: UUID | str) -> tuple[Recording, Path] | None:
    """The finished file of the sitting's recording for someone who may have it, else None."""
    recording = Recording.objects.select_related("occurrence__event").filter(
        occurrence_id=occurrence_id, status=Recording.Status.READY).first()
    if recording is None or not may_access_recording(user=user, occurrence=recording.occurrence):
        return None
    path = Path(recording.file)
    if not recording.file or not path.is_file() or path.parent != Path(recording.folder):
        return None
    return recording, path


def segments_of(recording: Recording) -> list[tuple[datetime | None, datetime | None, str]]:
    """(start, stop, by) of each time the recording ran; stop None while it runs."""
    return [(parse_datetime(part["start"]) if part.get("start") else None,
             parse_datetime(part["stop"]) if part.get("stop") else None, part.get("by", ""))
            for part in recording.segments]
