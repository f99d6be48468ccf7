"""A recurring class meeting created, moved, cancelled: exactly the expected messages at the server."""

from datetime import timedelta

import icalendar

from notifications.models import Message
from scheduling import services
from tests.notifications import factories

STUDENTS = ["a@example.test", "b@example.test", "c@example.test"]


def _calendars(received):
    out = []
    for item in received:
        calendar_part = next(part for part in item.message.walk() if part.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
        assert calendar_part.get_param("method") == calendar["METHOD"]
        out.append((item.rcpt_tos[0], calendar))
    return out


def _summary(calendars):
    """(recipient, METHOD, SEQUENCE of the changed component, RECURRENCE-IDs present)."""
    rows = []
    for recipient, calendar in calendars:
        events = calendar.walk("VEVENT")
        sequence = max(int(component["SEQUENCE"]) for component in events)
        recurrence_ids = sorted(component["RECURRENCE-ID"].dt for component in events if "RECURRENCE-ID" in component)
        rows.append((recipient, str(calendar["METHOD"]), sequence, recurrence_ids))
    return sorted(rows, key=lambda row: row[0])


def test_create_move_cancel_a_recurring_class_meeting(db, smtp_server, sync_tasks, django_capture_on_commit_callbacks):
    teacher = factories.user("teacher", email="teacher@example.test")
    people = [{"name": email.split("@")[0], "email": email, "role": "student"} for email in STUDENTS]
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, rrule="FREQ=WEEKLY;COUNT=4", people=people)
    created = _summary(_calendars(smtp_server.wait_for(3)))
    assert created == [(email, "REQUEST", 0, []) for email in STUDENTS]

    sittings = list(event.occurrences.order_by("start"))
    second, third = sittings[1], sittings[2]
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_move(occurrence=second, start=second.start + timedelta(hours=2), by=teacher)
    moved = _calendars(smtp_server.wait_for(6)[3:])
    assert _summary(moved) == [(email, "REQUEST", 1, [second.recurrence_id]) for email in STUDENTS]
    for _, calendar in moved:
        override = next(c for c in calendar.walk("VEVENT") if "RECURRENCE-ID" in c)
        assert override["DTSTART"].dt == second.start + timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(occurrence=third, by=teacher)
    cancelled_one = _calendars(smtp_server.wait_for(9)[6:])
    assert _summary(cancelled_one) == [(email, "CANCEL", 2, [third.recurrence_id]) for email in STUDENTS]

    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=teacher)
    cancelled_all = _calendars(smtp_server.wait_for(12)[9:])
    assert _summary(cancelled_all) == [(email, "CANCEL", 3, []) for email in STUDENTS]

    assert len(smtp_server.received) == 12
    assert len(smtp_server.distinct()) == 12
    rows = Message.objects.filter(event=event, channel="email").order_by("id")
    assert [(row.kind, row.method, row.sequence) for row in rows[::3]] == [
        ("invite", "REQUEST", 0),
        ("update", "REQUEST", 1),
        ("cancel", "CANCEL", 2),
        ("cancel", "CANCEL", 3),
    ]
    assert set(rows.values_list("status", flat=True)) == {Message.Status.SENT}


def test_added_and_removed_attendee_get_their_own_invite_and_cancel(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks
):
    teacher = factories.user("teacher", email="teacher@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, rrule="FREQ=DAILY;COUNT=3", people=[{"name": "A", "email": STUDENTS[0]}])
        late = services.attendee_add(event=event, name="Late", email="late@example.test")
        services.attendee_add(event=event, name="Observer", email="observer@example.test", notify=False)
    smtp_server.wait_for(2)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendee_remove(attendee=late, by=teacher)
    summary = sorted((recipient, method) for recipient, method, _, _ in _summary(_calendars(smtp_server.wait_for(3))))
    assert summary == [
        (STUDENTS[0], "REQUEST"),
        ("late@example.test", "CANCEL"),
        ("late@example.test", "REQUEST"),
    ]
    assert len(smtp_server.received) == 3
