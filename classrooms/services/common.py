"""What the classrooms services share: the checks on dates, zones and text, and inviting one person."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from classrooms.errors import ClassroomError
from config.types import User
from scheduling import services as scheduling
from scheduling.models import Attendee, Event
from scheduling.text import clean_text

EVENT_KIND = "class"
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Terms and holidays fall in these years: wide enough for any school, narrow enough that a day
# turned into an instant in any zone, plus a day or a term's end, never leaves Python's calendar.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)
MAX_SIZE_LIMIT = 10_000
MAX_MINUTES = 600  # late after / left early: ten hours is longer than any meeting


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone, or a ``ClassroomError``: a directory ("Asia"), a path or a name too long for the
    file system are refused like an unknown name, not with the file system's exception."""
    try:
        if not isinstance(name, str) or not name or len(name) > 64:
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        shown = name[:64] if isinstance(name, str) else ""
        raise ClassroomError({"timezone": _("“%(zone)s” is not a known time zone.") % {"zone": shown}}) from exc


def _text(value: str, *, field: str, max_length: int = 200) -> str:
    """One line of text, stripped: line breaks and control characters are refused (they end up in
    e-mail headers, calendars and CSV files)."""
    try:
        return clean_text(value, field=field, max_length=max_length)
    except ValidationError as exc:
        raise ClassroomError(exc.message_dict) from exc


def _day(value: date, *, field: str) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ClassroomError(
            {
                field: _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            }
        )
    return value


def _person_name(user: User) -> str:
    return user.get_full_name() or user.username


def _invite(
    event: Event, *, user: User | None, name: str, email: str, role: str, zone: str, notify: bool = True
) -> Attendee:
    return scheduling.attendee_add(
        event=event, name=name, email=email, user=user, role=role, timezone=zone, notify=notify
    )


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
