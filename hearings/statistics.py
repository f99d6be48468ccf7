"""The court's open statistics, computed from the hearings' status logs: how many were scheduled,
held, concluded, adjourned, postponed and cancelled; how late they started (the first "in
session" in the log against the scheduled start) and how long they lasted; observers; feedback.

Closed hearings are counted in every figure and never identified: nothing here names a case."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q

from feedback.models import SessionFeedback
from hearings.models import Court, Hearing, Role, StatusLogEntry
from hearings.progress import median_or_none, minutes
from rooms.models import AttendanceInterval

ON_TIME_MINUTES = 5  # a start at most this late is on time
MAX_DAYS = 366
OUTCOMES = ("concluded", "adjourned", "postponed", "cancelled")
ENDINGS = ("concluded", "adjourned")


@dataclass
class _Sitting:
    day: date
    held: bool = False
    delay: float | None = None
    duration: float | None = None
    outcomes: set = field(default_factory=set)


def _bounds(court: Court, start: date, end: date) -> tuple[datetime, datetime]:
    zone = zoneinfo.ZoneInfo(court.timezone)
    return (datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone))


def _sittings(court: Court, start: date, end: date) -> dict:
    """Per hearing whose scheduled start (or the date it was postponed from) falls in the range."""
    since, until = _bounds(court, start, end)
    zone = zoneinfo.ZoneInfo(court.timezone)
    hearings = Hearing.objects.filter(case__court=court).filter(
        Q(occurrence__start__gte=since, occurrence__start__lt=until)
        | Q(postponed_from__gte=since, postponed_from__lt=until)
    ).select_related("occurrence")
    sittings = {}
    for hearing in hearings:
        scheduled = hearing.occurrence.start
        first = hearing.postponed_from if hearing.postponed_from and since <= hearing.postponed_from < until \
            else scheduled
        sittings[hearing.pk] = (_Sitting(day=first.astimezone(zone).date()), scheduled)
    log = StatusLogEntry.objects.filter(hearing_id__in=list(sittings)).order_by("at", "id")
    began: dict = {}
    for entry in log.values("hearing_id", "status", "at"):
        sitting, scheduled = sittings[entry["hearing_id"]]
        if entry["status"] == "in_session" and entry["hearing_id"] not in began:
            began[entry["hearing_id"]] = entry["at"]
            sitting.held = True
            sitting.delay = max(0.0, minutes(entry["at"] - scheduled))
        if entry["status"] in ENDINGS and entry["hearing_id"] in began and sitting.duration is None:
            sitting.duration = minutes(entry["at"] - began[entry["hearing_id"]])
        if entry["status"] in OUTCOMES:
            sitting.outcomes.add(entry["status"])
    return {pk: sitting for pk, (sitting, _scheduled) in sittings.items()}


def court_statistics(*, court: Court, start: date, end: date) -> dict:
    """``GET /courts/<slug>/statistics.json?from=&to=`` (both days included, the court's zone)."""
    sittings = _sittings(court, start, end)
    held = [s for s in sittings.values() if s.held]
    delays = [s.delay for s in held]
    durations = [s.duration for s in held if s.duration is not None]
    hearing_ids = list(sittings)
    occurrences = Hearing.objects.filter(pk__in=hearing_ids).values("occurrence_id")
    observers = AttendanceInterval.objects.filter(
        occurrence_id__in=occurrences, attendee__hearing_role__role=Role.OBSERVER,
    ).values("attendee_id").distinct().count()
    answers = SessionFeedback.objects.filter(occurrence_id__in=occurrences).aggregate(
        count=Count("id"), rating=Avg("rating"))
    by_day = []
    day = start
    while day <= end:
        that_day = [s for s in sittings.values() if s.day == day]
        by_day.append({
            "date": day.isoformat(), "scheduled": len(that_day), "held": sum(1 for s in that_day if s.held),
            "median_start_delay_minutes": median_or_none([s.delay for s in that_day if s.held]),
        })
        day += timedelta(days=1)
    return {
        "court": court.slug,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "hearings": {
            "scheduled": len(sittings),
            "held": len(held),
            **{outcome: sum(1 for s in sittings.values() if outcome in s.outcomes) for outcome in OUTCOMES},
        },
        "on_time_rate": round(sum(1 for d in delays if d <= ON_TIME_MINUTES) / len(delays), 3) if delays else None,
        "median_start_delay_minutes": median_or_none(delays),
        "average_duration_minutes": round(sum(durations) / len(durations), 1) if durations else None,
        "observers": observers,
        "feedback": {"count": answers["count"],
                     "average_rating": round(float(answers["rating"]), 2) if answers["rating"] is not None else None},
        "by_day": by_day,
    }


CSV_HEADER = ["date", "scheduled", "held", "median_start_delay_minutes"]


def statistics_csv_rows(figures: dict) -> list[list]:
    """The CSV download: one line per day, then the range's totals."""
    rows = [CSV_HEADER]
    rows += [[day["date"], day["scheduled"], day["held"], "" if day["median_start_delay_minutes"] is None
              else day["median_start_delay_minutes"]] for day in figures["by_day"]]
    rows.append([])
    rows.append(["total", figures["hearings"]["scheduled"], figures["hearings"]["held"],
                 "" if figures["median_start_delay_minutes"] is None else figures["median_start_delay_minutes"]])
    for name in ("concluded", "adjourned", "postponed", "cancelled"):
        rows.append([name, figures["hearings"][name]])
    for name in ("on_time_rate", "average_duration_minutes", "observers"):
        rows.append([name, "" if figures[name] is None else figures[name]])
    rows.append(["feedback_count", figures["feedback"]["count"]])
    rows.append(["feedback_average_rating", "" if figures["feedback"]["average_rating"] is None
                 else figures["feedback"]["average_rating"]])
    return rows


def statistics_range(*, court: Court, start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The days asked for (``from``/``to``, YYYY-MM-DD), by default the seven days to today;
    a ``HearingError`` on the field that is wrong."""
    from django.utils.translation import gettext as _

    from hearings.errors import HearingError

    def parse(value: str | None, name: str) -> date | None:
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            day = None
        if day is None or not 1970 <= day.year <= 9000:  # far ends would overflow the range's arithmetic
            raise HearingError(_("Give a date as YYYY-MM-DD."), field=name)
        return day

    last = parse(end, "to") or today
    first = parse(start, "from") or last - timedelta(days=6)
    if first > last:
        raise HearingError(_("The first day comes after the last."), field="from")
    if (last - first).days >= MAX_DAYS:
        raise HearingError(_("At most %(days)d days at once.") % {"days": MAX_DAYS}, field="from")
    return first, last
