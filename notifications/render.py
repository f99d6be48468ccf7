"""What a recipient reads: subject, plain and HTML bodies and the calendar, in their language and zone."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.templatetags.hadir import zone_abbreviation
from scheduling import guidance, ical, languages
from scheduling.models import Attendee, Event, Occurrence, Profile


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    ics: str
    sequence: int
    language: str


def recipient_profile(attendee: Attendee) -> Profile | None:
    if attendee.user_id is None:
        return None
    return Profile.objects.filter(user_id=attendee.user_id).first()


def recipient_language(attendee: Attendee, profile: Profile | None = None) -> str:
    """The invitation's language, else the profile's, else the school's or court's (``scheduling.languages``)."""
    return languages.attendee_language(attendee, profile)


def user_language(user) -> str:
    return languages.user_language(user)


def recipient_zone(attendee: Attendee, event: Event, profile: Profile | None = None) -> str:
    for candidate in (attendee.timezone, profile.timezone if profile else "", event.timezone):
        try:
            zoneinfo.ZoneInfo(candidate)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return candidate
    return settings.TIME_ZONE


def recipient_email(attendee: Attendee) -> str:
    return attendee.email or (attendee.user.email if attendee.user_id else "")


def absolute(path: str) -> str:
    return f"{settings.HADIR_BASE_URL}{path}"


def sitting_for(event: Event, occurrence: Occurrence | None) -> tuple[datetime, datetime]:
    """The sitting a message is about: the given one, else the next scheduled one, else the first."""
    if occurrence is not None:
        return occurrence.start, occurrence.end
    upcoming = (
        event.occurrences.filter(status=Occurrence.Status.SCHEDULED, start__gte=timezone.now())
        .order_by("start")
        .first()
    )
    if upcoming is not None:
        return upcoming.start, upcoming.end
    return event.start, event.start + event.duration


def _when(start: datetime, end: datetime, zone_name: str) -> dict:
    zone = zoneinfo.ZoneInfo(zone_name)
    return {
        "start": start.astimezone(zone),
        "end": end.astimezone(zone),
        "zone": zone_name,
        "abbr": zone_abbreviation(zone_name, start),
    }


def _subject(kind: str, title: str) -> str:
    subjects = {
        "invite": _("Invitation: %(title)s"),
        "update": _("Updated: %(title)s"),
        "cancel": _("Cancelled: %(title)s"),
        "reminder": _("Reminder: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def notice_text(message) -> str:
    """An in-app notice as its reader reads it now: a message about an event is written again in
    the active language (the reader's page), whatever language it was stored in."""
    if message.event_id and message.kind in ("invite", "update", "cancel", "reminder"):
        return _subject(message.kind, message.event.title)
    return message.subject


def _vevent_sequence(calendar) -> int:
    events = [component for component in calendar.walk("VEVENT")]
    return max((int(component.get("SEQUENCE", 0)) for component in events), default=0)


def render_subject(*, kind: str, event: Event, attendee: Attendee) -> tuple[str, str]:
    """The subject (also the in-app notice's text) and the language it is in."""
    language = recipient_language(attendee, recipient_profile(attendee))
    with translation.override(language):
        return _subject(kind, event.title), language


def render_message(
    *,
    kind: str,
    event: Event,
    attendee: Attendee,
    method: str = "",
    occurrence: Occurrence | None = None,
    minutes_before: int | None = None,
) -> Rendered:
    """Render one message; ``method`` ("REQUEST"/"CANCEL") adds the iTIP calendar."""
    profile = recipient_profile(attendee)
    language = recipient_language(attendee, profile)
    zone = recipient_zone(attendee, event, profile)
    start, end = sitting_for(event, occurrence)
    ics, sequence = "", event.sequence
    if method:
        with translation.override(language):
            calendar = ical.invite_calendar(event=event, attendee=attendee, method=method, occurrence=occurrence)
        ics = ical.calendar_bytes(calendar).decode()
        sequence = _vevent_sequence(calendar)
    token = attendee.join_token
    rsvp = reverse("scheduling:rsvp", args=[token])
    context = {
        "kind": kind,
        "event": event,
        "attendee": attendee,
        "organizer": event.organizer.get_full_name() or event.organizer.username,
        "single_sitting": occurrence is not None,
        "recurring": event.is_recurring and occurrence is None,
        "event_when": _when(start, end, event.timezone),
        "own_when": _when(start, end, zone) if zone != event.timezone else None,
        "join_url": absolute(attendee.join_path),
        "accept_url": absolute(f"{rsvp}?answer=ACCEPTED") if kind in ("invite", "update") else "",
        "decline_url": absolute(f"{rsvp}?answer=DECLINED") if kind in ("invite", "update") else "",
        "minutes_before": minutes_before,
        "language": language,
    }
    with translation.override(language):
        context["subject"] = _subject(kind, event.title)
        context["guidance"] = guidance.invite_guidance(attendee) if kind in ("invite", "update", "reminder") else []
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    return Rendered(subject=context["subject"], text=text, html=html, ics=ics, sequence=sequence, language=language)
