"""A sitting's Janus recording made into one file for the record (a django-q2 task, ``media.tasks``).

Janus wrote one ``.mjr`` file per publisher, stream and segment (``videoroom-<room>-user-<id>-<µs>-
audio-<mid>.mjr``). ``janus-pp-rec`` turns each audio file into Opus; ffmpeg places each at the
moment it began (``janus-pp-rec --json``'s creation time, against the earliest) and mixes them into
one MP3: everyone's voice on one time line from the first start to the last stop, silence where
the recording was paused. Why audio and MP3: the record of a hearing or a lesson is what was said;
one mixed track plays on any court or school computer and phone without a player to install, and
costs about 30 MB an hour, where a composed video of fifteen cameras would re-encode every stream
(a core per sitting) and weigh gigabytes. The raw files (video included) stay for
``HADIR_RETENTION_RECORDING_RAW_DAYS`` (``media.tasks.purge``), from which a video can be made by hand.

A conversion claims its recording first (``processing``), so that a task the broker hands out twice,
or the schedule's sweep, never runs it twice; a claim older than twice the task's time limit is
taken over.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from media.models import Recording

log = logging.getLogger(__name__)

JANUS_PP_REC = "janus-pp-rec"
FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"
OUTPUT_NAME = "recording.mp3"


class ConversionFailed(Exception):
    pass


def _run(command: list[str], *, timeout: float) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionFailed(f"{command[0]}: {exc}") from exc
    if done.returncode != 0:
        raise ConversionFailed(f"{command[0]} exited {done.returncode}: {(done.stderr or done.stdout)[-500:]}")
    return done.stdout


def _claim(recording_id: int) -> Recording | None:
    now = timezone.now()
    stale = now - timedelta(seconds=2 * settings.HADIR_RECORDING_CONVERT_SECONDS)
    claimed = Recording.objects.filter(pk=recording_id).filter(
        Q(status=Recording.Status.STOPPED) | Q(status=Recording.Status.PROCESSING, claimed_at__lt=stale)
    ).update(status=Recording.Status.PROCESSING, claimed_at=now)
    return Recording.objects.get(pk=recording_id) if claimed else None


def _started_us(mjr: Path, timeout: float) -> int:
    header = json.loads(_run([JANUS_PP_REC, "--json", str(mjr)], timeout=timeout) or "{}")
    return int(header.get("s") or header.get("u") or 0)


def duration_of(path: Path, *, timeout: float = 60) -> float:
    out = _run([FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
               timeout=timeout)
    return float(json.loads(out)["format"]["duration"])


def recording_convert(*, recording_id: int) -> Recording | None:
    """Make the sitting's file; None when another conversion holds it or it is not due."""
    recording = _claim(recording_id)
    if recording is None:
        return None
    limit = settings.HADIR_RECORDING_CONVERT_SECONDS
    folder = Path(recording.folder)
    try:
        sources = sorted(folder.glob("*-audio-*.mjr")) if folder.is_dir() else []
        work = folder / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        tracks = []
        for index, mjr in enumerate(sources):
            opus = work / f"{index}.opus"
            _run([JANUS_PP_REC, str(mjr), str(opus)], timeout=limit)
            if opus.exists() and opus.stat().st_size > 0:
                tracks.append((_started_us(mjr, 60), opus))
        if not tracks:
            # Nobody spoke, or this worker does not see the folder Janus writes (docs/deployment.md).
            _finish(recording, status=Recording.Status.EMPTY,
                    error=f"no audio files in {folder}: nobody published, or HADIR_RECORDINGS_DIR is not shared")
            return Recording.objects.get(pk=recording_id)
        first = min(start for start, _ in tracks)
        output = folder / OUTPUT_NAME
        partial = folder / f"{OUTPUT_NAME}.part.mp3"
        command = [FFMPEG, "-nostdin", "-y", "-loglevel", "error"]
        for _start, opus in tracks:
            command += ["-i", str(opus)]
        chains = [f"[{i}:a]adelay={(start - first) // 1000}:all=1[a{i}]" for i, (start, _) in enumerate(tracks)]
        inputs = "".join(f"[a{i}]" for i in range(len(tracks)))
        mix = f"{inputs}amix=inputs={len(tracks)}:duration=longest:normalize=0[out]"
        command += ["-filter_complex", ";".join([*chains, mix]), "-map", "[out]", "-ac", "1", "-ar", "48000",
                    "-c:a", "libmp3lame", "-b:a", "64k", str(partial)]
        _run(command, timeout=limit)
        partial.replace(output)
        shutil.rmtree(work, ignore_errors=True)
        _finish(recording, status=Recording.Status.READY, file=str(output), duration=duration_of(output),
                size=output.stat().st_size)
    except ConversionFailed as exc:
        log.error("recording %s: conversion failed: %s", recording_id, exc)
        _finish(recording, status=Recording.Status.FAILED, error=str(exc)[:2000])
    return Recording.objects.get(pk=recording_id)


def _finish(recording: Recording, *, status: str, file: str = "", duration: float | None = None,
            size: int | None = None, error: str = "") -> None:
    # Only the claim's own outcome: a recording started again meanwhile is converted after its next stop.
    Recording.objects.filter(pk=recording.pk, status=Recording.Status.PROCESSING).update(
        status=status, file=file, duration_seconds=duration, size_bytes=size, error=error,
        converted_at=timezone.now(), claimed_at=None)
