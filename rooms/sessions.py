"""The browser session a join link establishes, and who it makes someone in a room.

A join link proves one attendee; the session remembers every attendee it proved (one person may
hold links to several events), so the WebSocket and the room page know who is there without an
account. A logged-in user is also the attendee their account is invited as.

The session remembers which link it followed too (a fingerprint of the link, never the link), and
a remembered seat counts only while that link is still the attendee's: rotating or revoking a
link ends every session that entered with it, and a later rotation does not bring them back.
A link made with a key that left ``SECRET_KEY_FALLBACKS`` ends its sessions the same way.
"""

from __future__ import annotations

from django.conf import settings

from scheduling import tokens
from scheduling.models import Attendee, Occurrence

SESSION_KEY = "hadir_links"
MAX_REMEMBERED = 50


def link_fingerprints(attendee: Attendee) -> list[str]:
    """The fingerprints (``tokens.token_fingerprint``) of the attendee's link under every accepted key."""
    return [tokens.token_fingerprint(token) for token in tokens.tokens_accepted("join", attendee.join_token_salt)]


def remember_attendee(session, attendee: Attendee, *, token: str | None = None) -> None:
    """Remember the attendee, and the link followed (``token``; default: the current key's link)."""
    fingerprint = tokens.token_fingerprint(token or attendee.join_token)
    links = [pair for pair in remembered(session) if pair[0] != str(attendee.pk)]
    links.append((str(attendee.pk), fingerprint))
    session[SESSION_KEY] = [list(pair) for pair in links[-MAX_REMEMBERED:]]


def remembered(session_or_scope) -> list[tuple[str, str]]:
    """The (attendee id, link fingerprint) pairs this session followed, oldest first."""
    session = session_or_scope.get("session") if isinstance(session_or_scope, dict) else session_or_scope
    if session is None:
        return []
    return [
        (str(pair[0]), str(pair[1])) for pair in session.get(SESSION_KEY, [])
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


def active_seats():
    """Attendees who may still use their link: not removed, link not revoked."""
    return Attendee.objects.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True)


def seat_for(links: list[tuple[str, str]], seats: dict[str, Attendee], user, occurrence: Occurrence) -> Attendee | None:
    """Of ``seats`` (active attendees by id) the one in the occurrence's event whose link, still
    current, this session (``links``) followed last; else the signed-in user's seat there; else None."""
    found = next(
        (
            seats[attendee_id] for attendee_id, fingerprint in reversed(links)
            if attendee_id in seats and seats[attendee_id].event_id == occurrence.event_id
            and fingerprint in link_fingerprints(seats[attendee_id])
        ),
        None,
    )
    if found is None and user is not None and user.is_authenticated:
        found = active_seats().filter(event_id=occurrence.event_id, user=user).first()
    return found


def attendee_for(session_or_scope, user, occurrence: Occurrence) -> Attendee | None:
    """The active attendee of the occurrence's event that this session or user is, else None."""
    links = remembered(session_or_scope)
    ids = [attendee_id for attendee_id, _fingerprint in links]
    seats = {str(a.pk): a for a in active_seats().filter(event_id=occurrence.event_id, pk__in=ids)} if ids else {}
    found = seat_for(links, seats, user, occurrence)
    if found is not None:
        found.event = occurrence.event  # loaded with the occurrence: not read again
    return found


def language_for(scope: dict, attendee: Attendee) -> str:
    """The language of a room socket: the language cookie, else the attendee's, else the default."""
    cookies = scope.get("cookies") or {}
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME) or attendee.language or settings.LANGUAGE_CODE
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
