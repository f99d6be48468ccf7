"""Recurrence rules: validation, normalisation and expansion in the event's own zone.

A series is expanded with dateutil from a zone-aware local DTSTART, so every sitting keeps its
wall-clock time across daylight-saving changes (09:00 in Amsterdam stays 09:00 in summer and in
winter), exactly as RFC 5545 and calendar clients read the exported RRULE.
"""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from dateutil import rrule as dateutil_rrule
from django.utils.translation import gettext as _
from icalendar import vRecur

from scheduling.errors import SchedulingError

# "Bounded by COUNT or UNTIL at most two years out."
HORIZON = timedelta(days=2 * 366)
MAX_SITTINGS = 1000
# A sitting lasts at most a day; the conflict query relies on it to bound its index scan.
MAX_DURATION = timedelta(hours=24)
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


def zone_for(name: str) -> zoneinfo.ZoneInfo:
    try:
        if not name or name != name.strip():
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise SchedulingError(
            _("“%(zone)s” is not a known time zone.") % {"zone": name}, field="timezone"
        ) from error


def _invalid(message: str) -> SchedulingError:
    return SchedulingError(message, field="rrule")


def normalise_rule(rule: str, *, start: datetime, zone: zoneinfo.ZoneInfo, now: datetime) -> str:
    """Check a RRULE and return it in canonical form (UNTIL in UTC), or raise SchedulingError.

    The rule must be bounded by COUNT or UNTIL, its last sitting at most two years from ``now``,
    at most ``MAX_SITTINGS`` sittings, and ``start`` must be its first sitting.
    """
    text = rule.strip() if isinstance(rule, str) else ""
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    if not text:
        return ""
    try:
        recur = vRecur.from_ical(text)
    except (ValueError, TypeError) as error:
        raise _invalid(_("This is not a valid recurrence rule.")) from error
    keys = {key.upper() for key in recur}
    frequency = [str(value).upper() for value in recur.get("FREQ", [])]
    if len(frequency) != 1 or frequency[0] not in ALLOWED_FREQUENCIES:
        raise _invalid(_("A recurrence rule repeats daily, weekly, monthly or yearly (FREQ)."))
    if "COUNT" in keys and "UNTIL" in keys:
        raise _invalid(_("A recurrence rule has COUNT or UNTIL, not both."))
    if "COUNT" not in keys and "UNTIL" not in keys:
        raise _invalid(
            _("A recurring event must end: give a number of sittings (COUNT) or an end date (UNTIL).")
        )
    if "UNTIL" in keys:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime):
            until = until.replace(tzinfo=zone) if until.tzinfo is None else until
        elif isinstance(until, date):
            until = datetime.combine(until, time(23, 59, 59), tzinfo=zone)
        else:
            raise _invalid(_("This is not a valid recurrence rule."))
        recur["UNTIL"] = [until.astimezone(UTC)]
    canonical = recur.to_ical().decode()
    if len(canonical) > 500:
        raise _invalid(_("A recurrence rule has at most 500 characters."))
    try:
        sittings = list(islice(_rule(canonical, start, zone), MAX_SITTINGS + 1))
    except (ValueError, TypeError, KeyError) as error:
        raise _invalid(_("This is not a valid recurrence rule.")) from error
    if not sittings or sittings[0] != start:
        raise _invalid(
            _("The first sitting must follow the rule (for example, fall on one of its weekdays).")
        )
    if len(sittings) > MAX_SITTINGS:
        raise _invalid(_("A series has at most %(count)d sittings.") % {"count": MAX_SITTINGS})
    if sittings[-1] > now + HORIZON:
        raise _invalid(_("A series may run at most two years ahead."))
    return canonical


def _rule(canonical: str, start: datetime, zone: zoneinfo.ZoneInfo):
    """UTC sittings of a canonical rule anchored at ``start`` in ``zone`` (wall-clock kept)."""
    anchor = start.astimezone(zone)
    for local in dateutil_rrule.rrulestr(canonical, dtstart=anchor):
        # dateutil builds each sitting from the anchor's wall-clock time and zone; a time that
        # does not exist (spring forward) resolves with the offset before the gap, as RFC 5545 says.
        yield local.astimezone(UTC)


def expand(*, start: datetime, zone: zoneinfo.ZoneInfo, rule: str, exdates=()) -> list[datetime]:
    """Every sitting's original start (UTC), EXDATEs removed; a lone start without a rule."""
    excluded = {value.astimezone(UTC) for value in exdates}
    sittings = list(islice(_rule(rule, start, zone), MAX_SITTINGS)) if rule else [start.astimezone(UTC)]
    return [sitting for sitting in sittings if sitting not in excluded]


def sitting_end(start: datetime, zone: zoneinfo.ZoneInfo, duration: timedelta, *, recurring: bool) -> datetime:
    """A sitting's end as calendar clients compute it from DTSTART and DTEND.

    A series instance lasts the master's length on the wall clock; a single event ends at its
    DTEND. They differ only for a sitting spanning a daylight-saving switch.
    """
    if not recurring:
        return start + duration
    return (start.astimezone(zone) + duration).astimezone(UTC)


def parse_instants(values) -> list[datetime]:
    """Stored EXDATEs (ISO-8601 strings) as UTC datetimes."""
    return [datetime.fromisoformat(value).astimezone(UTC) for value in values]


def format_instants(values) -> list[str]:
    return sorted({value.astimezone(UTC).isoformat() for value in values})
