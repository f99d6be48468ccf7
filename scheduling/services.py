"""Every write to scheduling. Keyword-only, each in one transaction, refusing bad input with one
translated ``SchedulingError`` and changing nothing.

Each significant change to an event (its time, rule, title, description, a sitting moved or
cancelled, an attendee removed) increments ``Event.sequence`` (the iTIP SEQUENCE) and sends one
of ``scheduling.signals`` inside the transaction, after the rows are written.

Who may call what is the caller's business (``scheduling.policies`` for the plain pages and the
API, the domain apps for their own screens); ``by`` is recorded in the log.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from scheduling import recurrence, selectors, signals, tokens
from scheduling.errors import Conflict, SchedulingError
from scheduling.models import Attendee, CalendarFeed, Event, Occurrence, Profile

logger = logging.getLogger(__name__)

MAX_REMINDER_MINUTES = 7 * 24 * 60


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
    return value.astimezone(UTC)


def _title(value) -> str:
    title = (value or "").strip()
    if not title:
        raise SchedulingError(_("Give the event a title."), field="title")
    if len(title) > 200:
        raise SchedulingError(_("A title has at most 200 characters."), field="title")
    return title


def _duration(value, *, field: str = "duration") -> timedelta:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise SchedulingError(_("The end must be after the start."), field=field)
    if value > recurrence.MAX_DURATION:
        raise SchedulingError(_("A sitting lasts at most 24 hours."), field=field)
    return value


def _reminders(values) -> list[int]:
    values = list(values or [])
    if any(
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REMINDER_MINUTES
        for value in values
    ):
        raise SchedulingError(
            _("Reminders are whole minutes before the start, up to one week."), field="reminder_minutes"
        )
    return sorted(set(values), reverse=True)


def _email(value: str) -> str:
    email = (value or "").strip()
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


def _people_of(specs) -> list:
    people = []
    for spec in specs:
        if spec.user is not None:
            people.append(spec.user)
        if spec.email:
            people.append(spec.email)
    return people


def _refuse_conflicts(*, people, resource: str, windows, exclude_event=None, exclude_occurrence=None) -> None:
    clashes = selectors.clashes_for_windows(
        people=people, resource=resource, windows=windows,
        exclude_event=exclude_event, exclude_occurrence=exclude_occurrence,
    )
    if clashes:
        raise Conflict(clashes)


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


def _new_attendee(*, event: Event, spec: AttendeeSpec) -> Attendee:
    user = spec.user
    email = _email(spec.email or (getattr(user, "email", "") if user is not None else ""))
    name = (spec.name or "").strip()
    if not name and user is not None:
        name = user.get_full_name() or user.get_username()
    if not name:
        name = email.split("@")[0]
    if not name:
        raise SchedulingError(_("An attendee needs a name, an e-mail address or an account."), field="name")
    if len(name) > 200:
        raise SchedulingError(_("A name has at most 200 characters."), field="name")
    role = (spec.role or "participant").strip()
    if len(role) > 32:
        raise SchedulingError(_("A role has at most 32 characters."), field="role")
    if spec.timezone:
        recurrence.zone_for(spec.timezone)
    language = _language(spec.language)
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
                event=event, user=user, name=name, email=email, role=role, language=language,
                timezone=spec.timezone or "",
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
    """Create a single or recurring event with its sittings and attendees."""
    zone = recurrence.zone_for(timezone)
    now = _now()
    title = _title(title)
    start = _instant(start, field="start", zone=zone)
    duration = _duration(duration)
    if start < now:
        raise SchedulingError(_("A new event cannot start in the past."), field="start")
    rule = recurrence.normalise_rule(rrule, start=start, zone=zone, now=now)
    excluded = [_instant(value, field="exdates", zone=zone) for value in exdates]
    instants = recurrence.expand(start=start, zone=zone, rule=rule, exdates=excluded)
    if not instants:
        raise SchedulingError(_("Every sitting of this series is excluded."), field="exdates")
    resource = (resource or "").strip()
    if len(resource) > 200:
        raise SchedulingError(_("A resource name has at most 200 characters."), field="resource")
    if len(kind or "") > 32:
        raise SchedulingError(_("An event kind has at most 32 characters."), field="kind")
    attendees = list(attendees)
    # The check runs inside the transaction: with SQLite's IMMEDIATE transactions two bookings
    # of the same slot are serialised.
    with transaction.atomic():
        if not allow_conflicts:
            _refuse_conflicts(
                people=_people_of(attendees), resource=resource,
                windows=[
                    (instant, recurrence.sitting_end(instant, zone, duration, recurring=bool(rule)))
                    for instant in instants
                ],
            )
        event = Event.objects.create(
            organizer=organizer, title=title, description=description or "", kind=kind or "",
            resource=resource, timezone=timezone, start=start, duration=duration, rrule=rule,
            exdates=recurrence.format_instants(excluded), uid=f"{uuid.uuid4()}@hadir",
            reminder_minutes=_reminders(reminder_minutes),
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
    new_description = event.description if description is None else description
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
        new_rule = recurrence.normalise_rule(new_rule_text, start=new_start, zone=zone, now=now)
        instants = recurrence.expand(
            start=new_start, zone=zone, rule=new_rule, exdates=recurrence.parse_instants(event.exdates)
        )
        future = [instant for instant in instants if instant >= now]
        if not future:
            raise SchedulingError(
                _("After this change the series would have no sitting left."), field="start"
            )
    with transaction.atomic():
        if timing and not allow_conflicts:
            _refuse_conflicts(
                people=selectors.people_of_event(event), resource=event.resource,
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
    if event.rrule and start > now + recurrence.HORIZON:
        raise SchedulingError(_("A series may run at most two years ahead."), field="start")
    if start == occurrence.start and end == occurrence.end:
        return occurrence
    previous_start = occurrence.start
    with transaction.atomic():
        if not allow_conflicts:
            _refuse_conflicts(
                people=selectors.people_of_event(event), resource=event.resource, windows=[(start, end)],
                exclude_occurrence=occurrence,
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
    """Invite one person (``notify=False``: no invite is sent, e.g. a public observer)."""
    _refuse_if_cancelled(event)
    spec = AttendeeSpec(name=name, email=email, user=user, role=role, language=language, timezone=timezone)
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


def attendee_token_rotate(*, attendee: Attendee) -> Attendee:
    """A new personal link; the old one stops working."""
    with transaction.atomic():
        attendee.join_token_salt = tokens.new_salt()
        attendee.join_token_hash = tokens.token_hash(tokens.token_for("join", attendee.join_token_salt))
        attendee.join_token_revoked_at = None
        attendee.save(
            update_fields=["join_token_salt", "join_token_hash", "join_token_revoked_at", "updated_at"]
        )
    return attendee


def attendee_token_revoke(*, attendee: Attendee) -> Attendee:
    """The personal link stops working (the person stays invited)."""
    attendee.join_token_revoked_at = _now()
    attendee.save(update_fields=["join_token_revoked_at", "updated_at"])
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
