"""Whatever happens to a series, the exported invite and feed expand to exactly its scheduled rows."""

import random
from datetime import timedelta

import pytest

from scheduling import ical, services
from scheduling.errors import SchedulingError
from scheduling.models import Occurrence
from scheduling.services import AttendeeSpec, validation
from tests.scheduling import factories as f
from tests.scheduling.test_ical import expanded, in_db, invite, parse

pytestmark = pytest.mark.django_db

ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/Amsterdam"]


@pytest.mark.parametrize("seed", range(12))
def test_random_histories_export_exactly_the_database(seed, monkeypatch):
    rng = random.Random(seed)
    zone = rng.choice(ZONES)
    clock = [validation.now()]
    monkeypatch.setattr(validation, "now", lambda: clock[0])
    event = f.event(
        tz=zone,
        start=f.local(zone, f.next_dst_switch(rng.choice([3, 10])) - timedelta(days=15), 9),
        rrule=f"FREQ=WEEKLY;COUNT={rng.randint(3, 8)}",
        attendees=[AttendeeSpec(email="x@example.org")],
    )
    history = []
    for _step in range(8):
        upcoming = list(event.occurrences.filter(status=Occurrence.Status.SCHEDULED, start__gt=clock[0]))
        operation = rng.choice(["time", "move", "cancel", "retime", "rule", "zone", "attendee"])
        history.append(operation)
        try:
            if operation == "time":
                clock[0] += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 23))
            elif operation == "move" and upcoming:
                row = rng.choice(upcoming)
                services.occurrence_move(
                    occurrence=row,
                    start=row.start + timedelta(hours=rng.randint(-30, 30)),
                    by=event.organizer,
                )
            elif operation == "cancel" and upcoming:
                services.occurrence_cancel(occurrence=rng.choice(upcoming), by=event.organizer)
            elif operation == "retime":
                event.refresh_from_db()
                services.event_update(
                    event=event,
                    by=event.organizer,
                    start=event.start + timedelta(hours=rng.randint(-5, 5)),
                    duration=timedelta(minutes=rng.choice([45, 60, 90, 120])),
                )
            elif operation == "rule":
                event.refresh_from_db()
                anchor = rng.choice([event.start, *(row.start for row in upcoming[:2])])
                services.event_update(
                    event=event,
                    by=event.organizer,
                    start=anchor,
                    rrule=f"FREQ={rng.choice(['DAILY', 'WEEKLY'])};COUNT={rng.randint(2, 9)}",
                )
            elif operation == "zone":
                event.refresh_from_db()
                services.event_update(event=event, by=event.organizer, timezone=rng.choice(ZONES))
            elif operation == "attendee":
                guest = services.attendee_add(event=event, email=f"guest{_step}@example.org")
                services.attendee_remove(attendee=guest, by=event.organizer)
        except SchedulingError:
            history.append("refused")
        event.refresh_from_db()
        if event.status == event.Status.CANCELLED:
            break
        attendee = event.attendees.get(email="x@example.org")
        assert expanded(invite(event, attendee)) == in_db(event), history
    feed = parse(ical.feed_calendar(feed=services.calendar_feed_for(email="x@example.org")))
    assert expanded(feed) == in_db(event), history
