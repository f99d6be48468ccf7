"""Recording a sitting for the record (issue 20): a moderator starts and stops it, Janus records.

- ``recording_set``: ``media.record`` from the room socket. The room's policy must allow it (the
  court's or school's ``allow_recording``) and the room must be on Janus. Hadir points the sitting's
  VideoRoom at its own folder (``HADIR_RECORDINGS_DIR/<occurrence>``) and turns recording on or off
  with the room's secret (the room is created with ``lock_record``: no browser can do either).
- Every start and stop is a segment of the sitting's one ``Recording``, is sent to everyone in the
  room (``media.recording``) and is announced with ``media.signals.recording_changed`` (a hearing
  writes it into its status log).
- ``recording_end``: the sitting is over (a final status, cancelled, or its room window closed):
  a running recording stops. Every stop queues the conversion (``media.convert``) after the commit.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from media.errors import MediaUnavailable
from media.janus import VIDEOROOM, JanusRefused, JanusUnavailable
from media.models import JanusRoom, Recording
from media.services import janus_room_open
from media.signals import recording_changed
from rooms import wire
from rooms.errors import Forbidden, Invalid
from rooms.policies import RoomPolicy, media_engine, policy_for
from rooms.publish import publish_on_commit
from rooms.selectors import room_is_over, room_status
from scheduling.models import Attendee, Occurrence

log = logging.getLogger(__name__)


def recording_folder(occurrence: Occurrence) -> str:
    return str(settings.HADIR_RECORDINGS_DIR / str(occurrence.pk))


def recording_allowed(occurrence: Occurrence, policy: RoomPolicy | None = None) -> bool:
    """The organisation allows it and the room's media go through Janus."""
    policy = policy or policy_for(occurrence.event)
    engine = media_engine()
    return (engine is not None and engine.mode == "janus" and bool(policy.built_in_media(occurrence, size=0))
            and bool(policy.recording_allowed(occurrence)))


def recording_frame(recording: Recording | None) -> str:
    on = recording is not None and recording.status == Recording.Status.RECORDING
    since = recording.segments[-1]["start"] if on and recording and recording.segments else None
    return json.dumps({"type": "media.recording", "recording": on, "since": since}, separators=(",", ":"))


def room_facts(occurrences: list[Occurrence]) -> dict:
    """``hello.room``'s ``recording`` (now) and ``recording_allowed`` for a batch of door checks."""
    live = set(Recording.objects.filter(occurrence__in=occurrences, status=Recording.Status.RECORDING)
               .values_list("occurrence_id", flat=True))
    return {occurrence.pk: {"recording": occurrence.pk in live, "recording_allowed": recording_allowed(occurrence)}
            for occurrence in occurrences}


def _janus_record(room: JanusRoom, *, on: bool, folder: str) -> None:
    janus = room.janus
    if on:
        janus.plugin_request(VIDEOROOM, {"request": "edit", "room": room.room, "secret": room.secret,
                                         "new_rec_dir": folder, "new_lock_record": True})
    janus.plugin_request(VIDEOROOM, {"request": "enable_recording", "room": room.room, "secret": room.secret,
                                     "record": on})


def recording_set(*, occurrence: Occurrence, by: Attendee, on: bool) -> Recording | None:
    """Start (``on``) or stop the sitting's recording; doing what is already done changes nothing."""
    policy = policy_for(occurrence.event)
    if by.event_id != occurrence.event_id or not policy.is_moderator(by) or by.user_id is None:
        raise Forbidden(_("Only the room's moderators may do this."))
    if not recording_allowed(occurrence, policy):
        raise Forbidden(_("Recording is not allowed for this session."))
    if room_is_over(occurrence, room_status(occurrence, policy).status, policy, timezone.now()):
        raise Invalid(_("The session is over."))
    return recording_start(occurrence=occurrence, by=by) if on else recording_stop(occurrence=occurrence, by=by)


def recording_start(*, occurrence: Occurrence, by: Attendee) -> Recording:
    current = Recording.objects.filter(occurrence=occurrence).first()
    if current is not None and current.status == Recording.Status.RECORDING:
        return current
    room = janus_room_open(occurrence=occurrence)
    folder = recording_folder(occurrence)
    try:
        _janus_record(room, on=True, folder=folder)
    except (JanusUnavailable, JanusRefused) as exc:
        log.warning("janus: cannot start recording room %s: %s", room.room, exc)
        raise MediaUnavailable(_("The audio and video server cannot be reached; trying again shortly.")) from exc
    now = timezone.now()
    try:
        with transaction.atomic():
            recording, _created = Recording.objects.select_for_update().get_or_create(
                occurrence=occurrence, defaults={"folder": folder, "started_at": now})
            if recording.status == Recording.Status.RECORDING and recording.segments:
                return recording  # another moderator was quicker
            recording.status, recording.stopped_at = Recording.Status.RECORDING, None
            recording.segments = [*recording.segments, {"start": now.isoformat(), "stop": None, "by": by.name}]
            recording.save()
            _announce(recording, on=True, by=by, at=now)
    except IntegrityError:  # created meanwhile by another process: theirs stands
        return Recording.objects.get(occurrence=occurrence)
    return recording


def recording_stop(*, occurrence: Occurrence, by: Attendee | None, janus: bool = True) -> Recording | None:
    """``janus`` False: the room is being destroyed anyway (that closes its recordings)."""
    if janus:
        room = JanusRoom.objects.filter(occurrence=occurrence, closed_at__isnull=True).first()
        if room is not None:
            try:
                _janus_record(room, on=False, folder="")
            except (JanusUnavailable, JanusRefused) as exc:
                # A Janus that restarted or lost the room records nothing more either way.
                log.warning("janus: stopping the recording of room %s: %s", room.room, exc)
    now = timezone.now()
    with transaction.atomic():
        recording = Recording.objects.select_for_update().filter(occurrence=occurrence).first()
        if recording is None or recording.status != Recording.Status.RECORDING:
            return recording
        _close_segment(recording, now)
        recording.save()
        _announce(recording, on=False, by=by, at=now)
        transaction.on_commit(partial(convert_queue, recording_id=recording.pk))
    return recording


def _close_segment(recording: Recording, now: datetime) -> None:
    recording.status, recording.stopped_at = Recording.Status.STOPPED, now
    if recording.segments and recording.segments[-1].get("stop") is None:
        recording.segments[-1] = {**recording.segments[-1], "stop": now.isoformat()}


def _announce(recording: Recording, *, on: bool, by: Attendee | None, at: datetime) -> None:
    recording_changed.send(sender=Recording, occurrence=recording.occurrence, on=on, by=by, at=at)
    publish_on_commit(str(recording.occurrence_id), wire.ToAll(close=0, frame=recording_frame(recording)))


def recording_end(*, occurrence: Occurrence, by: Attendee | None = None, janus: bool = False) -> None:
    """The sitting is over: a running recording stops. ``janus`` False where its room is being
    destroyed anyway (a final status, a cancelled sitting: that closes the files); True where the
    room may still be open (the sitting's time ran out)."""
    if Recording.objects.filter(occurrence=occurrence, status=Recording.Status.RECORDING).exists():
        recording_stop(occurrence=occurrence, by=by, janus=janus)


def convert_queue(*, recording_id: int) -> None:
    """Hand the conversion to the django-q2 cluster; a broker that is down loses nothing (the
    every-five-minutes ``media.tasks.convert_due`` finds the recording)."""
    from django_q.tasks import async_task

    try:
        async_task("media.tasks.convert", recording_id, task_name=f"recording-{recording_id}",
                   timeout=settings.HADIR_RECORDING_CONVERT_SECONDS)
    except Exception:
        log.exception("could not queue the conversion of recording %s; the schedule will", recording_id)


def room_status_changed(sender: object, *, occurrence: Occurrence, status: str, by: Attendee | None = None,
                        **kwargs: object) -> None:
    """``rooms.signals.room_status_changed``: a final status ends the recording, in the same transaction."""
    if status in policy_for(occurrence.event).final_statuses:
        recording_end(occurrence=occurrence, by=by)


def occurrence_cancelled(sender: object, *, occurrence: Occurrence, **kwargs: object) -> None:
    recording_end(occurrence=occurrence)
