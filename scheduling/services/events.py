"""Events: create, change and cancel a whole series, and write its sittings as ``planning`` plans
them (``materialise``).

The sittings' rows are written here rather than in ``occurrences``: cancelling a single event's
only sitting cancels the event, so ``occurrences`` uses this module and not the other way round.
"""

import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from config.types import User
from scheduling import limits, planning, recurrence, selectors, signals
from scheduling.errors import SchedulingError
from scheduling.models import Event, Occurrence
from scheduling.services import validation
from scheduling.services.attendees import AttendeeSpec, checked_spec, contacted, new_attendee, people_of
from scheduling.services.conflicts import conflicts_refuse

logger = logging.getLogger(__name__)

_PLANNED = ["recurrence_id", "start", "end", "status", "is_override", "is_rdate"]


def event_create(
    *, organizer: User, title: str, start: datetime, duration: timedelta, timezone: str, rrule: str = "",
    exdates: Iterable[datetime] = (), description: str = "", kind: str = "", resource: str = "",
    reminder_minutes: list[int] | None = None, attendees: Iterable[AttendeeSpec] = (), allow_conflicts: bool = False,
) -> Event:
    """Create a single or recurring event with its sittings and attendees.

    The organiser invites only whom ``policies.strangers`` allows (NotAllowed otherwise), within
    the limits of ``scheduling.limits``; all of it is checked before the conflict check, so that
    nobody learns of others' sittings through people they may not invite.
    """
    zone = recurrence.zone_for(timezone)
    now = validation.now()
    title = validation.title(title)
    description = validation.description(description)
    start = validation.instant(start, field="start", zone=zone)
    duration = validation.duration(duration)
    if start < now:
        raise SchedulingError(_("A new event cannot start in the past."), field="start")
    validation.refuse_beyond_horizon(start, now)
    rule = recurrence.normalise_rule(rrule, start=start, zone=zone, now=now)
    excluded = [validation.instant(value, field="exdates", zone=zone) for value in exdates]
    instants = recurrence.expand(start=start, zone=zone, rule=rule, exdates=excluded)
    if not instants:
        raise SchedulingError(_("Every sitting of this series is excluded."), field="exdates")
    resource = validation.text(resource, field="resource", max_length=200)
    kind = validation.text(kind, field="kind", max_length=32)
    reminders = limits.reminders(reminder_minutes)
    attendees = [checked_spec(spec) for spec in attendees]
    people = people_of(attendees)
    validation.refuse_strangers(organizer=organizer, people=people)
    limits.refuse_too_many_attendees(organizer=organizer, count=len(attendees))
    limits.refuse_over_message_budget(organizer=organizer, messages=contacted(attendees))
    # The check runs inside the transaction: with SQLite's IMMEDIATE transactions two bookings
    # of the same slot are serialised.
    with transaction.atomic():
        if not allow_conflicts:
            conflicts_refuse(
                people=people, resource=resource, viewer=organizer, zone=timezone,
                windows=[
                    (instant, recurrence.sitting_end(instant, zone, duration, recurring=bool(rule)))
                    for instant in instants
                ],
            )
        event = Event.objects.create(
            organizer=organizer, title=title, description=description, kind=kind,
            resource=resource, timezone=timezone, start=start, duration=duration, rrule=rule,
            exdates=recurrence.format_instants(excluded), uid=f"{uuid.uuid4()}@hadir",
            reminder_minutes=reminders,
        )
        materialise(event, now=now)
        for spec in attendees:
            new_attendee(event=event, spec=spec)
        # One signal for the event with its first attendees (no attendee_added for them).
        signals.event_created.send(sender=Event, event=event)
    logger.info("event %s created by %s", event.pk, organizer)
    return event


def event_update(
    *, event: Event, by: User | None, title: str | None = None, description: str | None = None,
    start: datetime | None = None, duration: timedelta | None = None, rrule: str | None = None,
    timezone: str | None = None, allow_conflicts: bool = False,
) -> Event:
    """Change the whole series. Future sittings follow; past ones stay as they were."""
    validation.refuse_if_cancelled(event)
    now = validation.now()
    changes: set[str] = set()
    new_zone_name = event.timezone if timezone is None else timezone
    zone = recurrence.zone_for(new_zone_name)
    new_title = event.title if title is None else validation.title(title)
    new_description = event.description if description is None else validation.description(description)
    new_start = event.start if start is None else validation.instant(start, field="start", zone=zone)
    new_duration = event.duration if duration is None else validation.duration(duration)
    new_rule_text = event.rrule if rrule is None else rrule
    for name, old, new in (
        ("title", event.title, new_title), ("description", event.description, new_description),
        ("start", event.start, new_start), ("duration", event.duration, new_duration),
        ("rrule", event.rrule, new_rule_text), ("timezone", event.timezone, new_zone_name),
    ):
        if old != new:
            changes.add(name)
    if not changes:
        return event
    timing = changes & {"start", "duration", "rrule", "timezone"}
    new_rule = new_rule_text
    if timing:
        if event.rrule and not new_rule_text and event.occurrences.filter(start__lt=now).exists():
            raise SchedulingError(
                _("A series that has begun cannot become a single event; cancel its remaining sittings."),
                field="rrule",
            )
        if not new_rule_text and new_start < now:
            raise SchedulingError(_("An event cannot be moved into the past."), field="start")
        validation.refuse_beyond_horizon(new_start, now)
        new_rule = recurrence.normalise_rule(new_rule_text, start=new_start, zone=zone, now=now)
        instants = recurrence.expand(
            start=new_start, zone=zone, rule=new_rule, exdates=recurrence.parse_instants(event.exdates)
        )
        future = [instant for instant in instants if instant >= now]
        if not future:
            raise SchedulingError(
                _("After this change the series would have no sitting left."), field="start"
            )
    limits.refuse_over_message_budget(organizer=event.organizer, messages=validation.audience(event))
    with transaction.atomic():
        if timing and not allow_conflicts:
            conflicts_refuse(
                people=selectors.people_of_event(event), resource=event.resource, viewer=by, zone=new_zone_name,
                windows=[
                    (instant, recurrence.sitting_end(instant, zone, new_duration, recurring=bool(new_rule)))
                    for instant in future
                ],
                exclude_event=event,
            )
        event = Event.objects.select_for_update().get(pk=event.pk)
        previous = planning.Timing(event.start, event.timezone, event.rrule)
        event.title, event.description = new_title, new_description
        event.start, event.duration = new_start, new_duration
        event.rrule, event.timezone = new_rule, new_zone_name
        validation.bump(event)
        if timing:
            materialise(event, now=now, previous=previous)
        signals.event_changed.send(sender=Event, event=event, changes=changes)
    logger.info("event %s changed (%s) by %s", event.pk, ", ".join(sorted(changes)), by)
    return event


def event_cancel(*, event: Event, by: User | None) -> Event:
    """Cancel the whole series; sittings not yet over are cancelled with it."""
    validation.refuse_if_cancelled(event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        event.status = Event.Status.CANCELLED
        validation.bump(event)
        event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gt=validation.now()).update(
            status=Occurrence.Status.CANCELLED, sequence=event.sequence
        )
        signals.event_cancelled.send(sender=Event, event=event)
    logger.info("event %s cancelled by %s", event.pk, by)
    return event


def event_restate(*, event: Event, by: User | None, announce: bool = True) -> Event:
    """The owning domain app's state of the event changed (a hearing adjourned or concluded:
    ``scheduling.guidance.sitting_state``), not its time. ``announce`` sends every attendee the
    updated invitation (a new SEQUENCE); without it only feeds show the change."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if announce and event.status == Event.Status.CONFIRMED:
            validation.bump(event)
            signals.event_changed.send(sender=Event, event=event, changes={"status"})
        else:
            event.save(update_fields=["updated_at"])
    logger.info("event %s restated by %s", event.pk, by)
    return event


def materialise(event: Event, *, now: datetime, previous: planning.Timing | None = None) -> None:
    """Make the Occurrence rows match the event's rule as ``planning.plan`` says (future sittings
    follow, past ones stay); every row written carries the event's SEQUENCE."""
    rows: dict[object, Occurrence] = {row.pk: row for row in event.occurrences.all()}
    plan = planning.plan(
        start=event.start, zone=event.timezone, duration=event.duration, rule=event.rrule,
        exdates=recurrence.parse_instants(event.exdates), now=now, previous=previous,
        rows=[
            planning.Sitting(key=row.pk, **{name: getattr(row, name) for name in _PLANNED})
            for row in rows.values()
        ],
    )
    changed = []
    for sitting in plan.update:
        row = rows[sitting.key]
        for name in _PLANNED:
            setattr(row, name, getattr(sitting, name))
        row.sequence = event.sequence
        changed.append(row)
    # Two steps, so that no statement ever holds one RECURRENCE-ID twice while rows trade dates.
    placeholders = [
        Occurrence(pk=row.pk, recurrence_id=datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=index))
        for index, row in enumerate(changed)
    ]
    Occurrence.objects.bulk_update(placeholders, ["recurrence_id"])
    Occurrence.objects.bulk_update(changed, [*_PLANNED, "sequence"])
    Occurrence.objects.bulk_create(
        Occurrence(event=event, recurrence_id=sitting.recurrence_id, start=sitting.start, end=sitting.end,
                   sequence=event.sequence)
        for sitting in plan.create
    )
    event.exdates = recurrence.format_instants(plan.exdates)
    event.save(update_fields=["exdates", "updated_at"])
