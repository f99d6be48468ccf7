"""Scheduling changes that end someone's place in a live room: close their sockets at once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from rooms import wire
from rooms.publish import publish_on_commit


def _close(occurrence_ids, *, code: int, attendee_id: str | None = None) -> None:
    envelope = wire.Close(code=code, attendee=attendee_id or "")
    for pk in occurrence_ids:
        publish_on_commit(str(pk), envelope)


def _open_sittings(event):
    now = timezone.now()
    return event.occurrences.filter(
        start__lte=now + timedelta(minutes=settings.HADIR_ROOM_OPENS_BEFORE_MINUTES),
        end__gte=now - timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES),
    ).values_list("pk", flat=True)


def occurrence_cancelled(sender, *, occurrence, **kwargs) -> None:
    _close([occurrence.pk], code=4410)


def event_cancelled(sender, *, event, **kwargs) -> None:
    _close(_open_sittings(event), code=4410)


def attendee_removed(sender, *, attendee, **kwargs) -> None:
    _close(_open_sittings(attendee.event), code=4403, attendee_id=str(attendee.pk))


def join_link_changed(sender, *, attendee, **kwargs) -> None:
    """A rotated or revoked link: the sockets of whoever entered with it close with 4403 (on every
    process, as a denied participant's do); their sessions no longer match the link, so they stay out."""
    _close(_open_sittings(attendee.event), code=4403, attendee_id=str(attendee.pk))
