"""Every write to scheduling. Keyword-only, each in one transaction, refusing bad input with one
translated ``SchedulingError`` and changing nothing.

Each significant change to an event (its time, rule, title, description, a sitting moved or
cancelled, an attendee removed) increments ``Event.sequence`` (the iTIP SEQUENCE) and sends one
of ``scheduling.signals`` inside the transaction, after the rows are written.

Who may call what is the caller's business (``scheduling.policies`` for the plain pages and the
API, the domain apps for their own screens); ``by`` is recorded in the log. What holds for every
caller is checked here: whom the organiser may invite (``policies.strangers``), how many attendees,
reminders and messages (``scheduling.limits``), free text without control characters
(``scheduling.text``), and that a clash names only sittings the caller takes part in.
"""

import logging
import uuid
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from scheduling import limits, policies, recurrence, selectors, signals, tokens
from scheduling.errors import Conflict, NotAllowed, SchedulingError
from scheduling.models import Attendee, CalendarFeed, Event, Occurrence, Profile
from scheduling.text import clean_text

logger = logging.getLogger(__name__)

# Instants outside these years are refused before any arithmetic on them can overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
MAX_DESCRIPTION = 10_000


@dataclass(frozen=True)
class AttendeeSpec:
    name: str = ""
    email: str = ""
    user: object = None
    role: str = "participant"
    language: str = ""
    timezone: str = ""


# ---------------------------------------------------------------- validation helpers


def _now() -> datetime:
    return dj_timezone.now()


def _instant(value, *, field: str, zone) -> datetime:
    """An aware instant; a naive datetime is read in the event's zone."""
    if not isinstance(value, datetime):
        raise SchedulingError(_("Enter a date and time."), field=field)
    if dj_timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        value = None
    if value is None or not EARLIEST <= value < LATEST:
        raise SchedulingError(_("Enter a date and time between 1970 and 9000."), field=field)
    return value


def _refuse_beyond_horizon(start: datetime, now: datetime) -> None:
    if start > now + recurrence.HORIZON:
        raise SchedulingError(_("An event may start at most two years ahead."), field="start")


def _text(value, *, field: str, max_length: int, multiline: bool = False) -> str:
    """``scheduling.text.clean_text`` as a ``SchedulingError``: no control characters in what
    reaches an e-mail header, an ICS line or a page."""
    try:
        return clean_text(value, field=field, max_length=max_length, multiline=multiline)
    except ValidationError as error:
        problem = error.error_dict[field][0]
        raise SchedulingError(problem.messages[0], field=field, code=problem.code) from error


def _title(value) -> str:
    title = (value or "").strip() if isinstance(value, str) else ""
    if not title:
        raise SchedulingError(_("Give the event a title."), field="title")
    if len(title) > 200:
        raise SchedulingError(_("A title has at most 200 characters."), field="title")
    return _text(title, field="title", max_length=200)


def _description(value) -> str:
    return _text(value, field="description", max_length=MAX_DESCRIPTION, multiline=True)


def _duration(value, *, field: str = "duration") -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise SchedulingError(_("The end must be after the start."), field=field)
    if value > recurrence.MAX_DURATION:
        raise SchedulingError(_("A sitting lasts at most 24 hours."), field=field)
    return value


def _email(value: str) -> str:
    email = _text(value, field="email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise SchedulingError(
                _("“%(email)s” is not a valid e-mail address.") % {"email": email}, field="email"
            ) from error
    return email


def _language(value: str) -> str:
    if value and value not in {code for code, _name in settings.LANGUAGES}:
        raise SchedulingError(_("This language is not available."), field="language")
    return value or ""


def _contacted(specs) -> int:
    """How many messages inviting these people sends (one each with an address or an account)."""
    return sum(1 for spec in specs if spec.email or spec.user is not None)


def _audience(event: Event) -> int:
    """How many messages a change to the event sends (one to each active invitation)."""
    return event.attendees.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True).count()


def _people_of(specs) -> list:
    people = []
    for spec in specs:
        if spec.user is not None:
            people.append(spec.user)
        if spec.email:
            people.append(spec.email)
    return people


def conflicts_refuse(
    *, people, resource: str, windows, viewer, zone: str, exclude_event=None, exclude_occurrence=None
) -> None:
    """Raise ``Conflict`` when ``windows`` clash. Clashing sittings ``viewer`` organises or attends
    are named; for the others only ``viewer``'s own windows that clash are given, as "busy".

    Public for the domain apps' own checks (a hearing's bench and courtroom), so that every clash
    reaches a person through this one rule."""
    clashes = selectors.clashes_for_windows(
        people=people, resource=resource, windows=windows,
        exclude_event=exclude_event, exclude_occurrence=exclude_occurrence,
    )
    if not clashes:
        return
    seen = selectors.events_seen_by(user=viewer, event_ids={clash.event_id for clash in clashes})
    hidden = sorted((clash.start, clash.end) for clash in clashes if clash.event_id not in seen)
    starts = [start for start, _end in hidden]
    latest_end = list(accumulate((end for _start, end in hidden), max))
    busy = []
    for start, end in sorted(windows):
        index = bisect_left(starts, end)  # hidden sittings starting before this window ends
        if index and latest_end[index - 1] > start:
            busy.append((start, end))
    raise Conflict([clash for clash in clashes if clash.event_id in seen], busy=busy, zone=zone)


def _refuse_strangers(*, organizer, people) -> None:
    refused = policies.strangers(organizer=organizer, people=people)
    if refused:
        raise NotAllowed(
            _("You may invite only people you already share an event with, not: %(people)s.")
            % {"people": ", ".join(refused[:5])}
        )


def _bump(event: Event) -> None:
    event.sequence += 1
    event.save()


def _materialise(event: Event, *, now: datetime, previous: tuple | None = None) -> None:
    """Make the Occurrence rows match the event's rule: future sittings follow, past ones stay.

    ``previous`` is (start, timezone, rrule) before a series change. When the series still
    starts in the past, the change is retroactive and the i-th sitting of the old rule becomes
    the i-th of the new one (a retime, a longer sitting); when it now starts later, the sittings
    still to come take the new dates in order. A past sitting keeps its times (an override if
    the rule puts it elsewhere, an RDATE if the rule no longer has it); a cancelled sitting stays
    cancelled (its new date an EXDATE); a past date of the new rule that never took place is an
    EXDATE too. So the exported series always expands to exactly the scheduled rows.
    """
    zone = recurrence.zone_for(event.timezone)
    duration = event.duration

    def end_of(instant: datetime) -> datetime:
        return recurrence.sitting_end(instant, zone, duration, recurring=bool(event.rrule))

    new_all = recurrence.expand(start=event.start, zone=zone, rule=event.rrule)
    new_set = set(new_all)
    old_exdates = set(recurrence.parse_instants(event.exdates))
    rows = list(event.occurrences.all())

    def is_past(row) -> bool:  # a single event has no history: its one sitting always follows
        return bool(event.rrule) and row.start < now

    def excluded(row) -> bool:
        return row.status == Occurrence.Status.CANCELLED and row.recurrence_id in old_exdates

    claimed: dict = {}  # new instant -> row
    if previous is not None and (event.start < now or not event.rrule):
        by_rid = {row.recurrence_id: row for row in rows}
        old_start, old_zone, old_rule = previous
        old_all = recurrence.expand(start=old_start, zone=recurrence.zone_for(old_zone), rule=old_rule)
        for instant, old in zip(new_all, old_all, strict=False):
            if old in by_rid:
                claimed[instant] = by_rid[old]
    elif previous is not None:
        # Sittings to come keep a date the new rule still has, the others take the free ones in order.
        upcoming = sorted((row for row in rows if not is_past(row)), key=lambda row: row.recurrence_id)
        for row in upcoming:
            if row.recurrence_id in new_set:
                claimed[row.recurrence_id] = row
        free = [instant for instant in new_all if instant not in claimed]
        kept = {row.pk for row in claimed.values()}
        pending = [row for row in upcoming if row.pk not in kept]
        claimed.update(zip(free, pending, strict=False))
    assigned = {row.pk for row in claimed.values()}
    for row in rows:
        if row.pk not in assigned and row.recurrence_id in new_set and row.recurrence_id not in claimed:
            claimed[row.recurrence_id] = row
            assigned.add(row.pk)

    new_exdates, to_create, changed = set(), [], []
    for instant in new_all:
        row = claimed.get(instant)
        if row is None:
            if instant in old_exdates or (event.rrule and instant < now):
                new_exdates.add(instant)  # excluded before, or a past date that never took place
            else:
                to_create.append(instant)
            continue
        if excluded(row) or (row.status == Occurrence.Status.CANCELLED and is_past(row)):
            new_exdates.add(instant)
            row.status = Occurrence.Status.CANCELLED
        elif not is_past(row):
            row.status = Occurrence.Status.SCHEDULED
            # An individually moved sitting stays where it was put; none follows into the past.
            if not row.is_override and instant >= now:
                row.start, row.end = instant, end_of(instant)
        row.recurrence_id = instant
        row.is_rdate = False
        row.is_override = (row.start, row.end) != (instant, end_of(instant))
        row.sequence = event.sequence
        changed.append(row)

    final = set(claimed)
    for row in rows:
        if row.pk in assigned:
            continue
        if row.status == Occurrence.Status.SCHEDULED:
            if is_past(row):
                row.is_rdate = True
            else:
                row.status = Occurrence.Status.CANCELLED  # the new rule has fewer sittings
        rid = row.recurrence_id
        while rid in final or rid in new_set:  # keep the unique (event, RECURRENCE-ID) free
            rid += timedelta(seconds=1)
        row.recurrence_id = rid
        final.add(rid)
        row.is_override = row.is_rdate and (row.start, row.end) != (rid, end_of(rid))
        row.sequence = event.sequence
        changed.append(row)

    # Two steps, so that no statement ever holds one RECURRENCE-ID twice while rows trade dates.
    placeholders = []
    for index, row in enumerate(changed):
        placeholders.append(Occurrence(pk=row.pk, recurrence_id=datetime(1970, 1, 1, tzinfo=UTC)
                                       + timedelta(seconds=index)))
    Occurrence.objects.bulk_update(placeholders, ["recurrence_id"])
    Occurrence.objects.bulk_update(
        changed, ["recurrence_id", "start", "end", "status", "is_override", "is_rdate", "sequence"]
    )
    Occurrence.objects.bulk_create(
        Occurrence(event=event, recurrence_id=instant, start=instant, end=end_of(instant),
                   sequence=event.sequence)
        for instant in to_create
    )
    event.exdates = recurrence.format_instants(new_exdates)
    event.save(update_fields=["exdates", "updated_at"])


def _checked(spec: AttendeeSpec) -> AttendeeSpec:
    """The spec with its name, address and role cleaned and every field checked (before anything
    else is asked of it), or a ``SchedulingError`` naming the field."""
    user = spec.user
    email = _email(spec.email or (getattr(user, "email", "") if user is not None else ""))
    name = (spec.name or "").strip() if isinstance(spec.name, str) else ""
    if not name and user is not None:
        name = user.get_full_name() or user.get_username()
    if not name:
        name = email.split("@")[0]
    if not name:
        raise SchedulingError(_("An attendee needs a name, an e-mail address or an account."), field="name")
    if len(name) > 200:
        raise SchedulingError(_("A name has at most 200 characters."), field="name")
    name = _text(name, field="name", max_length=200)
    role = spec.role.strip() if isinstance(spec.role, str) and spec.role.strip() else "participant"
    if len(role) > 32:
        raise SchedulingError(_("A role has at most 32 characters."), field="role")
    role = _text(role, field="role", max_length=32)
    if spec.timezone:
        recurrence.zone_for(spec.timezone)
    return AttendeeSpec(name=name, email=email, user=user, role=role, language=_language(spec.language),
                        timezone=spec.timezone or "")


def _new_attendee(*, event: Event, spec: AttendeeSpec) -> Attendee:
    """The attendee row of a ``_checked`` spec."""
    user, name, email = spec.user, spec.name, spec.email
    active = event.attendees.filter(removed_at__isnull=True)
    duplicate = Q(email__iexact=email) if email else Q(pk__in=[])
    if user is not None:
        duplicate |= Q(user=user)
    if active.filter(duplicate).exists():
        raise SchedulingError(
            _("%(name)s is already invited to this event.") % {"name": email or name}, field="email",
            code="duplicate",
        )
    try:
        with transaction.atomic():
            return Attendee.objects.create(
                event=event, user=user, name=name, email=email, role=spec.role, language=spec.language,
                timezone=spec.timezone,
            )
    except IntegrityError as error:  # a concurrent add of the same person
        raise SchedulingError(
            _("%(name)s is already invited to this event.") % {"name": email or name}, field="email",
            code="duplicate",
        ) from error


def _refuse_if_cancelled(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise SchedulingError(_("This event is cancelled."), code="cancelled")


# ---------------------------------------------------------------- events


def event_create(
    *, organizer, title: str, start: datetime, duration: timedelta, timezone: str, rrule: str = "",
    exdates=(), description: str = "", kind: str = "", resource: str = "",
    reminder_minutes: list[int] | None = None, attendees=(), allow_conflicts: bool = False,
) -> Event:
    """Create a single or recurring event with its sittings and attendees.

    The organiser invites only whom ``policies.strangers`` allows (NotAllowed otherwise), within
    the limits of ``scheduling.limits``; all of it is checked before the conflict check, so that
    nobody learns of others' sittings through people they may not invite.
    """
    zone = recurrence.zone_for(timezone)
    now = _now()
    title = _title(title)
    description = _description(description)
    start = _instant(start, field="start", zone=zone)
    duration = _duration(duration)
    if start < now:
        raise SchedulingError(_("A new event cannot start in the past."), field="start")
    _refuse_beyond_horizon(start, now)
    rule = recurrence.normalise_rule(rrule, start=start, zone=zone, now=now)
    excluded = [_instant(value, field="exdates", zone=zone) for value in exdates]
    instants = recurrence.expand(start=start, zone=zone, rule=rule, exdates=excluded)
    if not instants:
        raise SchedulingError(_("Every sitting of this series is excluded."), field="exdates")
    resource = _text(resource, field="resource", max_length=200)
    kind = _text(kind, field="kind", max_length=32)
    reminders = limits.reminders(reminder_minutes)
    attendees = [_checked(spec) for spec in attendees]
    people = _people_of(attendees)
    _refuse_strangers(organizer=organizer, people=people)
    limits.refuse_too_many_attendees(organizer=organizer, count=len(attendees))
    limits.refuse_over_message_budget(organizer=organizer, messages=_contacted(attendees))
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
        _materialise(event, now=now)
        for spec in attendees:
            _new_attendee(event=event, spec=spec)
        # One signal for the event with its first attendees (no attendee_added for them).
        signals.event_created.send(sender=Event, event=event)
    logger.info("event %s created by %s", event.pk, organizer)
    return event


def event_update(
    *, event: Event, by, title: str | None = None, description: str | None = None,
    start: datetime | None = None, duration: timedelta | None = None, rrule: str | None = None,
    timezone: str | None = None, allow_conflicts: bool = False,
) -> Event:
    """Change the whole series. Future sittings follow; past ones stay as they were."""
    _refuse_if_cancelled(event)
    now = _now()
    changes: set[str] = set()
    new_zone_name = event.timezone if timezone is None else timezone
    zone = recurrence.zone_for(new_zone_name)
    new_title = event.title if title is None else _title(title)
    new_description = event.description if description is None else _description(description)
    new_start = event.start if start is None else _instant(start, field="start", zone=zone)
    new_duration = event.duration if duration is None else _duration(duration)
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
        _refuse_beyond_horizon(new_start, now)
        new_rule = recurrence.normalise_rule(new_rule_text, start=new_start, zone=zone, now=now)
        instants = recurrence.expand(
            start=new_start, zone=zone, rule=new_rule, exdates=recurrence.parse_instants(event.exdates)
        )
        future = [instant for instant in instants if instant >= now]
        if not future:
            raise SchedulingError(
                _("After this change the series would have no sitting left."), field="start"
            )
    limits.refuse_over_message_budget(organizer=event.organizer, messages=_audience(event))
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
        previous = (event.start, event.timezone, event.rrule)
        event.title, event.description = new_title, new_description
        event.start, event.duration = new_start, new_duration
        event.rrule, event.timezone = new_rule, new_zone_name
        _bump(event)
        if timing:
            _materialise(event, now=now, previous=previous)
        signals.event_changed.send(sender=Event, event=event, changes=changes)
    logger.info("event %s changed (%s) by %s", event.pk, ", ".join(sorted(changes)), by)
    return event


def event_cancel(*, event: Event, by) -> Event:
    """Cancel the whole series; sittings not yet over are cancelled with it."""
    _refuse_if_cancelled(event)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        event.status = Event.Status.CANCELLED
        _bump(event)
        event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gt=_now()).update(
            status=Occurrence.Status.CANCELLED, sequence=event.sequence
        )
        signals.event_cancelled.send(sender=Event, event=event)
    logger.info("event %s cancelled by %s", event.pk, by)
    return event


# ---------------------------------------------------------------- occurrences


def _refuse_unless_upcoming(occurrence: Occurrence, now: datetime) -> None:
    _refuse_if_cancelled(occurrence.event)
    if occurrence.status == Occurrence.Status.CANCELLED:
        raise SchedulingError(_("This sitting is cancelled."), code="cancelled")
    if occurrence.end <= now:
        raise SchedulingError(_("This sitting has already taken place."), code="past")


def occurrence_move(
    *, occurrence: Occurrence, start: datetime, end: datetime | None = None, by, allow_conflicts: bool = False
) -> Occurrence:
    """Move one sitting; the others stay. It keeps its RECURRENCE-ID and becomes an override.

    A single (non-recurring) event's only sitting moves the event itself.
    """
    event = occurrence.event
    zone = recurrence.zone_for(event.timezone)
    now = _now()
    _refuse_unless_upcoming(occurrence, now)
    start = _instant(start, field="start", zone=zone)
    if end is None:
        end = start + (occurrence.end - occurrence.start)
    else:
        end = _instant(end, field="end", zone=zone)
    _duration(end - start, field="end")
    if start < now:
        raise SchedulingError(_("A sitting cannot be moved into the past."), field="start")
    _refuse_beyond_horizon(start, now)
    if start == occurrence.start and end == occurrence.end:
        return occurrence
    previous_start = occurrence.start
    limits.refuse_over_message_budget(organizer=event.organizer, messages=_audience(event))
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
        _bump(event)
        occurrence.start, occurrence.end, occurrence.sequence = start, end, event.sequence
        occurrence.event = event
        occurrence.save()
        signals.occurrence_moved.send(sender=Occurrence, occurrence=occurrence, previous_start=previous_start)
    logger.info("occurrence %s moved by %s", occurrence.pk, by)
    return occurrence


def occurrence_cancel(*, occurrence: Occurrence, by) -> Occurrence:
    """Cancel one sitting: it stays as a cancelled row and the series gains its EXDATE.

    A single (non-recurring) event's only sitting cancels the event (``event_cancelled``).
    """
    event = occurrence.event
    _refuse_unless_upcoming(occurrence, _now())
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
        _bump(event)
        occurrence.status = Occurrence.Status.CANCELLED
        occurrence.sequence, occurrence.event = event.sequence, event
        occurrence.save()
        signals.occurrence_cancelled.send(sender=Occurrence, occurrence=occurrence)
    logger.info("occurrence %s cancelled by %s", occurrence.pk, by)
    return occurrence


# ---------------------------------------------------------------- attendees


def attendee_add(
    *, event: Event, name: str = "", email: str = "", user=None, role: str = "participant",
    language: str = "", timezone: str = "", notify: bool = True,
) -> Attendee:
    """Invite one person (``notify=False``: no invite is sent, e.g. a public observer).

    Whom and how many the event's organiser may invite: as for ``event_create``.
    """
    _refuse_if_cancelled(event)
    spec = _checked(AttendeeSpec(name=name, email=email, user=user, role=role, language=language, timezone=timezone))
    organizer = event.organizer
    _refuse_strangers(organizer=organizer, people=_people_of([spec]))
    active = event.attendees.filter(removed_at__isnull=True).count()
    limits.refuse_too_many_attendees(organizer=organizer, count=active + 1)
    if notify:
        limits.refuse_over_message_budget(organizer=organizer, messages=_contacted([spec]))
    with transaction.atomic():
        attendee = _new_attendee(event=event, spec=spec)
        signals.attendee_added.send(sender=Attendee, attendee=attendee, notify=notify)
    return attendee


def attendee_remove(*, attendee: Attendee, by) -> Attendee:
    """Uninvite one person; their link stops working and they get a CANCEL (higher SEQUENCE)."""
    if attendee.removed_at is not None:
        raise SchedulingError(_("This person is no longer invited."), code="removed")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=attendee.event_id)
        attendee.removed_at = _now()
        attendee.save(update_fields=["removed_at", "updated_at"])
        _bump(event)
        attendee.event = event
        signals.attendee_removed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s removed by %s", attendee.pk, by)
    return attendee


def attendee_rsvp(*, attendee: Attendee, rsvp: str) -> Attendee:
    """Record an answer (ACCEPTED, DECLINED, TENTATIVE or NEEDS-ACTION)."""
    if rsvp not in Attendee.Rsvp.values:
        raise SchedulingError(_("This is not a valid answer."), field="rsvp")
    if not attendee.is_active:
        raise SchedulingError(_("This invitation is no longer valid."), code="removed")
    _refuse_if_cancelled(attendee.event)
    if attendee.rsvp == rsvp:
        return attendee
    with transaction.atomic():
        attendee.rsvp = rsvp
        attendee.save(update_fields=["rsvp", "updated_at"])
        signals.rsvp_recorded.send(sender=Attendee, attendee=attendee)
    return attendee


def _require_link_manager(attendee: Attendee, by) -> None:
    """``by`` None is the system; a person must organise the event or be its domain's staff."""
    if by is not None:
        policies.require_manage_links(by, attendee.event)
    if attendee.removed_at is not None:
        raise SchedulingError(_("This person is no longer invited."), code="removed")


def attendee_token_rotate(*, attendee: Attendee, by) -> Attendee:
    """A new personal link; the old one stops working, and so does every browser that entered with it."""
    _require_link_manager(attendee, by)
    with transaction.atomic():
        attendee.join_token_salt = tokens.new_salt()
        attendee.join_token_hash = tokens.token_hash(tokens.token_for("join", attendee.join_token_salt))
        attendee.join_token_revoked_at = None
        attendee.save(
            update_fields=["join_token_salt", "join_token_hash", "join_token_revoked_at", "updated_at"]
        )
        signals.join_link_changed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s link rotated by %s", attendee.pk, by)
    return attendee


def attendee_token_revoke(*, attendee: Attendee, by) -> Attendee:
    """The personal link stops working, and every browser that entered with it is out (the person
    stays invited; a rotation gives them a new link)."""
    _require_link_manager(attendee, by)
    with transaction.atomic():
        attendee.join_token_revoked_at = _now()
        attendee.save(update_fields=["join_token_revoked_at", "updated_at"])
        signals.join_link_changed.send(sender=Attendee, attendee=attendee)
    logger.info("attendee %s link revoked by %s", attendee.pk, by)
    return attendee


def attendee_invite_resend(*, attendee: Attendee, by) -> Attendee:
    """Send the invitation with the person's current link again (after a rotation, or a lost mail).

    Asking twice within the same minute sends one message (a double click). The message counts
    against the organiser's hourly budget (``scheduling.limits``) like any invitation."""
    _require_link_manager(attendee, by)
    if attendee.join_token_revoked_at is not None:
        raise SchedulingError(_("This link was withdrawn; make a new one before sending it."), code="revoked")
    event = attendee.event
    _refuse_if_cancelled(event)
    limits.refuse_over_message_budget(organizer=event.organizer, messages=1)
    minute = _now().strftime("%Y%m%dT%H%M")
    with transaction.atomic():
        key = f"{attendee.join_token_hash[:16]}:{minute}"
        signals.join_link_resend.send(sender=Attendee, attendee=attendee, key=key)
    logger.info("attendee %s invitation sent again by %s", attendee.pk, by)
    return attendee


# ---------------------------------------------------------------- feeds and profiles


def calendar_feed_for(*, user=None, email: str = "") -> CalendarFeed:
    """A person's feed, by account or (without one) by e-mail; created on first use."""
    if user is not None:
        feed, _created = CalendarFeed.objects.get_or_create(user=user)
        return feed
    email = _email(email)
    if not email:
        raise SchedulingError(_("A calendar feed needs an account or an e-mail address."), field="email")
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user__isnull=True, email__iexact=email).first()
        return feed or CalendarFeed.objects.create(email=email)


def calendar_feed_rotate(*, feed: CalendarFeed) -> CalendarFeed:
    """A new feed address; the old one answers 404."""
    feed.token_salt = tokens.new_salt()
    feed.token_hash = tokens.token_hash(tokens.token_for("feed", feed.token_salt))
    feed.revoked_at = None
    feed.save(update_fields=["token_salt", "token_hash", "revoked_at"])
    return feed


def calendar_feed_revoke(*, feed: CalendarFeed) -> CalendarFeed:
    feed.revoked_at = _now()
    feed.save(update_fields=["revoked_at"])
    return feed


def profile_for(*, user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile
