"""Which sittings a series should have, given the ones it has: a pure function, no database.

``plan`` takes the event's timing as plain values and its stored sittings as ``Sitting`` records,
and answers with a ``Plan``: the sittings to create, the new state of every stored sitting that
changes (moved along, re-dated, cancelled) and the series' EXDATEs. ``scheduling.services.events``
writes the plan; nothing is ever deleted, a sitting the rule no longer has is cancelled or, when it
already took place, kept as history (an RDATE).

The rules: future sittings follow the rule, past ones stay. ``previous`` is (start, zone, rule)
before a series change. When the series still starts in the past, the change is retroactive and
the i-th sitting of the old rule becomes the i-th of the new one (a retime, a longer sitting); when
it now starts later, the sittings still to come take the new dates in order. A past sitting keeps
its times (an override if the rule puts it elsewhere, an RDATE if the rule no longer has it); a
cancelled sitting stays cancelled (its new date an EXDATE); a past date of the new rule that never
took place is an EXDATE too. So the exported series always expands to exactly the scheduled rows.
"""

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from scheduling import recurrence

# The values of ``Occurrence.Status`` (kept here so that planning needs no model).
SCHEDULED = "scheduled"
CANCELLED = "cancelled"


@dataclass
class Sitting:
    """One sitting as planning sees it: a stored row (``key`` its primary key) or one to create
    (``key`` None)."""

    recurrence_id: datetime
    start: datetime
    end: datetime
    status: str = SCHEDULED
    is_override: bool = False
    is_rdate: bool = False
    key: object = None


class Timing(NamedTuple):
    """A series' timing before a change: its first start, IANA zone name and RRULE."""

    start: datetime
    zone: str
    rule: str


@dataclass
class Plan:
    create: list[Sitting] = field(default_factory=list)
    update: list[Sitting] = field(default_factory=list)  # stored sittings (by key) in their new state
    exdates: list[datetime] = field(default_factory=list)  # the series' EXDATEs, sorted


def plan(
    *, start: datetime, zone: str, duration: timedelta, rule: str, exdates, rows, now: datetime,
    previous: Timing | tuple | None = None,
) -> Plan:
    """The plan that makes ``rows`` (the stored ``Sitting`` records, unchanged) match the rule."""
    tz = recurrence.zone_for(zone)
    recurring = bool(rule)
    rows = [replace(row) for row in rows]  # worked on as copies

    def end_of(instant: datetime) -> datetime:
        return recurrence.sitting_end(instant, tz, duration, recurring=recurring)

    new_all = recurrence.expand(start=start, zone=tz, rule=rule)
    new_set = set(new_all)
    old_exdates = {value.astimezone(UTC) for value in exdates}

    def is_past(row: Sitting) -> bool:  # a single event has no history: its one sitting always follows
        return recurring and row.start < now

    def excluded(row: Sitting) -> bool:
        return row.status == CANCELLED and row.recurrence_id in old_exdates

    claimed: dict[datetime, Sitting] = {}  # new instant -> row
    if previous is not None and (start < now or not recurring):
        by_rid = {row.recurrence_id: row for row in rows}
        old_start, old_zone, old_rule = previous
        old_all = recurrence.expand(start=old_start, zone=recurrence.zone_for(old_zone), rule=old_rule)
        for instant, old in zip(new_all, old_all, strict=False):
            if old in by_rid:
                claimed[instant] = by_rid[old]
    elif previous is not None:
        # Sittings to come keep a date the new rule still has, the others take the free ones in order.
        upcoming = sorted((row for row in rows if not is_past(row)), key=lambda row: row.recurrence_id)
        for row in upcoming:
            if row.recurrence_id in new_set:
                claimed[row.recurrence_id] = row
        free = [instant for instant in new_all if instant not in claimed]
        kept = {row.key for row in claimed.values()}
        pending = [row for row in upcoming if row.key not in kept]
        claimed.update(zip(free, pending, strict=False))
    assigned = {row.key for row in claimed.values()}
    for row in rows:
        if row.key not in assigned and row.recurrence_id in new_set and row.recurrence_id not in claimed:
            claimed[row.recurrence_id] = row
            assigned.add(row.key)

    new_exdates: set[datetime] = set()
    result = Plan()
    for instant in new_all:
        row = claimed.get(instant)
        if row is None:
            if instant in old_exdates or (recurring and instant < now):
                new_exdates.add(instant)  # excluded before, or a past date that never took place
            else:
                result.create.append(Sitting(recurrence_id=instant, start=instant, end=end_of(instant)))
            continue
        if excluded(row) or (row.status == CANCELLED and is_past(row)):
            new_exdates.add(instant)
            row.status = CANCELLED
        elif not is_past(row):
            row.status = SCHEDULED
            # An individually moved sitting stays where it was put; none follows into the past.
            if not row.is_override and instant >= now:
                row.start, row.end = instant, end_of(instant)
        row.recurrence_id = instant
        row.is_rdate = False
        row.is_override = (row.start, row.end) != (instant, end_of(instant))
        result.update.append(row)

    final = set(claimed)
    for row in rows:
        if row.key in assigned:
            continue
        if row.status == SCHEDULED:
            if is_past(row):
                row.is_rdate = True
            else:
                row.status = CANCELLED  # the new rule has fewer sittings
        rid = row.recurrence_id
        while rid in final or rid in new_set:  # keep the unique (event, RECURRENCE-ID) free
            rid += timedelta(seconds=1)
        row.recurrence_id = rid
        final.add(rid)
        row.is_override = row.is_rdate and (row.start, row.end) != (rid, end_of(rid))
        result.update.append(row)
    result.exdates = sorted(new_exdates)
    return result
