"""Reminders follow their sitting: moved with it, gone when cancelled, none for decliners or the past."""

from datetime import timedelta

from notifications.models import Message
from notifications.services import reminders_enqueue
from scheduling import services
from scheduling.models import Attendee
from tests.notifications import factories


def _reminded(event):
    rows = Message.objects.filter(event=event, kind=Message.Kind.REMINDER, channel="email")
    return sorted((row.email, row.occurrence_id) for row in rows)


def test_reminders_are_due_per_sitting_and_skip_decliners(db):
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(
        teacher,
        rrule="FREQ=WEEKLY;COUNT=3",
        days=3,
        reminder_minutes=[60],
        people=[{"name": n, "email": f"{n}@example.test"} for n in ("yes", "no", "maybe")],
    )
    services.attendee_rsvp(attendee=event.attendees.get(name="no"), rsvp=Attendee.Rsvp.DECLINED)
    first, second, third = event.occurrences.order_by("start")

    assert reminders_enqueue(now=first.start - timedelta(minutes=61)) == []
    reminders_enqueue(now=first.start - timedelta(minutes=59))
    assert _reminded(event) == [("maybe@example.test", first.pk), ("yes@example.test", first.pk)]
    reminders_enqueue(now=first.start - timedelta(minutes=30))  # again: nothing new
    assert len(_reminded(event)) == 2
    reminder = Message.objects.filter(kind=Message.Kind.REMINDER).first()
    assert reminder.minutes_before == 60 and reminder.subject.startswith("Reminder:")

    # A past sitting gets nothing.
    assert reminders_enqueue(now=first.start + timedelta(minutes=1)) == []

    # Moved a day later: its reminder moves with it.
    moved_to = second.start + timedelta(days=1)
    services.occurrence_move(occurrence=second, start=moved_to, by=teacher)
    assert reminders_enqueue(now=second.start - timedelta(minutes=30)) == []
    reminders_enqueue(now=moved_to - timedelta(minutes=30))
    assert [pk for _, pk in _reminded(event)].count(second.pk) == 2

    # Cancelled: no reminder.
    services.occurrence_cancel(occurrence=third, by=teacher)
    assert reminders_enqueue(now=third.start - timedelta(minutes=30)) == []


def test_default_offsets_and_only_the_nearest_when_several_are_due(db):
    teacher = factories.user("teacher", email="teacher@example.test")
    event = factories.meeting(teacher, days=3, people=[{"name": "a", "email": "a@example.test"}])
    sitting = event.occurrences.get()
    reminders_enqueue(now=sitting.start - timedelta(hours=23))
    reminders_enqueue(now=sitting.start - timedelta(minutes=10))
    keys = sorted(Message.objects.filter(kind="reminder", channel="email").values_list("idempotency_key", flat=True))
    assert sorted((key.split(":")[-2] for key in keys), key=int) == ["15", "1440"]

    other = factories.meeting(teacher, title="Late", days=3, people=[{"name": "b", "email": "b@example.test"}])
    late = other.occurrences.get()
    reminders_enqueue(now=late.start - timedelta(minutes=5))  # worker was down: one reminder, not two
    assert Message.objects.filter(event=other, kind="reminder", channel="email").count() == 1
