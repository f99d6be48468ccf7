"""Feedback on a sitting: the join link is the key; one answer per attendee per sitting; only for
a sitting that ended and that the attendee attended; the organiser (and school staff) read it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from classrooms import services as classrooms
from feedback import services
from feedback.errors import FeedbackError
from feedback.models import SessionFeedback
from tests.classrooms.conftest import PASSWORD


def seat(occurrence, user):
    return occurrence.event.attendees.get(user=user)


def url(attendee, occurrence=None):
    return f"/feedback/{attendee.join_token}/" + (f"?occurrence={occurrence.pk}" if occurrence else "")


def test_the_form_is_for_the_latest_ended_sitting_attended(held, people):
    response = Client().get(url(seat(held, people["student"])))
    assert response.status_code == 200
    assert response.context["occurrence"] == held and not response.context["problem"]
    assert b'name="rating"' in response.content and b'name="anonymous"' in response.content
    assert b"width=device-width" in response.content  # the phone's viewport, from the base layout


def test_an_answer_is_recorded_and_a_second_replaces_it(held, people):
    student, client = seat(held, people["student"]), Client()
    response = client.post(url(student, held), {"rating": "4", "connection": "2", "comment": "Suara putus-putus"})
    assert response.status_code == 302
    client.post(url(student, held), {"rating": "5", "comment": "", "anonymous": "on"})
    answer = SessionFeedback.objects.get()
    assert (answer.rating, answer.connection, answer.comment, answer.anonymous) == (5, None, "", True)


@pytest.mark.parametrize("data", [{"rating": "0"}, {"rating": "6"}, {}, {"rating": "3", "connection": "9"},
                                  {"rating": "3", "comment": "x" * 2001}])
def test_bad_answers_are_refused_and_change_nothing(held, people, data):
    response = Client().post(url(seat(held, people["student"]), held), data)
    assert response.status_code == 400
    assert not SessionFeedback.objects.exists()


def test_a_sitting_not_attended_says_so_and_records_nothing(held, guest, people):
    tamu = held.event.attendees.get(email="tamu@example.org")
    response = Client().post(url(tamu, held), {"rating": "1"})
    assert response.status_code == 400 and "did not attend" in response.context["problem"]
    assert Client().get(url(tamu)).context["problem"]
    assert not SessionFeedback.objects.exists()
    with pytest.raises(FeedbackError):
        services.feedback_record(attendee=tamu, occurrence=held, rating=3)


def test_a_sitting_not_ended_says_so_and_records_nothing(classroom, people):
    event = classrooms.meeting_add(classroom=classroom, by=people["teacher"], start=timezone.now() + timedelta(days=2),
                                   end=timezone.now() + timedelta(days=2, hours=1), allow_conflicts=True)
    occurrence = event.occurrences.get()
    response = Client().post(url(seat(occurrence, people["student"]), occurrence), {"rating": "5"})
    assert response.status_code == 400 and "not ended" in response.context["problem"]
    assert not SessionFeedback.objects.exists()


def test_another_events_sitting_and_bad_links_are_refused(held, people, classroom):
    other = classrooms.meeting_add(classroom=classroom, by=people["teacher"], start=timezone.now() + timedelta(days=3),
                                   end=timezone.now() + timedelta(days=3, hours=1), allow_conflicts=True)
    student = seat(held, people["student"])
    assert Client().post(url(student, other.occurrences.get()), {"rating": "5"}).status_code == 400
    assert Client().get(url(student) + "?occurrence=not-a-uuid").status_code == 200
    assert Client().get("/feedback/not-a-token/").status_code == 404
    assert not SessionFeedback.objects.exists()


def test_the_teacher_is_not_asked(held, people):
    teacher = seat(held, people["teacher"])
    assert Client().post(url(teacher, held), {"rating": "5"}).status_code == 400


def test_the_api_records_and_shows_the_answer(held, people):
    student = seat(held, people["student"])
    client = Client()
    answer = client.post(f"/api/feedback/{student.join_token}/", {"rating": 3, "comment": "Bagus"},
                         content_type="application/json")
    assert answer.status_code == 200, answer.content
    shown = client.get(f"/api/feedback/{student.join_token}/").json()
    assert shown["occurrence_id"] == str(held.pk) and shown["rating"] == 3 and shown["comment"] == "Bagus"
    refused = client.post(f"/api/feedback/{student.join_token}/", {"rating": 7}, content_type="application/json")
    assert refused.status_code == 400


def test_the_organiser_reads_averages_and_comments(held, people, guest):
    student = seat(held, people["student"])
    services.feedback_record(attendee=student, occurrence=held, rating=4, connection=3, comment="Jelas",
                             anonymous=True)
    client = Client()
    path = f"/api/events/{held.event_id}/feedback/"
    assert client.get(path).status_code in (401, 403)
    client.login(username="student", password=PASSWORD)
    assert client.get(path).status_code == 403
    client.login(username="teacher", password=PASSWORD)
    body = client.get(path).json()
    assert body == {
        "count": 1, "average_rating": 4.0, "average_connection": 3.0,
        "by_occurrence": [{"occurrence_id": str(held.pk), "starts_at": body["by_occurrence"][0]["starts_at"],
                           "count": 1, "average_rating": 4.0, "average_connection": 3.0}],
        "comments": [{"occurrence_id": str(held.pk), "rating": 4, "text": "Jelas", "name": None}],
    }
    page = client.get(f"/classrooms/{held.event.class_event.classroom_id}/")
    assert b"Jelas" in page.content and b"anonymous" in page.content
