"""Occurrences: move or cancel one sitting of a series; the others stay. Each is an override
exported with its RECURRENCE-ID (a cancelled one also as an EXDATE), not a new event.

A single event's only sitting moves or cancels the event itself (``events.event_cancel``).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from config.types import User
from scheduling import limits, recurrence, selectors, signals
from scheduling.errors import SchedulingError
from scheduling.models import Event, Occurrence
from scheduling.services import validation
from scheduling.services.conflicts import conflicts_refuse
from scheduling.services.events import event_cancel

logger = logging.getLogger(__name__)


def _refuse_unless_upcoming(occurrence: Occurrence, now: datetime) -> None:
    validation.refuse_if_cancelled(occurrence.event)
    if occurrence.status == Occurrence.Status.CANCELLED:
        raise SchedulingError(_("This sitting is cancelled."), code="cancelled")
    if occurrence.end <= now:
        raise SchedulingError(_("This sitting has already taken place."), code="past")


def occurrence_move(
    *, occurrence: Occurrence, start: datetime, end: datetime | None = None, by: User | None,
    allow_conflicts: bool = False,
) -> Occurrence:
    """Move one sitting; the others stay. It keeps its RECURRENCE-ID and becomes an override.

    A single (non-recurring) event's only sitting moves the event itself.
    """
    event = occurrence.event
    zone = recurrence.zone_for(event.timezone)
    now = validation.now()
    _refuse_unless_upcoming(occurrence, now)
    start = validation.instant(start, field="start", zone=zone)
    if end is None:
        end = start + (occurrence.end - occurrence.start)
    else:
        end = validation.instant(end, field="end", zone=zone)
    validation.duration(end - start, field="end")
    if start < now:
        raise SchedulingError(_("A sitting cannot be moved into the past."), field="start")
    validation.refuse_beyond_horizon(start, now)
    if start == occurrence.start and end == occurrence.end:
        return occurrence
    previous_start = occurrence.start
    limits.refuse_over_message_budget(organizer=event.organizer, messages=validation.audience(event))
    with transaction.atomic():
        if not allow_conflicts:
            conflicts_refuse(
                people=selectors.people_of_event(event), resource=event.resource, windows=[(start, end)],
                viewer=by, zone=event.timezone, exclude_occurrence=occurrence,
            )
        event = Event.objects.select_for_update().get(pk=event.pk)
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        if event.rrule:
            occurrence.is_override = True
        else:
            event.start, event.duration = start, end - start
            occurrence.recurrence_id = start
        validation.bump(event)
        occurrence.start, occurrence.end, occurrence.sequence = start, end, event.sequence
        occurrence.event = event
        occurrence.save()
        signals.occurrence_moved.send(sender=Occurrence, occurrence=occurrence, previous_start=previous_start)
    logger.info("occurrence %s moved by %s", occurrence.pk, by)
    return occurrence


def occurrence_cancel(*, occurrence: Occurrence, by: User | None) -> Occurrence:
    """Cancel one sitting: it stays as a cancelled row and the series gains its EXDATE.

    A single (non-recurring) event's only sitting cancels the event (``event_cancelled``).
    """
    event = occurrence.event
    _refuse_unless_upcoming(occurrence, validation.now())
    if not event.rrule:
        event_cancel(event=event, by=by)
        occurrence.refresh_from_db()
        return occurrence
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        event.exdates = recurrence.format_instants(
            [*recurrence.parse_instants(event.exdates), occurrence.recurrence_id]
        )
        validation.bump(event)
        occurrence.status = Occurrence.Status.CANCELLED
        occurrence.sequence, occurrence.event = event.sequence, event
        occurrence.save()
        signals.occurrence_cancelled.send(sender=Occurrence, occurrence=occurrence)
    logger.info("occurrence %s cancelled by %s", occurrence.pk, by)
    return occurrence
