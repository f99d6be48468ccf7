"""Planning a series' sittings: plain values in, a plan out, no database.

Each test keeps a tiny store of its own (``stored``, ``applied``) standing in for the rows the
service writes, so that a history (create, move, change the series) reads as it happens.
"""

import zoneinfo
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scheduling.planning import CANCELLED, SCHEDULED, Plan, Sitting, Timing, plan

HOUR = timedelta(hours=1)
WEEK = timedelta(days=7)
JAKARTA = "Asia/Jakarta"
AMSTERDAM = "Europe/Amsterdam"


def at(zone: str, *args) -> datetime:
    """A wall-clock time in ``zone``, as a UTC instant."""
    return datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(UTC)


def wall(zone: str, instant: datetime) -> tuple[int, int]:
    local = instant.astimezone(zoneinfo.ZoneInfo(zone))
    return local.hour, local.minute


def planned(**series) -> Plan:
    series.setdefault("zone", JAKARTA)
    series.setdefault("duration", HOUR)
    series.setdefault("rule", "")
    series.setdefault("exdates", [])
    series.setdefault("rows", [])
    return plan(**series)


def stored(result: Plan) -> list[Sitting]:
    """The rows of a fresh series, as the database would hold them (keyed 1, 2, …)."""
    return [replace(sitting, key=number) for number, sitting in enumerate(result.create, start=1)]


def applied(rows: list[Sitting], result: Plan) -> list[Sitting]:
    """The rows after the plan is written, in RECURRENCE-ID order."""
    changed = {sitting.key: sitting for sitting in result.update}
    after = [changed.get(row.key, row) for row in rows]
    after += [replace(sitting, key=len(rows) + number) for number, sitting in enumerate(result.create, start=1)]
    return sorted(after, key=lambda row: row.recurrence_id)


# ---------------------------------------------------------------- a new event


def test_a_single_event_has_one_sitting_at_its_start():
    start = at(JAKARTA, 2030, 5, 6, 9)
    result = planned(start=start, now=start - WEEK)
    assert result.create == [Sitting(recurrence_id=start, start=start, end=start + HOUR)]
    assert result.update == [] and result.exdates == []


def test_a_weekly_series_has_one_sitting_a_week_at_the_same_wall_clock_time():
    start = at(JAKARTA, 2030, 5, 6, 9)
    result = planned(start=start, rule="FREQ=WEEKLY;COUNT=4", now=start - WEEK)
    assert [sitting.start for sitting in result.create] == [start + n * WEEK for n in range(4)]
    assert all(sitting.end == sitting.start + HOUR for sitting in result.create)
    assert all(sitting.recurrence_id == sitting.start for sitting in result.create)
    assert {sitting.status for sitting in result.create} == {SCHEDULED}


def test_an_excluded_date_gets_no_sitting_and_stays_an_exdate():
    start = at(JAKARTA, 2030, 5, 6, 9)
    result = planned(start=start, rule="FREQ=WEEKLY;COUNT=4", exdates=[start + WEEK], now=start - WEEK)
    assert [sitting.start for sitting in result.create] == [start, start + 2 * WEEK, start + 3 * WEEK]
    assert result.exdates == [start + WEEK]


def test_a_series_across_a_dst_switch_keeps_its_wall_clock_time():
    # Mondays at 09:00 in Amsterdam; summer time begins on Sunday 31 March 2030.
    start = at(AMSTERDAM, 2030, 3, 18, 9)
    result = planned(start=start, zone=AMSTERDAM, rule="FREQ=WEEKLY;COUNT=4", now=start - WEEK)
    assert [wall(AMSTERDAM, sitting.start) for sitting in result.create] == [(9, 0)] * 4
    assert [wall(AMSTERDAM, sitting.end) for sitting in result.create] == [(10, 0)] * 4
    assert [sitting.start.hour for sitting in result.create] == [8, 8, 7, 7]  # in UTC


# ---------------------------------------------------------------- a series that changes


def test_a_moved_sitting_stays_where_it_was_put_when_the_series_is_retimed():
    start = at(JAKARTA, 2030, 5, 6, 9)
    now = start - WEEK
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=3", now=now))
    moved_to = rows[1].start + timedelta(hours=5)
    rows[1] = replace(rows[1], start=moved_to, end=moved_to + HOUR, is_override=True)

    later = start + 2 * HOUR
    result = planned(start=later, rule="FREQ=WEEKLY;COUNT=3", rows=rows, now=now,
                     previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=3"))
    after = applied(rows, result)

    assert result.create == []
    assert [row.key for row in after] == [1, 2, 3]
    assert [row.recurrence_id for row in after] == [later + n * WEEK for n in range(3)]
    assert [row.start for row in after] == [later, moved_to, later + 2 * WEEK]
    assert [row.is_override for row in after] == [False, True, False]


def test_a_cancelled_sitting_stays_cancelled_and_its_new_date_an_exdate():
    start = at(JAKARTA, 2030, 5, 6, 9)
    now = start - WEEK
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=3", now=now))
    rows[1] = replace(rows[1], status=CANCELLED)

    later = start + HOUR
    result = planned(start=later, rule="FREQ=WEEKLY;COUNT=3", rows=rows, exdates=[rows[1].recurrence_id],
                     now=now, previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=3"))
    after = applied(rows, result)

    assert [row.status for row in after] == [SCHEDULED, CANCELLED, SCHEDULED]
    assert result.exdates == [later + WEEK]


def test_past_sittings_keep_their_times_as_history_when_the_series_is_retimed():
    start = at(JAKARTA, 2030, 5, 6, 9)
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=4", now=start - WEEK))
    now = start + WEEK + timedelta(days=1)  # two sittings took place

    ten = start + HOUR
    result = planned(start=ten, rule="FREQ=WEEKLY;COUNT=4", rows=rows, now=now,
                     previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=4"))
    after = applied(rows, result)

    assert result.create == [] and result.exdates == []
    assert [row.recurrence_id for row in after] == [ten + n * WEEK for n in range(4)]
    assert [wall(JAKARTA, row.start) for row in after] == [(9, 0), (9, 0), (10, 0), (10, 0)]
    assert [row.is_override for row in after] == [True, True, False, False]
    assert {row.status for row in after} == {SCHEDULED}


def test_a_shortened_series_cancels_the_sittings_to_come_it_no_longer_has():
    start = at(JAKARTA, 2030, 5, 6, 9)
    now = start - WEEK
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=4", now=now))

    result = planned(start=start, rule="FREQ=WEEKLY;COUNT=2", rows=rows, now=now,
                     previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=4"))
    after = applied(rows, result)

    assert result.create == []
    assert [(row.key, row.status) for row in after] == [(1, SCHEDULED), (2, SCHEDULED), (3, CANCELLED),
                                                         (4, CANCELLED)]


def test_a_shortened_series_keeps_a_past_sitting_it_no_longer_has_as_an_rdate():
    start = at(JAKARTA, 2030, 5, 6, 9)
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=4", now=start - WEEK))
    now = start + 2 * WEEK + timedelta(days=1)  # three sittings took place

    result = planned(start=start, rule="FREQ=WEEKLY;COUNT=2", rows=rows, now=now,
                     previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=4"))
    third, fourth = applied(rows, result)[2:]

    assert (third.status, third.is_rdate, third.start) == (SCHEDULED, True, start + 2 * WEEK)
    assert (fourth.status, fourth.is_rdate) == (CANCELLED, False)


def test_a_retimed_series_in_amsterdam_keeps_the_new_wall_clock_time_across_dst():
    start = at(AMSTERDAM, 2030, 3, 18, 9)
    now = start - WEEK
    rows = stored(planned(start=start, zone=AMSTERDAM, rule="FREQ=WEEKLY;COUNT=4", now=now))

    ten = at(AMSTERDAM, 2030, 3, 18, 10)
    result = planned(start=ten, zone=AMSTERDAM, rule="FREQ=WEEKLY;COUNT=4", rows=rows, now=now,
                     previous=Timing(start, AMSTERDAM, "FREQ=WEEKLY;COUNT=4"))
    after = applied(rows, result)

    assert [row.key for row in after] == [1, 2, 3, 4]
    assert [wall(AMSTERDAM, row.start) for row in after] == [(10, 0)] * 4
    assert [wall(AMSTERDAM, row.end) for row in after] == [(11, 0)] * 4
    assert not any(row.is_override for row in after)


def test_planning_leaves_the_given_rows_as_they_were():
    start = at(JAKARTA, 2030, 5, 6, 9)
    now = start - WEEK
    rows = stored(planned(start=start, rule="FREQ=WEEKLY;COUNT=2", now=now))
    before = [replace(row) for row in rows]
    planned(start=start + HOUR, rule="FREQ=WEEKLY;COUNT=1", rows=rows, now=now,
            previous=Timing(start, JAKARTA, "FREQ=WEEKLY;COUNT=2"))
    assert rows == before
