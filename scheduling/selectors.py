"""Every non-trivial read of scheduling.

``people`` arguments are iterables of users and/or e-mail addresses: a person is matched by
account or by e-mail, case-insensitively.
"""

import hashlib
import uuid
from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone, translation

from config.types import AnyUser, People, User
from scheduling import tokens
from scheduling.models import Attendee, CalendarFeed, Event, Occurrence
from scheduling.recurrence import MAX_DURATION


def _split_people(people: People | None) -> tuple[list[int], set[str]]:
    user_ids: list[int] = []
    emails: set[str] = set()
    for person in people or ():
        if isinstance(person, str):
            if person.strip():
                emails.add(person.strip().lower())
        elif person is not None:
            user_ids.append(person.pk)
            if getattr(person, "email", ""):
                emails.add(person.email.lower())
    return user_ids, emails


def active_attendees(people: People | None, *, include_removed: bool = False) -> QuerySet[Attendee] | None:
    """Active attendee rows of ``people`` (by account or e-mail), or None when nobody is given."""
    user_ids, emails = _split_people(people)
    if not user_ids and not emails:
        return None
    match = Q(user_id__in=user_ids) if user_ids else Q(pk__in=[])
    if emails:
        match |= Q(email_lower__in=emails)
    rows = Attendee.objects.annotate(email_lower=Lower("email")).filter(match)
    return rows if include_removed else rows.filter(removed_at__isnull=True)


def people_of_event(event: Event) -> list[User | str]:
    """The active attendees of an event, as users and e-mail addresses (for conflict checks)."""
    people: list[User | str] = []
    for attendee in event.attendees.filter(removed_at__isnull=True).select_related("user"):
        people.extend(person for person in (attendee.user, attendee.email) if person)
    return people


def clashes_for_windows(
    *, people: People | None, resource: str = "", windows: Iterable[tuple[datetime, datetime]],
    exclude_event: Event | None = None, exclude_occurrence: Occurrence | None = None,
) -> list[Occurrence]:
    """Scheduled sittings of ``people`` or ``resource`` that overlap any of ``windows``.

    First the events concerned (attendee and resource indexes), then their sittings in the span
    of the windows through the ``(event, start)`` index, bounded below by the longest possible
    sitting; then an exact overlap test per candidate. A single query with an OR across the two
    made SQLite walk every sitting in the span (75 ms for a year among 100,000; see bench/).
    """
    windows = sorted(windows)
    if not windows:
        return []
    low, high = windows[0][0], max(end for _start, end in windows)
    event_ids: set[uuid.UUID] = set()
    attendees = active_attendees(people)
    if attendees is not None:
        event_ids.update(attendees.order_by().values_list("event_id", flat=True))
    if resource:
        event_ids.update(Event.objects.filter(resource=resource).order_by().values_list("pk", flat=True))
    if exclude_event is not None:
        event_ids.discard(exclude_event.pk)
    if not event_ids:
        return []
    candidates = Occurrence.objects.filter(
        event_id__in=event_ids,
        event__status=Event.Status.CONFIRMED,
        status=Occurrence.Status.SCHEDULED,
        start__lt=high,
        start__gt=low - MAX_DURATION,
        end__gt=low,
    )
    if exclude_occurrence is not None:
        candidates = candidates.exclude(pk=exclude_occurrence.pk)
    starts = [start for start, _end in windows]
    latest_end = list(accumulate((end for _start, end in windows), max))
    clash_ids = []
    for pk, start, end in candidates.values_list("pk", "start", "end"):
        # Windows starting before the candidate ends; one of them overlaps if any ends after it starts.
        index = bisect_left(starts, end)
        if index and latest_end[index - 1] > start:
            clash_ids.append(pk)
    if not clash_ids:
        return []
    return list(Occurrence.objects.filter(pk__in=clash_ids).select_related("event").order_by("start"))


def conflicts_for(
    *, people: People | None, resource: str = "", start: datetime, end: datetime,
    exclude_event: Event | None = None, exclude_occurrence: Occurrence | None = None,
) -> list[Occurrence]:
    """Scheduled sittings overlapping [start, end) for the same people or the same named resource."""
    return clashes_for_windows(
        people=people, resource=resource, windows=[(start, end)],
        exclude_event=exclude_event, exclude_occurrence=exclude_occurrence,
    )


def event_ids_for_person(*, user: User | None = None, email: str = "") -> set[uuid.UUID]:
    """Ids of the events the person organises or attends (by account, or by e-mail without one).

    Two indexed queries; one query with an OR across them made SQLite scan every event.
    """
    attendees = active_attendees([user] if user is not None else [email])
    ids: set[uuid.UUID] = set() if attendees is None else set(attendees.order_by().values_list("event_id", flat=True))
    if user is not None:
        ids.update(Event.objects.filter(organizer=user).order_by().values_list("pk", flat=True))
    return ids


def events_seen_by(*, user: AnyUser | None, event_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``event_ids`` the user organises or attends (whose titles and times they know)."""
    if user is None or not user.is_authenticated:
        return set()
    event_ids = set(event_ids)
    seen = set(Event.objects.filter(pk__in=event_ids, organizer=user).values_list("pk", flat=True))
    attendees = active_attendees([user])
    if attendees is not None:
        seen.update(attendees.filter(event_id__in=event_ids).values_list("event_id", flat=True))
    return seen


def acquaintances(*, user: User) -> tuple[set[int], set[str]]:
    """(account ids, lower-cased e-mail addresses) of everyone who organises or attends an event
    the user organises or attends."""
    event_ids = event_ids_for_person(user=user)
    rows = [
        *Attendee.objects.filter(event_id__in=event_ids, removed_at__isnull=True).values_list(
            "user_id", "user__email", "email"
        ),
        *Event.objects.filter(pk__in=event_ids).values_list("organizer_id", "organizer__email", "organizer__email"),
    ]
    user_ids = {account for account, _account_email, _email in rows if account is not None}
    emails = {address.lower() for _account, *addresses in rows for address in addresses if address}
    return user_ids, emails


def events_for_person(*, user: User | None = None, email: str = "") -> QuerySet[Event]:
    return Event.objects.filter(pk__in=event_ids_for_person(user=user, email=email))


def occurrences_for_user(*, user: User, start: datetime, end: datetime) -> QuerySet[Occurrence]:
    """Sittings (scheduled and cancelled) of the user's events overlapping [start, end)."""
    return (
        Occurrence.objects.filter(
            event_id__in=event_ids_for_person(user=user), start__lt=end, end__gt=start,
            start__gt=start - MAX_DURATION,
        )
        .select_related("event", "event__organizer")
        .order_by("start")
    )


def next_sittings_for_user(*, user: User, now: datetime, days: int = 14, limit: int = 8) -> list[tuple]:
    """Today's sittings (from the start of the day in the viewer's zone, the finished ones too, so
    that a sitting under way is there) and the next ones, each with the user's own seat (its
    ``join_path`` enters the room) or None when they only organise it: the home page's list."""
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sittings = [
        occurrence
        for occurrence in occurrences_for_user(user=user, start=day_start, end=now + timedelta(days=days))
        if occurrence.status == Occurrence.Status.SCHEDULED and occurrence.event.status == Event.Status.CONFIRMED
    ][:limit]
    seats = invitations_for_user(user=user, event_ids=[occurrence.event_id for occurrence in sittings])
    return [(occurrence, seats.get(occurrence.event_id)) for occurrence in sittings]


def invitations_for_user(*, user: User, event_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Attendee]:
    """The user's active attendee row per event id (to show and change their answer)."""
    rows = Attendee.objects.filter(event_id__in=set(event_ids), removed_at__isnull=True).filter(
        Q(user=user) | (Q(user__isnull=True) & Q(email__iexact=user.email) & ~Q(email=""))
    )
    return {row.event_id: row for row in rows}


def attendee_by_join_token(token: str) -> Attendee | None:
    """The active attendee whose personal link this is (removed and revoked links give None)."""
    if not token or len(token) > 128:
        return None
    attendee = (
        Attendee.objects.select_related("event", "event__organizer", "user")
        .filter(join_token_hash=tokens.token_hash(token), removed_at__isnull=True,
                join_token_revoked_at__isnull=True)
        .first()
    )
    return attendee if attendee is not None and tokens.token_matches("join", attendee.join_token_salt, token) else None


def current_or_next_occurrence(*, attendee: Attendee, now: datetime) -> Occurrence | None:
    """The sitting the attendee's link leads to: the one under way (or just over), else the next."""
    if attendee.event.status != Event.Status.CONFIRMED:
        return None
    grace = timedelta(minutes=settings.HADIR_ROOM_CLOSES_AFTER_MINUTES)
    return (
        attendee.event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gt=now - grace)
        .order_by("start")
        .first()
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 128:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=tokens.token_hash(token), revoked_at__isnull=True)
        .first()
    )
    return feed if feed is not None and tokens.token_matches("feed", feed.token_salt, token) else None


def feed_events(*, feed: CalendarFeed) -> QuerySet[Event]:
    """What a feed publishes: the person's events that are not cancelled."""
    return (
        events_for_person(user=feed.user, email=feed.email)
        .filter(status=Event.Status.CONFIRMED)
        .select_related("organizer")
        .order_by("start")
    )


def feed_version(*, feed: CalendarFeed) -> tuple[str, datetime]:
    """(ETag, Last-Modified) of a feed from a few indexed queries; any change to what it shows
    changes both, and Last-Modified never goes back (an uninvitation or a cancellation is a
    newer change, although the event leaves the feed)."""
    people = [feed.user] if feed.user is not None else [feed.email]
    attendees = active_attendees(people, include_removed=True)
    attendee_rows = [] if attendees is None else list(
        attendees.order_by().values_list("pk", "event_id", "join_token_salt", "rsvp", "removed_at", "updated_at")
    )
    event_ids = {row[1] for row in attendee_rows}
    if feed.user is not None:
        event_ids.update(Event.objects.filter(organizer=feed.user).order_by().values_list("pk", flat=True))
    event_rows = list(
        Event.objects.filter(pk__in=event_ids).order_by().values_list("pk", "sequence", "status", "updated_at")
    )
    digest = hashlib.sha256()
    context = (settings.HADIR_BASE_URL, feed.token_salt, translation.get_language())
    for row in (*sorted(event_rows), *sorted(attendee_rows), context):
        digest.update(repr(row).encode())
    stamps = [row[-1] for row in event_rows] + [row[-1] for row in attendee_rows] + [feed.created_at]
    return f'"{digest.hexdigest()[:32]}"', max(stamps)
