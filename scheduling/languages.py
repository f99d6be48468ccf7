"""Which language a person reads Hadir's e-mails, invites and feeds in.

A recipient's own choice (the invitation's language, else their profile's), else their
organisation's: a domain app registers, per event kind, how to find the language of the school
or court that owns an event (``register_event_language("hearing", ...)`` in ``AppConfig.ready``);
an Indonesian organisation's default is Indonesian. A plain meeting falls back to ``LANGUAGE_CODE``.
A feed is in its owner's language whatever the fetching client sends in ``Accept-Language``.
"""

from collections.abc import Callable

from django.conf import settings

from scheduling.models import Attendee, CalendarFeed, Event, Profile

_EVENT_LANGUAGE: dict[str, Callable[[Event], str]] = {}


def register_event_language(kind: str, resolver: Callable[[Event], str]) -> None:
    _EVENT_LANGUAGE[kind] = resolver


def supported(code: str | None) -> str:
    """``code`` reduced to a language Hadir speaks ("id-ID" → "id"), or ""."""
    code = (code or "").split("-")[0].lower()
    return code if code in {language for language, _ in settings.LANGUAGES} else ""


def event_language(event: Event | None) -> str:
    """The language of the organisation that owns the event, else the site's."""
    resolver = _EVENT_LANGUAGE.get(event.kind) if event is not None else None
    return supported(resolver(event) if resolver else "") or supported(settings.LANGUAGE_CODE) or "en"


def attendee_language(attendee: Attendee, profile: Profile | None = None) -> str:
    """The invitation's language, else the person's profile's, else their organisation's."""
    if profile is None and attendee.user_id is not None:
        profile = Profile.objects.filter(user_id=attendee.user_id).first()
    for candidate in (attendee.language, profile.language if profile else ""):
        if supported(candidate):
            return supported(candidate)
    return event_language(attendee.event if attendee.event_id else None)


def user_language(user) -> str:
    """An account's own language (profile), else the site's."""
    profile = Profile.objects.filter(user_id=user.pk).first()
    return supported(profile.language if profile else "") or event_language(None)


def feed_language(*, feed: CalendarFeed) -> str:
    """The owner's language: their profile's, else that of their latest invitation."""
    if feed.user_id is not None:
        profile = Profile.objects.filter(user_id=feed.user_id).first()
        if profile is not None and supported(profile.language):
            return supported(profile.language)
        invitations = Attendee.objects.filter(user_id=feed.user_id)
    else:
        invitations = Attendee.objects.filter(email__iexact=feed.email)
    latest = invitations.select_related("event").order_by("-created_at").first()
    return attendee_language(latest) if latest is not None else event_language(None)
