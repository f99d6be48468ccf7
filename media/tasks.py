"""django-q2 entry points for recordings (thin: the work is in ``media.convert`` and ``media.recording``)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from media.convert import recording_convert
from media.models import Recording
from media.recording import recording_end
from rooms.selectors import room_window


def convert(recording_id: int) -> str:
    """Queued when a recording stops (``media.recording.convert_queue``)."""
    recording = recording_convert(recording_id=recording_id)
    return recording.status if recording is not None else "skipped"


def convert_due() -> dict:
    """Every five minutes: stop recordings whose room window has closed (a sitting that ran out of
    time without a final status), then convert what waits (its task lost) or was left half-done."""
    now = timezone.now()
    ended = 0
    for recording in Recording.objects.filter(status=Recording.Status.RECORDING).select_related("occurrence"):
        if room_window(recording.occurrence)[1] <= now or recording.occurrence.is_cancelled:
            recording_end(occurrence=recording.occurrence, janus=True)
            ended += 1
    stale = now - timedelta(seconds=2 * settings.HADIR_RECORDING_CONVERT_SECONDS)
    due = list(Recording.objects.filter(status=Recording.Status.STOPPED).values_list("pk", flat=True)) + list(
        Recording.objects.filter(status=Recording.Status.PROCESSING, claimed_at__lt=stale).values_list("pk", flat=True))
    for pk in due:
        recording_convert(recording_id=pk)
    return {"ended": ended, "converted": len(due)}


def purge() -> int:
    """Daily: Janus's raw files of recordings converted more than ``HADIR_RETENTION_RECORDING_RAW_DAYS``
    ago; the finished file stays (a record is never purged)."""
    before = timezone.now() - timedelta(days=settings.HADIR_RETENTION_RECORDING_RAW_DAYS)
    purged = 0
    for recording in Recording.objects.filter(status__in=[Recording.Status.READY, Recording.Status.EMPTY],
                                              converted_at__lt=before, raw_purged_at__isnull=True):
        folder = Path(recording.folder)
        for path in folder.glob("*.mjr") if folder.is_dir() else []:
            path.unlink(missing_ok=True)
        shutil.rmtree(folder / "work", ignore_errors=True)
        Recording.objects.filter(pk=recording.pk).update(raw_purged_at=timezone.now())
        purged += 1
    return purged

