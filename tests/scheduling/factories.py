"""Small builders for scheduling tests; every row goes through the services."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from scheduling import services

_serial = count(1)


def user(name: str = "", **fields):
    name = name or f"user{next(_serial)}"
    fields.setdefault("email", f"{name}@example.org")
    return get_user_model().objects.create_user(username=name, password="pw-" + name, **fields)


def organiser(name: str = "", **fields):
    """An account that organises for an institution (Django staff here), so it may invite anyone;
    ordinary accounts invite only people they already share an event with."""
    return user(name, is_staff=True, **fields)


def local(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in a zone, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))


def next_weekday(weekday: int, *, after_days: int = 7) -> date:
    """The first given weekday (0 = Monday) at least ``after_days`` from today."""
    day = timezone.now().date() + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def next_dst_switch(month: int) -> date:
    """The next European switch (last Sunday of March or October) at least two weeks away."""
    today = timezone.now().date()
    for year in (today.year, today.year + 1):
        switch = last_sunday(year, month)
        if switch >= today + timedelta(days=14):
            return switch
    raise AssertionError("unreachable")


def event(
    *,
    organizer=None,
    title="Weekly class",
    start=None,
    duration=timedelta(hours=1),
    tz="Asia/Jakarta",
    rrule="",
    attendees=(),
    **extra,
):
    organizer = organizer or organiser()
    start = start or local(tz if tz in zoneinfo.available_timezones() else "UTC", next_weekday(0), 9)
    return services.event_create(
        organizer=organizer,
        title=title,
        start=start,
        duration=duration,
        timezone=tz,
        rrule=rrule,
        attendees=attendees,
        **extra,
    )


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
