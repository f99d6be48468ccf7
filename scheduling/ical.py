"""iCalendar (RFC 5545) invites and feeds, built with ``icalendar`` only (never by hand).

A series is one master VEVENT (DTSTART in the event's zone, RRULE, EXDATE for cancelled
sittings, RDATE for past sittings kept after a retime) plus one VEVENT per override, sharing the
UID and carrying the RECURRENCE-ID of the sitting's original start. iTIP (RFC 5546): one
recipient per invite, METHOD REQUEST or CANCEL; the subscription feed is METHOD PUBLISH.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, vCalAddress, vDuration, vRecur
from icalendar import Event as VEvent

from scheduling import guidance, languages, recurrence, replies, selectors
from scheduling.models import Attendee, CalendarFeed, Event, Occurrence
from scheduling.vtimezone import vtimezone

PRODID = "-//Hadir//Hadir 1.0//EN"
FEED_REFRESH = timedelta(hours=1)
# What a subscribed feed is served as: the iTIP method says it is a publication, not an invitation.
FEED_CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


def absolute_url(path: str) -> str:
    return settings.HADIR_BASE_URL.rstrip("/") + path


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def organizer_email(event: Event) -> str:
    return event.organizer.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _organizer_address(event: Event, attendee: Attendee | None = None) -> vCalAddress:
    """The organiser's name; the address is, in an invite, the recipient's reply address at Hadir
    (``scheduling.replies``: where their calendar's answer goes), else the organiser's own."""
    organizer = event.organizer
    email = replies.reply_address(attendee) if attendee is not None else organizer_email(event)
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = organizer.get_full_name() or organizer.get_username()
    return address


def _is_organizer(event: Event, attendee: Attendee) -> bool:
    organizer = event.organizer
    if attendee.user_id is not None:
        return attendee.user_id == organizer.pk
    return bool(attendee.email) and attendee.email.lower() == (organizer.email or "").lower()


def _attendee_address(attendee: Attendee, *, chair: bool = False, answer: str = "") -> vCalAddress:
    """The recipient's ATTENDEE line. The organiser's own copy lists them as the CHAIR who has
    accepted (RFC 5546 forbids a REQUEST addressed to nobody; a PUBLISH copy would be a second,
    unrelated event in the organiser's calendar next to the one in their feed)."""
    address = vCalAddress(f"mailto:{attendee.email}")
    address.params["CN"] = attendee.name
    address.params["ROLE"] = "CHAIR" if chair else "REQ-PARTICIPANT"
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["PARTSTAT"] = "ACCEPTED" if chair else answer or attendee.rsvp
    address.params["RSVP"] = "FALSE" if chair else "TRUE"
    return address


def _local(value: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The instant in the event's zone; in UTC when it is the second pass of a repeated hour.

    A TZID-local time carries no fold, and clients read a repeated local time as its first pass.
    """
    local = value.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return value.astimezone(UTC)
    return local


def _master_end(event: Event, zone: zoneinfo.ZoneInfo) -> datetime:
    return recurrence.sitting_end(event.start, zone, event.duration, recurring=event.is_recurring)


def _component(
    event: Event, *, attendee: Attendee | None, with_attendee: bool, stamp: datetime, note: str = "",
    answer: str = "",
) -> VEvent:
    """The properties every VEVENT of the event carries (master and overrides alike)."""
    component = VEvent()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp)
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("summary", event.title)
    component.add("organizer", _organizer_address(event, attendee if with_attendee and attendee else None))
    component.add("transp", "OPAQUE")
    description = "\n\n".join(filter(None, [note, event.description.strip()]))
    if attendee is not None:
        link = absolute_url(attendee.join_path)
        lines = [*guidance.invite_guidance(attendee), _("Your personal link to join: %(url)s") % {"url": link}]
        description = "\n\n".join(filter(None, [description, "\n".join(lines)]))
        component.add("url", link)
        component.add("location", link)
        if with_attendee and attendee.email:
            component.add("attendee", _attendee_address(attendee, chair=_is_organizer(event, attendee), answer=answer))
    if description:
        component.add("description", description)
    return component


def _alarms(event: Event, component: VEvent) -> None:
    for minutes in event.reminder_minutes:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", timedelta(minutes=-minutes))
        component.add_component(alarm)


def event_components(
    *, event: Event, attendee: Attendee | None = None, with_attendee: bool = True, specials=None,
    stamp: datetime | None = None,
) -> list[VEvent]:
    """The master VEVENT and one VEVENT per override of an event (scheduled state).

    ``specials`` are the event's scheduled sittings that are overrides or RDATEs (fetched when
    not given); ``attendee`` puts that person's join link (and, with ``with_attendee``, their
    ATTENDEE line) in every component.
    """
    zone = recurrence.zone_for(event.timezone)
    stamp = stamp or dj_timezone.now().astimezone(UTC)
    if specials is None:
        specials = list(
            event.occurrences.filter(status=Occurrence.Status.SCHEDULED).filter(
                Q(is_override=True) | Q(is_rdate=True)
            )
        )
    # A single sitting's domain state (a hearing adjourned: CANCELLED with the reason first).
    state = None if event.rrule else guidance.sitting_state(event)
    note = state.note if state else ""
    master = _component(event, attendee=attendee, with_attendee=with_attendee, stamp=stamp, note=note)
    master.add("dtstart", _local(event.start, zone))
    master.add("dtend", _local(_master_end(event, zone), zone))
    master.add("status", "CANCELLED" if state and state.cancelled else "CONFIRMED")
    if event.rrule:
        master.add("rrule", vRecur.from_ical(event.rrule))
        exdates = recurrence.parse_instants(event.exdates)
        if exdates:
            master.add("exdate", [_local(value, zone) for value in sorted(exdates)])
        rdates = sorted(row.recurrence_id for row in specials if row.is_rdate)
        if rdates:
            master.add("rdate", [_local(value, zone) for value in rdates])
    _alarms(event, master)
    components = [master]
    if event.rrule:
        # A sitting answered otherwise than the series (a reply with RECURRENCE-ID) says so where it
        # is exported on its own.
        answers = {}
        if with_attendee and attendee is not None and attendee.pk:
            answers = dict(attendee.sitting_answers.values_list("occurrence_id", "rsvp"))
        for row in sorted(specials, key=lambda row: row.recurrence_id):
            if not row.is_override:
                continue
            override = _component(event, attendee=attendee, with_attendee=with_attendee, stamp=stamp,
                                  answer=answers.get(row.pk, ""))
            override.add("recurrence-id", _local(row.recurrence_id, zone))
            override.add("dtstart", _local(row.start, zone))
            override.add("dtend", _local(row.end, zone))
            override.add("status", "CONFIRMED")
            _alarms(event, override)
            components.append(override)
    return components


def invite_calendar(
    *, event: Event, attendee: Attendee, method: str = "REQUEST", occurrence: Occurrence | None = None
) -> Calendar:
    """One recipient's iTIP message.

    - REQUEST: the whole current series (master and overrides), also when ``occurrence`` names
      the sitting that changed, so that a client that missed an update still ends up right;
    - CANCEL without ``occurrence``: the series is cancelled for this recipient (the series was
      cancelled, or they were removed);
    - CANCEL with ``occurrence``: that one sitting, by RECURRENCE-ID; the master is untouched.
    """
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(method)
    zone = recurrence.zone_for(event.timezone)
    stamp = dj_timezone.now().astimezone(UTC)
    calendar = _calendar(method)
    # The recipient's language (their own, else their profile's, else their organisation's).
    with translation.override(languages.attendee_language(attendee)):
        if method == "REQUEST":
            for component in event_components(event=event, attendee=attendee, stamp=stamp):
                calendar.add_component(component)
        else:
            state = guidance.sitting_state(event) if occurrence is None and not event.rrule else None
            note = state.note if state else ""
            component = _component(event, attendee=attendee, with_attendee=True, stamp=stamp, note=note)
            if occurrence is None:
                component.add("dtstart", _local(event.start, zone))
                component.add("dtend", _local(_master_end(event, zone), zone))
                if event.rrule:
                    component.add("rrule", vRecur.from_ical(event.rrule))
            else:
                component.add("recurrence-id", _local(occurrence.recurrence_id, zone))
                component.add("dtstart", _local(occurrence.start, zone))
                component.add("dtend", _local(occurrence.end, zone))
            component.add("status", "CANCELLED")
            calendar.add_component(component)
    _add_timezones(calendar)
    return calendar


def feed_calendar(*, feed: CalendarFeed) -> Calendar:
    """A person's subscription: every event they organise or attend, each series as RRULE plus overrides."""
    owner = feed.user
    name = (owner.get_full_name() or owner.get_username()) if owner is not None else feed.email
    calendar = _calendar("PUBLISH")
    title = _("Hadir – %(name)s") % {"name": name}
    calendar.add("name", title)
    calendar.add("x-wr-calname", title)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    specials = Occurrence.objects.filter(status=Occurrence.Status.SCHEDULED).filter(
        Q(is_override=True) | Q(is_rdate=True)
    )
    events = selectors.feed_events(feed=feed).prefetch_related(
        Prefetch("occurrences", queryset=specials, to_attr="specials")
    )
    people = [owner] if owner is not None else [feed.email]
    mine = {row.event_id: row for row in selectors.active_attendees(people) or ()}
    stamp = dj_timezone.now().astimezone(UTC)
    for event in events:
        for component in event_components(
            event=event, attendee=mine.get(event.pk), with_attendee=False, specials=event.specials,
            stamp=stamp,
        ):
            calendar.add_component(component)
    _add_timezones(calendar)
    return calendar


def _add_timezones(calendar: Calendar) -> None:
    """A VTIMEZONE for every TZID used, before the events (what ``add_missing_timezones`` does)."""
    for index, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        calendar.subcomponents.insert(index, vtimezone(tzid))


def calendar_bytes(calendar: Calendar) -> bytes:
    """RFC 5545 text: CRLF line endings, lines folded at 75 octets (icalendar does both)."""
    return calendar.to_ical()


def content_type(calendar: Calendar) -> str:
    """The MIME type of an iTIP part; its ``method=`` is the calendar's METHOD."""
    return f"text/calendar; method={calendar['METHOD']}; charset=utf-8"
