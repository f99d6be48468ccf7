"""The browser session a join link establishes, and who it makes someone in a room.

A join link proves one attendee; the session remembers every attendee it proved (one person may
hold links to several events), so the WebSocket and the room page know who is there without an
account. A logged-in user is also the attendee their account is invited as.
"""

from __future__ import annotations

from scheduling.models import Attendee, Occurrence

SESSION_KEY = "hadir_attendees"
MAX_REMEMBERED = 50


def remember_attendee(session, attendee: Attendee) -> None:
    ids = [value for value in session.get(SESSION_KEY, []) if value != str(attendee.pk)]
    ids.append(str(attendee.pk))
    session[SESSION_KEY] = ids[-MAX_REMEMBERED:]


def remembered_ids(session_or_scope) -> list[str]:
    session = session_or_scope.get("session") if isinstance(session_or_scope, dict) else session_or_scope
    if session is None:
        return []
    return list(session.get(SESSION_KEY, []))


def active_seats():
    """Attendees who may still use their link: not removed, link not revoked."""
    return Attendee.objects.filter(removed_at__isnull=True, join_token_revoked_at__isnull=True)


def seat_for(ids: list[str], seats: dict[str, Attendee], user, occurrence: Occurrence) -> Attendee | None:
    """Of ``seats`` (active attendees by id) the one in the occurrence's event whose link this
    session (``ids``) followed last, else the signed-in user's seat there, else None."""
    found = next((seats[i] for i in reversed(ids) if i in seats and seats[i].event_id == occurrence.event_id), None)
    if found is None and user is not None and user.is_authenticated:
        found = active_seats().filter(event_id=occurrence.event_id, user=user).first()
    return found


def attendee_for(session_or_scope, user, occurrence: Occurrence) -> Attendee | None:
    """The active attendee of the occurrence's event that this session or user is, else None."""
    ids = remembered_ids(session_or_scope)
    seats = {str(a.pk): a for a in active_seats().filter(event_id=occurrence.event_id, pk__in=ids)} if ids else {}
    found = seat_for(ids, seats, user, occurrence)
    if found is not None:
        found.event = occurrence.event  # loaded with the occurrence: not read again
    return found
