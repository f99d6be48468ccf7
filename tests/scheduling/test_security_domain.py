"""Hearings and class meetings change only through their own rules: the generic scheduling API
refuses to move, cancel or re-invite for them, even for their organiser, and says where to go."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from classrooms import services as classrooms
from hearings.models import Status
from scheduling.models import Event, Occurrence
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def attempts(event, occurrence, attendee):
    later = (occurrence.start + timedelta(days=2)).isoformat()
    return [
        ("patch", f"/api/events/{event.pk}/", {"start": later}),
        ("patch", f"/api/events/{event.pk}/", {"title": "Renamed"}),
        ("post", f"/api/events/{event.pk}/cancel/", None),
        ("post", f"/api/occurrences/{occurrence.pk}/move/", {"start": later}),
        ("post", f"/api/occurrences/{occurrence.pk}/cancel/", None),
        ("post", f"/api/events/{event.pk}/attendees/", {"name": "Saksi palsu", "email": "palsu@example.org"}),
        ("delete", f"/api/attendees/{attendee.pk}/", None),
    ]


def snapshot(event):
    event.refresh_from_db()
    return (
        event.title, event.start, event.status, event.sequence,
        list(event.occurrences.values_list("start", "status")),
        list(event.attendees.values_list("pk", "removed_at")),
    )


def test_the_clerk_cannot_move_or_cancel_a_hearing_through_the_generic_api(court):
    hearing = court.closed
    event, occurrence = hearing.event, hearing.occurrence
    judge = event.attendees.get(user=court.judge)
    before = snapshot(event)
    client = signed_in(court.clerk)

    for method, path, data in attempts(event, occurrence, judge):
        response = getattr(client, method)(path, data, format="json")
        assert response.status_code == 403, (path, response.content)
        assert f"/hearings/{hearing.pk}/" in response.json()["detail"], response.json()

    assert snapshot(event) == before
    hearing.refresh_from_db()
    assert hearing.status == Status.SCHEDULED


def test_the_teacher_cannot_change_a_class_meeting_through_the_generic_api():
    teacher, student = f.user("guru"), f.user("murid")
    school = classrooms.school_create(name="SMA 4", timezone="Asia/Jakarta", by=None, admins=[teacher])
    start = f.local("Asia/Jakarta", f.next_weekday(1), 9)
    classroom = classrooms.classroom_create(school=school, by=teacher, name="X-1", term_start=start.date(),
                                            term_end=start.date() + timedelta(days=60))
    classrooms.enrollment_add(classroom=classroom, by=teacher, user=student)
    event = classrooms.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(hours=1))
    occurrence = event.occurrences.get()
    before = snapshot(event)
    client = signed_in(teacher)

    for method, path, data in attempts(event, occurrence, event.attendees.get(user=student)):
        response = getattr(client, method)(path, data, format="json")
        assert response.status_code == 403, (path, response.content)
        assert f"/classrooms/{classroom.pk}/" in response.json()["detail"]

    assert snapshot(event) == before
    # The class's own service still moves it, with its checks.
    classrooms.meeting_move(classroom=classroom, occurrence=occurrence, start=start + timedelta(hours=2),
                            end=start + timedelta(hours=3), by=teacher)
    assert Occurrence.objects.get(pk=occurrence.pk).start == start + timedelta(hours=2)


def test_a_plain_event_is_still_changed_through_the_api():
    organiser = f.user("guru")
    event = f.event(organizer=organiser)

    response = signed_in(organiser).patch(f"/api/events/{event.pk}/", {"title": "Baru"}, format="json")

    assert response.status_code == 200 and Event.objects.get(pk=event.pk).title == "Baru"
