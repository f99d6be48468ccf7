"""When a sitting ends, each attendee who was there is asked once by e-mail through the outbox
(a feedback kind, keyed per attendee and sitting); nobody who was absent, and not the teacher."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from classrooms import selectors as class_selectors
from classrooms import services as classrooms
from config.wiring import feedback_requests_queue
from notifications.models import Message
from rooms import services as rooms
from tests.classrooms.conftest import interval


def test_ending_a_meeting_asks_who_attended_once(classroom, people, guest):
    start = timezone.now() + timedelta(minutes=1)
    occurrence = classrooms.meeting_add(classroom=classroom, by=people["teacher"], start=start,
                                        end=start + timedelta(hours=1), allow_conflicts=True).occurrences.get()
    teacher = class_selectors.own_attendee(occurrence, people["teacher"])
    student = occurrence.event.attendees.get(user=people["student"])
    rooms.room_status_set(occurrence=occurrence, status="open", by=teacher)
    for seat in (teacher, student):
        interval(occurrence, seat, timezone.now(), None)
    assert not Message.objects.filter(kind=Message.Kind.FEEDBACK).exists()
    rooms.room_status_set(occurrence=occurrence, status="ended", by=teacher)
    asked = Message.objects.filter(kind=Message.Kind.FEEDBACK)
    assert [(m.attendee_id, m.channel, m.email) for m in asked] == [(student.pk, "email", "student@example.org")]
    message = asked.get()
    assert message.occurrence_id == occurrence.pk and message.event_id == occurrence.event_id
    link = f"/feedback/{student.join_token}/?occurrence={occurrence.pk}"
    assert link in message.body_text and message.body_html
    feedback_requests_queue(occurrence=occurrence)  # asked again (a retried signal): still one message
    assert asked.count() == 1
    # The link in the mail leads to the form for that sitting.
    page = Client().get(link)
    assert page.status_code == 200 and not page.context["problem"]
    # And the room page tells the attendee where to answer once the session is over.
    client = Client()
    client.get(student.join_path)
    notice = client.get(f"/rooms/{occurrence.pk}/")
    assert notice.status_code == 410 and link.encode() in notice.content.replace(b"&amp;", b"&")
