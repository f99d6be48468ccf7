"""Attendance: intervals per connection, merged per attendee; a dead process's closed at its last sign."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms import services
from rooms.models import AttendanceInterval
from rooms.selectors import attendance_for
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db


def interval(room, attendee, start, end, *, instance="i1", last_seen=None):
    return AttendanceInterval.objects.create(
        occurrence=room.occurrence, attendee=attendee, instance=instance, joined_at=start,
        last_seen_at=last_seen or end or start, left_at=end,
    )


def test_overlapping_tabs_and_gaps_are_merged_per_attendee():
    room = make_room()
    ani, budi = room.people
    t0 = timezone.now() - timedelta(hours=1)
    minute = timedelta(minutes=1)
    interval(room, ani, t0, t0 + 10 * minute)
    interval(room, ani, t0 + 5 * minute, t0 + 15 * minute)  # a second tab, overlapping
    interval(room, ani, t0 + 30 * minute, t0 + 40 * minute)  # back after a gap
    interval(room, budi, t0 + 20 * minute, None)  # still here
    summary = {row.attendee.name: row for row in attendance_for(room.occurrence, now=t0 + 50 * minute)}
    assert summary["Ani"].first_join == t0 and summary["Ani"].last_leave == t0 + 40 * minute
    assert summary["Ani"].minutes == 25.0
    assert summary["Budi"].last_leave is None and summary["Budi"].minutes == 30.0
    assert "Host" not in summary


def test_the_sweeper_refreshes_its_own_intervals_and_closes_a_dead_process_at_its_last_sign():
    room = make_room()
    ani, budi = room.people
    now = timezone.now()
    mine = interval(room, ani, now - timedelta(minutes=10), None, instance="me", last_seen=now - timedelta(minutes=5))
    dead = interval(room, budi, now - timedelta(minutes=10), None, instance="dead",
                    last_seen=now - timedelta(minutes=2))
    fresh = interval(room, budi, now - timedelta(seconds=20), None, instance="alive",
                     last_seen=now - timedelta(seconds=5))
    assert services.attendance_sweep(instance="me", ttl=30) == 1
    mine.refresh_from_db()
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert mine.left_at is None and mine.last_seen_at > now - timedelta(seconds=5)
    assert dead.left_at == now - timedelta(minutes=2)
    assert fresh.left_at is None
