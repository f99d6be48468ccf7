"""One authorisation place per action: pages and the API look a class up among the caller's
(a 404 for anyone else, before the input is read) and the service authorises the action."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from classrooms import selectors, services
from classrooms.errors import ClassroomNotFound
from classrooms.models import Enrollment
from tests.classrooms.conftest import PASSWORD


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_class_is_found_for_each_role_in_it_and_for_nobody_else(classroom, people, other_classroom):
    for role in ("teacher", "assistant", "student"):
        assert selectors.classroom_for(people[role], classroom.pk) == classroom
    for user, class_id in [(people["other_teacher"], classroom.pk), (people["student"], other_classroom.pk),
                           (people["teacher"], uuid.uuid4()), (people["teacher"], "not-a-uuid")]:
        with pytest.raises(ClassroomNotFound):
            selectors.classroom_for(user, class_id)


def test_an_outsider_cannot_tell_a_class_from_no_class_even_with_bad_input(classroom, people):
    client = client_for(people["other_teacher"])
    answers = [
        client.post(f"/api/classrooms/{class_id}/enrollments/", {"email": "not an address"},
                    content_type="application/json")
        for class_id in (classroom.pk, uuid.uuid4())
    ]
    assert [answer.status_code for answer in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()


def test_the_service_refuses_a_student_and_nothing_changes(classroom, people):
    before = Enrollment.objects.count()
    answer = client_for(people["student"]).post(
        f"/api/classrooms/{classroom.pk}/enrollments/", {"name": "N", "email": "n@example.org"},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert Enrollment.objects.count() == before


def test_form_pages_are_the_managers_and_a_students_bad_form_is_refused(classroom, people):
    start = timezone.now() + timedelta(days=2)
    occurrence = services.meeting_add(
        classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1)
    ).occurrences.get()
    planned = occurrence.start
    student, teacher = client_for(people["student"]), client_for(people["teacher"])
    for path in (f"/classrooms/{classroom.pk}/edit/", f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/move/"):
        assert student.get(path).status_code == 403
        assert student.post(path, {"start": "not a time"}).status_code == 403
        assert teacher.post(path, {"start": "not a time"}).status_code == 200  # the form again, with its errors
    occurrence.refresh_from_db()
    assert occurrence.start == planned
