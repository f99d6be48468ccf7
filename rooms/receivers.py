"""Scheduling changes that end someone's place in a live room: close their sockets at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from rooms import wire
from rooms.publish import publish_on_commit

if TYPE_CHECKING:
    from scheduling.models import Attendee, Event, Occurrence


def _close(occurrence_ids: Iterable[object], *, code: int, attendee_id: str | None = None) -> None:
    envelope = wire.Close(code=code, attendee=attendee_id or "")
    for pk in occurrence_ids:
        publish_on_commit(str(pk), envelope)


def _open_sittings(event: Event) -> QuerySet[Occurrence, uuid.UUID]:
    now = timezone.now()
    return event.occurrences.filter(
        start__lte=now + timedelta(minutes=settings.HADIR_ROOM_OPENS_BEFORE_MINUTES),
        end__gte=now - timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES),
    ).values_list("pk", flat=True)


def occurrence_cancelled(sender: object, *, occurrence: Occurrence, **kwargs: object) -> None:
    _close([occurrence.pk], code=4410)


def event_cancelled(sender: object, *, event: Event, **kwargs: object) -> None:
    _close(_open_sittings(event), code=4410)


def attendee_removed(sender: object, *, attendee: Attendee, **kwargs: object) -> None:
    _close(_open_sittings(attendee.event), code=4403, attendee_id=str(attendee.pk))


def join_link_changed(sender: object, *, attendee: Attendee, **kwargs: object) -> None:
    """A rotated or revoked link: the sockets of whoever entered with it close with 4403 (on every
    process, as a denied participant's do); their sessions no longer match the link, so they stay out."""
    _close(_open_sittings(attendee.event), code=4403, attendee_id=str(attendee.pk))
