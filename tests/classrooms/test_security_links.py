"""A teacher moderates only when signed in; the class's teachers take people's links back (issue 13)."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from classrooms import services
from scheduling.models import Attendee
from tests.classrooms.conftest import PASSWORD


def test_the_teachers_link_in_an_anonymous_browser_asks_to_sign_in(classroom, people):
    start = timezone.now() + timedelta(minutes=5)
    event = services.meeting_add(classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1))
    occurrence = event.occurrences.get()
    browser = Client()
    for role in ("teacher", "assistant"):
        link = Attendee.objects.get(event=event, user=people[role]).join_path
        response = browser.get(link)
        assert response["Location"] == f"/accounts/login/?next=/rooms/{occurrence.pk}/", role
    student = Attendee.objects.get(event=event, user=people["student"])
    assert browser.get(student.join_path)["Location"] == f"/rooms/{occurrence.pk}/"  # a student's link works
    assert browser.login(username="teacher", password=PASSWORD)
    assert browser.get(f"/rooms/{occurrence.pk}/").status_code == 200


def test_the_class_teachers_rotate_a_students_link_from_the_meeting_page(classroom, people):
    start = timezone.now() + timedelta(days=1)
    event = services.meeting_add(classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1))
    occurrence = event.occurrences.get()
    student = Attendee.objects.get(event=event, user=people["student"])
    url = f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/"
    teacher = Client()
    teacher.force_login(people["teacher"])
    page = teacher.get(url).content.decode()
    assert f"/schedule/people/{student.pk}/link/rotate/" in page and student.join_token not in page
    response = teacher.post(f"/schedule/people/{student.pk}/link/rotate/", {"next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert Attendee.objects.get(pk=student.pk).join_token_hash != student.join_token_hash

    for role in ("assistant", "student", "other_teacher"):
        other = Client()
        other.force_login(people[role])
        assert other.post(f"/api/attendees/{student.pk}/link/revoke/").status_code == 403, role
    assert Attendee.objects.get(pk=student.pk).join_token_revoked_at is None
