"""Recurrence rules: validation, normalisation and expansion in the event's own zone.

A series is expanded with dateutil from a zone-aware local DTSTART, so every sitting keeps its
wall-clock time across daylight-saving changes (09:00 in Amsterdam stays 09:00 in summer and in
winter), exactly as RFC 5545 and calendar clients read the exported RRULE.
"""

import calendar
import functools
import math
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
# RFC 5545's parts: dateutil also reads its own (BYEASTER), which no calendar client exports.
RFC_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
             "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}


@functools.cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_for(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone of that name. Only names the zone database lists are looked up: ``ZoneInfo``
    opens any file under it, and a directory ("Asia") or an overlong name raises ``OSError``."""
    if not isinstance(name, str) or name not in _zone_names():
        shown = name[:64] + "…" if isinstance(name, str) and len(name) > 64 else name
        raise SchedulingError(_("“%(zone)s” is not a known time zone.") % {"zone": shown}, field="timezone")
    return zoneinfo.ZoneInfo(name)


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
    if keys - RFC_PARTS:
        raise _invalid(_("This is not a valid recurrence rule."))
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
    _check_parts(recur, frequency[0], start.astimezone(zone))
    sittings = []
    try:
        for sitting in _rule(canonical, start, zone):
            sittings.append(sitting)
            if len(sittings) > MAX_SITTINGS or sitting > now + HORIZON:
                break
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise _invalid(_("This is not a valid recurrence rule.")) from error
    if not sittings or sittings[0] != start:
        raise _not_first()
    if len(sittings) > MAX_SITTINGS:
        raise _invalid(_("A series has at most %(count)d sittings.") % {"count": MAX_SITTINGS})
    if sittings[-1] > now + HORIZON:
        raise _invalid(_("A series may run at most two years ahead."))
    return canonical


def _not_first() -> SchedulingError:
    return _invalid(_("The first sitting must follow the rule (for example, fall on one of its weekdays)."))


# RFC 5545 3.3.10: the values each BY part may take (negative ones count from the end).
_RANGES = {
    "BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True), "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True),
}
# BY parts RFC 5545 does not allow with a frequency.
_NOT_WITH = {"BYWEEKNO": {"DAILY", "WEEKLY", "MONTHLY"}, "BYYEARDAY": {"DAILY", "WEEKLY", "MONTHLY"},
             "BYMONTHDAY": {"WEEKLY"}}


def _check_parts(recur, frequency: str, local: datetime) -> None:
    """Refuse values out of RFC 5545's ranges (dateutil accepts some and then crashes or loops
    forever), and a first sitting that does not match every BY part: a rule whose start does not
    match can take dateutil seconds to search millennia for a date that never comes
    (``BYMONTH=2;BYMONTHDAY=30``)."""
    try:
        interval = [int(value) for value in recur.get("INTERVAL", [1])]
        count = [int(value) for value in recur.get("COUNT", [1])]
        for key, (low, high, signed) in _RANGES.items():
            for value in recur.get(key, []):
                if not (low <= int(value) <= high or (signed and low <= -int(value) <= high)):
                    raise ValueError(key)
            if recur.get(key) and frequency in _NOT_WITH.get(key, ()):
                raise ValueError(key)
        days = list(recur.get("BYDAY", []))
        for day in days:
            ordinal = day.relative
            if ordinal is None:
                continue
            most = 53 if frequency == "YEARLY" and not recur.get("BYMONTH") else 5
            if frequency not in {"MONTHLY", "YEARLY"} or recur.get("BYWEEKNO") or not 1 <= abs(ordinal) <= most:
                raise ValueError("BYDAY")
        setpos = [abs(int(value)) for value in recur.get("BYSETPOS", [])]
        if setpos and (frequency not in {"MONTHLY", "YEARLY"} or max(setpos) > _period_size(recur, frequency)):
            raise ValueError("BYSETPOS")
    except (ValueError, TypeError, AttributeError) as error:
        raise _invalid(_("This is not a valid recurrence rule.")) from error
    if min(interval) < 1 or min(count) < 1:
        raise _invalid(_("A recurrence rule repeats at least every 1 (INTERVAL) and at least once (COUNT)."))
    last_day = calendar.monthrange(local.year, local.month)[1]
    year_days = 366 if calendar.isleap(local.year) else 365
    yearday = local.timetuple().tm_yday
    matches = {
        "BYMONTH": {local.month},
        "BYMONTHDAY": {local.day, local.day - last_day - 1},
        "BYYEARDAY": {yearday, yearday - year_days - 1},
        "BYHOUR": {local.hour}, "BYMINUTE": {local.minute}, "BYSECOND": {local.second},
    }
    for key, allowed in matches.items():
        if recur.get(key) and not allowed & {int(value) for value in recur[key]}:
            raise _not_first()
    # dateutil keeps a day only if it matches the plain weekdays and, when there are any, one of
    # the numbered ones ("2MO": the second Monday of the month, or of the year).
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]
    plain = {str(day.weekday).upper() for day in days if day.relative is None}
    numbered = {(str(day.weekday).upper(), day.relative) for day in days if day.relative is not None}
    in_month = frequency == "MONTHLY" or bool(recur.get("BYMONTH"))
    position, length = (local.day, last_day) if in_month else (yearday, year_days)
    ordinals = {(position - 1) // 7 + 1, -((length - position) // 7 + 1)}
    if (plain and weekday not in plain) or (numbered and not {(weekday, n) for n in ordinals} & numbered):
        raise _not_first()
    if recur.get("BYWEEKNO") and str(recur.get("WKST", ["MO"])[0]).upper() == "MO":
        iso_year, week, _day = local.isocalendar()
        weeks = date(iso_year, 12, 28).isocalendar()[1]
        if not {week, week - weeks - 1} & {int(value) for value in recur["BYWEEKNO"]}:
            raise _not_first()


def _period_size(recur, frequency: str) -> int:
    """The most sittings one month or year of a rule can hold: a BYSETPOS beyond it never selects
    one, and dateutil would search up to the year 9999 for it."""
    months = len(recur.get("BYMONTH", [])) or (12 if frequency == "YEARLY" else 1)
    per_month = frequency == "MONTHLY" or bool(recur.get("BYMONTH"))
    bounds = []
    if recur.get("BYMONTHDAY"):
        bounds.append(len(recur["BYMONTHDAY"]) * months)
    if recur.get("BYYEARDAY"):
        bounds.append(len(recur["BYYEARDAY"]))
    if recur.get("BYWEEKNO"):
        bounds.append(7 * len(recur["BYWEEKNO"]))
    if recur.get("BYDAY"):
        each = 5 if per_month else 53
        bounds.append(sum(1 if day.relative else each for day in recur["BYDAY"]) * (months if per_month else 1))
    times = math.prod(len(recur.get(key, [0])) for key in ("BYHOUR", "BYMINUTE", "BYSECOND"))
    return (min(bounds) if bounds else 1) * times


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
