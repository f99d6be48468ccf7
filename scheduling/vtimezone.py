"""VTIMEZONE components as calendar clients read them.

A zone with daylight saving today (Europe/Amsterdam, America/New_York) is written the way Outlook
and Google write it: one STANDARD and one DAYLIGHT component, each a yearly RRULE ("the last
Sunday of October at 03:00"), starting in the first year the current rule held. Written instead as
one long RDATE list per kind (what ``icalendar``'s ``Timezone.from_tzid`` gives), ical.js and
vobject read it as a fixed offset and put summer sittings an hour late. A zone with no rule today
(Asia/Jakarta, Asia/Makassar) keeps ``from_tzid``'s history of fixed offsets.
"""

import calendar as monthcal
import functools
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

FIRST_YEAR = 1970
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    at: datetime  # the local wall time just before the change (the old offset), naive
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def rule(self) -> tuple:
        """What makes this year's change the same as another year's: month, weekday, which one, time."""
        last_day = monthcal.monthrange(self.at.year, self.at.month)[1]
        nth = -1 if self.at.day > last_day - 7 else (self.at.day - 1) // 7 + 1
        return (self.at.month, self.at.weekday(), nth, self.at.time(), self.offset_from, self.offset_to,
                self.name, self.daylight)


def _transitions(zone: zoneinfo.ZoneInfo, year: int) -> list[Transition]:
    """The year's offset changes, found day by day and then to the minute."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = moment.astimezone(zone).utcoffset()
    while moment < end:
        following = moment + timedelta(days=1)
        after = following.astimezone(zone).utcoffset()
        if after != before:
            low, high = int(moment.timestamp()), int(following.timestamp())
            while high - low > 1:  # to the second: the first second of the new offset
                middle = (low + high) // 2
                if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            high = datetime.fromtimestamp(high, UTC)
            changed = high.astimezone(zone)
            found.append(Transition(
                at=(high + before).replace(tzinfo=None), offset_from=before, offset_to=after,
                name=changed.tzname() or "", daylight=bool(changed.dst()),
            ))
            before = after
        moment = following
    return found


def _component(first: Transition):
    component = TimezoneDaylight() if first.daylight else TimezoneStandard()
    month, weekday, nth = first.rule[:3]
    component.add("tzname", first.name)
    component.add("tzoffsetfrom", first.offset_from)
    component.add("tzoffsetto", first.offset_to)
    component.add("dtstart", first.at)
    component.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{nth}{WEEKDAYS[weekday]}"}))
    return component


def rule_timezone(tzid: str, *, today: datetime | None = None) -> Timezone | None:
    """The RRULE-style VTIMEZONE of a zone that changes offset twice a year by a fixed rule, else None."""
    zone = zoneinfo.ZoneInfo(tzid)
    year = (today or datetime.now(UTC)).year
    window = [_transitions(zone, y) for y in range(year, year + 3)]
    if any(len(changes) != 2 for changes in window):
        return None
    rules = [change.rule for change in window[0]]
    if any([change.rule for change in changes] != rules for changes in window[1:]):
        return None
    first = list(window[0])
    for earlier in range(year - 1, FIRST_YEAR - 1, -1):
        changes = _transitions(zone, earlier)
        if [change.rule for change in changes] != rules:
            break
        first = changes
    timezone = Timezone()
    timezone.add("tzid", tzid)
    for change in sorted(first, key=lambda change: not change.daylight):
        timezone.add_component(_component(change))
    return timezone


@functools.lru_cache(maxsize=64)
def vtimezone(tzid: str) -> Timezone:
    """The VTIMEZONE for ``tzid`` (cached: it takes milliseconds and depends only on the TZID
    and the year)."""
    return rule_timezone(tzid) or Timezone.from_tzid(tzid)
