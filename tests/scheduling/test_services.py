"""Services: every change validated, in one transaction, SEQUENCE bumped, announced."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from scheduling import services, signals
from scheduling.errors import Conflict, SchedulingError
from scheduling.models import Attendee, Event, Occurrence
from scheduling.services import AttendeeSpec, validation
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Every scheduling signal sent, as (name, kwargs), in order."""
    log = []
    handlers = {}
    for name in (
        "event_created",
        "event_changed",
        "event_cancelled",
        "occurrence_moved",
        "occurrence_cancelled",
        "attendee_added",
        "attendee_removed",
        "rsvp_recorded",
    ):

        def handler(sender, _name=name, **kwargs):
            kwargs.pop("signal", None)
            log.append((_name, kwargs))

        handlers[name] = handler
        getattr(signals, name).connect(handler, weak=False)
    yield log
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def field_errors(error) -> dict:
    return error.value.message_dict


def starts(event):
    return [o.start for o in event.occurrences.filter(status=Occurrence.Status.SCHEDULED).order_by("start")]


# ----------------------------------------------------------------- creating


def test_weekly_series_is_materialised_in_its_zone(received):
    event = f.event(
        tz="Asia/Makassar",
        rrule="FREQ=WEEKLY;COUNT=4",
        attendees=[AttendeeSpec(name="Siti", email="siti@example.org")],
    )
    rows = list(event.occurrences.order_by("start"))
    assert len(rows) == 4
    assert all(row.start.astimezone(f.zoneinfo.ZoneInfo("Asia/Makassar")).hour == 9 for row in rows)
    assert all(row.recurrence_id == row.start and row.end - row.start == timedelta(hours=1) for row in rows)
    assert [name for name, _kwargs in received] == ["event_created"]
    assert event.sequence == 0 and event.uid.endswith("@hadir")
    assert event.attendees.get().email == "siti@example.org"


def test_wall_clock_time_is_kept_across_daylight_saving():
    switch = f.next_dst_switch(3)
    start = f.local("Europe/Amsterdam", switch - timedelta(days=6), 9)  # the Monday before
    event = f.event(tz="Europe/Amsterdam", start=start, rrule="FREQ=WEEKLY;COUNT=3")
    utc_hours = [row.hour for row in starts(event)]
    assert utc_hours == [8, 7, 7]  # 09:00 CET, then 09:00 CEST


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rrule": "FREQ=WEEKLY"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;INTERVAL=x;COUNT=2"}, "rrule"),
        ({"rrule": "FREQ=DAILY;COUNT=2000"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=20991231"}, "rrule"),
        ({"rrule": "nonsense"}, "rrule"),
        ({"duration": timedelta(minutes=-30)}, "duration"),
        ({"duration": timedelta(0)}, "duration"),
        ({"tz": "Mars/Olympus_Mons"}, "timezone"),
        ({"start": timezone.now() - timedelta(hours=1)}, "start"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"resource": "R" * 201}, "resource"),
        ({"rrule": "FREQ=WEEKLY;COUNT=3;BYHOUR=" + ",".join(["9"] * 300)}, "rrule"),
        ({"duration": timedelta(hours=25)}, "duration"),
        ({"reminder_minutes": [-5]}, "reminder_minutes"),
        ({"attendees": [AttendeeSpec(email="not-an-address")]}, "email"),
        ({"attendees": [AttendeeSpec(email="a@example.org"), AttendeeSpec(email="A@Example.org")]}, "email"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_changes_nothing(changes, field, received):
    organizer = f.organiser()
    with pytest.raises(SchedulingError) as error:
        f.event(organizer=organizer, **changes)
    assert field in field_errors(error)
    assert not Event.objects.exists() and not Occurrence.objects.exists() and not Attendee.objects.exists()
    assert received == []


def test_errors_are_translated():
    from django.utils import translation

    with translation.override("id"), pytest.raises(SchedulingError) as error:
        f.event(tz="Mars/Olympus_Mons")
    assert "zona waktu" in field_errors(error)["timezone"][0]


# ----------------------------------------------------------------- conflicts


def test_creating_into_a_conflict_names_the_clash_unless_allowed():
    """The organiser sees their own sitting by name (a stranger's would be only "busy":
    test_security_conflicts)."""
    budi, teacher = f.user("budi"), f.organiser("guru")
    first = f.event(organizer=teacher, title="Maths", attendees=[AttendeeSpec(user=budi)])
    start = first.start + timedelta(minutes=30)
    with pytest.raises(Conflict) as error:
        f.event(organizer=teacher, title="Physics", start=start, attendees=[AttendeeSpec(email="BUDI@example.org")])
    assert [clash.event for clash in error.value.clashes] == [first]
    assert "Maths" in str(error.value.message_dict["start"])
    assert Event.objects.count() == 1
    f.event(organizer=teacher, title="Physics", start=start, attendees=[AttendeeSpec(user=budi)],
            allow_conflicts=True)
    assert Event.objects.count() == 2


def test_named_resource_conflicts_and_back_to_back_does_not():
    first = f.event(resource="Ruang Sidang 1")
    with pytest.raises(Conflict):
        f.event(resource="Ruang Sidang 1", start=first.start + timedelta(minutes=59))
    f.event(resource="Ruang Sidang 1", start=first.start + timedelta(hours=1))
    f.event(resource="Ruang Sidang 2", start=first.start)


def test_a_series_conflicts_on_any_sitting():
    siti = f.user("siti")
    weekly = f.event(rrule="FREQ=WEEKLY;COUNT=10", attendees=[AttendeeSpec(user=siti)])
    ninth = weekly.occurrences.order_by("start")[8]
    with pytest.raises(Conflict) as error:
        f.event(organizer=weekly.organizer, start=ninth.start, attendees=[AttendeeSpec(user=siti)])
    assert error.value.clashes == [ninth]


def test_moving_into_a_conflict_is_refused_and_cancelled_sittings_do_not_clash():
    siti = f.user("siti")
    a = f.event(title="A", attendees=[AttendeeSpec(user=siti)])
    b = f.event(title="B", start=a.start + timedelta(hours=2), attendees=[AttendeeSpec(user=siti)])
    target = b.occurrences.get()
    with pytest.raises(Conflict):
        services.occurrence_move(occurrence=target, start=a.start, by=b.organizer)
    target.refresh_from_db()
    assert target.start == b.start
    services.event_cancel(event=a, by=a.organizer)
    services.occurrence_move(occurrence=target, start=a.start, by=b.organizer)


# ----------------------------------------------------------------- series changes


def test_series_change_moves_future_sittings_and_keeps_past_ones(monkeypatch, received):
    event = f.event(
        rrule="FREQ=WEEKLY;COUNT=4", tz="Asia/Jayapura", start=f.local("Asia/Jayapura", f.next_weekday(0), 9)
    )
    before = starts(event)
    # Two sittings later: the first two are history.
    monkeypatch.setattr(validation, "now", lambda: before[1] + timedelta(hours=2))
    services.event_update(
        event=event,
        by=event.organizer,
        start=event.start + timedelta(hours=1),
        duration=timedelta(minutes=90),
    )
    event.refresh_from_db()
    rows = list(event.occurrences.order_by("recurrence_id"))
    assert [r.start for r in rows[:2]] == before[:2]
    assert all(r.end - r.start == timedelta(hours=1) for r in rows[:2])
    assert [r.start for r in rows[2:]] == [s + timedelta(hours=1) for s in before[2:]]
    assert all(r.end - r.start == timedelta(minutes=90) for r in rows[2:])
    assert event.sequence == 1
    assert received[-1][0] == "event_changed"
    assert received[-1][1]["changes"] == {"start", "duration"}


def test_title_change_bumps_sequence_and_a_no_op_does_not(received):
    event = f.event()
    services.event_update(event=event, by=event.organizer, title=event.title)
    assert Event.objects.get().sequence == 0
    services.event_update(event=event, by=event.organizer, title="Renamed")
    assert Event.objects.get().sequence == 1
    assert [name for name, _ in received] == ["event_created", "event_changed"]


def test_single_event_cannot_move_into_the_past():
    event = f.event()
    with pytest.raises(SchedulingError):
        services.event_update(event=event, by=event.organizer, start=timezone.now() - timedelta(days=1))
    assert Event.objects.get().sequence == 0


def test_moving_one_sitting_makes_an_override_and_keeps_its_recurrence_id(received):
    event = f.event(rrule="FREQ=WEEKLY;COUNT=3")
    second = event.occurrences.order_by("start")[1]
    original = second.start
    moved = services.occurrence_move(
        occurrence=second, start=original + timedelta(days=1), by=event.organizer
    )
    assert moved.recurrence_id == original and moved.is_override
    assert moved.end - moved.start == timedelta(hours=1)
    assert Event.objects.get().sequence == 1 and moved.sequence == 1
    assert received[-1] == ("occurrence_moved", {"occurrence": moved, "previous_start": original})


def test_moving_to_end_before_start_or_into_the_past_is_refused():
    event = f.event(rrule="FREQ=WEEKLY;COUNT=3")
    first = event.occurrences.order_by("start")[0]
    with pytest.raises(SchedulingError) as error:
        services.occurrence_move(
            occurrence=first, start=first.start, end=first.start - timedelta(minutes=1), by=event.organizer
        )
    assert "end" in field_errors(error)
    with pytest.raises(SchedulingError):
        services.occurrence_move(
            occurrence=first, start=timezone.now() - timedelta(hours=3), by=event.organizer
        )
    assert Event.objects.get().sequence == 0


def test_cancelling_one_sitting_adds_an_exdate_and_a_series_change_keeps_it(received):
    event = f.event(rrule="FREQ=WEEKLY;COUNT=4")
    third = event.occurrences.order_by("start")[2]
    services.occurrence_cancel(occurrence=third, by=event.organizer)
    event.refresh_from_db()
    assert event.exdates == [third.recurrence_id.astimezone(UTC).isoformat()]
    assert Occurrence.objects.get(pk=third.pk).status == Occurrence.Status.CANCELLED
    assert event.sequence == 1 and received[-1][0] == "occurrence_cancelled"
    services.event_update(event=event, by=event.organizer, duration=timedelta(hours=2))
    assert len(starts(event)) == 3
    with pytest.raises(SchedulingError):
        services.occurrence_cancel(occurrence=Occurrence.objects.get(pk=third.pk), by=event.organizer)


def test_cancelling_the_series(received):
    event = f.event(rrule="FREQ=WEEKLY;COUNT=2")
    services.event_cancel(event=event, by=event.organizer)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and event.sequence == 1
    assert not event.occurrences.filter(status=Occurrence.Status.SCHEDULED).exists()
    assert received[-1][0] == "event_cancelled"
    with pytest.raises(SchedulingError):
        services.event_cancel(event=event, by=event.organizer)


# ----------------------------------------------------------------- attendees


def test_attendees_added_removed_and_answering(received):
    event = f.event()
    guest = services.attendee_add(event=event, name="Tamu", email="tamu@example.org")
    assert received[-1] == ("attendee_added", {"attendee": guest, "notify": True})
    with pytest.raises(SchedulingError) as error:
        services.attendee_add(event=event, email="TAMU@example.org")
    assert "email" in field_errors(error)
    with pytest.raises(SchedulingError):
        services.attendee_add(event=event, email="tamu@")
    services.attendee_rsvp(attendee=guest, rsvp="ACCEPTED")
    assert Attendee.objects.get(pk=guest.pk).rsvp == "ACCEPTED" and received[-1][0] == "rsvp_recorded"
    with pytest.raises(SchedulingError):
        services.attendee_rsvp(attendee=guest, rsvp="MAYBE-LATER")
    services.attendee_remove(attendee=guest, by=event.organizer)
    assert Event.objects.get().sequence == 1 and received[-1][0] == "attendee_removed"
    # Removed, the same address may be invited again.
    again = services.attendee_add(event=event, email="tamu@example.org", notify=False)
    assert received[-1] == ("attendee_added", {"attendee": again, "notify": False})


def test_join_tokens_are_not_stored_and_rotation_revokes_the_old_link():
    from scheduling import selectors

    event = f.event(attendees=[AttendeeSpec(name="Ani", email="ani@example.org")])
    ani = event.attendees.get()
    token = ani.join_token
    assert len(token) >= 43  # 256 bits, base64
    row = Attendee.objects.filter(pk=ani.pk).values().get()
    assert token not in {str(value) for value in row.values()}
    assert selectors.attendee_by_join_token(token) == ani
    services.attendee_token_rotate(attendee=ani, by=None)
    assert selectors.attendee_by_join_token(token) is None
    assert selectors.attendee_by_join_token(ani.join_token) == ani
    services.attendee_token_revoke(attendee=ani, by=None)
    assert selectors.attendee_by_join_token(ani.join_token) is None
    assert selectors.attendee_by_join_token("x" * 500) is None


def test_series_restarting_later_keeps_history_as_extra_dates(monkeypatch):
    event = f.event(rrule="FREQ=WEEKLY;COUNT=4")
    rows = list(event.occurrences.order_by("start"))
    monkeypatch.setattr(validation, "now", lambda: rows[1].end + timedelta(hours=1))
    new_start = rows[2].start + timedelta(days=1, hours=2)
    services.event_update(event=event, by=event.organizer, start=new_start, rrule="FREQ=WEEKLY;COUNT=3")
    scheduled = list(event.occurrences.filter(status=Occurrence.Status.SCHEDULED).order_by("start"))
    assert [(r.start, r.is_rdate) for r in scheduled[:2]] == [(rows[0].start, True), (rows[1].start, True)]
    assert [r.start for r in scheduled[2:]] == [new_start + timedelta(weeks=n) for n in range(3)]
    # The two sittings still to come were reused (rooms may point at them), the third is new.
    assert {r.pk for r in scheduled[2:4]} == {rows[2].pk, rows[3].pk}


def test_rows_can_trade_dates_without_breaking_uniqueness():
    event = f.event(rrule="FREQ=WEEKLY;COUNT=4")
    rows = list(event.occurrences.order_by("start"))
    # The series now starts on its old third date and has two sittings.
    services.event_update(event=event, by=event.organizer, start=rows[2].start, rrule="FREQ=WEEKLY;COUNT=2")
    assert starts(event) == [rows[2].start, rows[3].start]
    services.event_update(
        event=event,
        by=event.organizer,
        start=rows[0].start - timedelta(weeks=1) + timedelta(weeks=1),
        rrule="FREQ=DAILY;COUNT=9",
    )
    assert starts(event) == [rows[0].start + timedelta(days=n) for n in range(9)]
    assert event.occurrences.count() == 9  # every row reused, none left behind


def test_moved_sitting_stays_put_when_the_series_is_renamed_or_lengthened():
    event = f.event(rrule="FREQ=WEEKLY;COUNT=3")
    second = event.occurrences.order_by("start")[1]
    moved_to = second.start + timedelta(days=1)
    services.occurrence_move(occurrence=second, start=moved_to, by=event.organizer)
    services.event_update(event=event, by=event.organizer, duration=timedelta(hours=2), title="Longer")
    second.refresh_from_db()
    assert second.start == moved_to and second.is_override
    others = event.occurrences.exclude(pk=second.pk)
    assert all(o.end - o.start == timedelta(hours=2) for o in others)
