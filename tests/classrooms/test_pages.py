from datetime import timedelta

from django.utils import timezone

from classrooms import services
from scheduling.models import Attendee
from tests.classrooms.conftest import PASSWORD, clock_at, make_user, past_meeting


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_dashboard_lists_the_meeting_in_progress_with_counts_and_a_way_in(client, classroom, people):
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(minutes=10))
    login(client, "teacher")
    page = client.get("/classrooms/").content.decode()
    teacher_link = Attendee.objects.get(event=occurrence.event, user=people["teacher"]).join_path
    assert page.count(teacher_link) == 2  # today and this week
    assert '">0 / 1</span>' in page
    assert "XI IPA 1" in page and "WIB" in page
    assert 'href="/classrooms/"' in page  # the navigation entry


def test_student_page_has_next_meeting_join_button_and_feed(client, classroom, people):
    start = timezone.now() + timedelta(days=1)
    event = services.meeting_add(classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1))
    login(client, "student")
    page = client.get("/classrooms/mine/").content.decode()
    own = Attendee.objects.get(event=event, user=people["student"]).join_path
    others = Attendee.objects.filter(event=event).exclude(user=people["student"])
    assert own in page and not any(attendee.join_path in page for attendee in others)
    assert "Next meeting" in page and ".ics" in page and "webcal://" in page


def test_term_attendance_page_draws_an_svg_chart(client, classroom, people):
    past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    login(client, "assistant")
    page = client.get(f"/classrooms/{classroom.pk}/attendance/").content.decode()
    assert "<svg" in page and "<rect" in page and "Absent: 1" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_statuses_are_translated(client, classroom, people):
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    login(client, "teacher")
    client.cookies["django_language"] = "id"
    page = client.get(f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/").content.decode()
    assert "Tidak hadir" in page and "Kehadiran" in page
    body = client.get(f"/classrooms/{classroom.pk}/meetings/{occurrence.pk}/attendance.csv").content.decode()
    assert ";absent;" in body  # machine-readable status; Indonesian Excel's separator


def test_self_enrolment_link_and_reset(client, classroom, people):
    newcomer = make_user("newcomer")
    login(client, "newcomer")
    link = f"/classrooms/enrol/{classroom.enrolment_code}/"
    assert "XI IPA 1" in client.get(link).content.decode()
    response = client.post(link, {"code": classroom.enrolment_code})
    assert response.status_code == 302
    assert classroom.enrollments.filter(user=newcomer, role="student").exists()
    services.enrolment_code_reset(classroom=classroom, by=people["teacher"])
    client.logout()
    make_user("late")
    login(client, "late")
    page = client.post(link, {"code": link.split("/")[-2]}).content.decode()
    assert "not valid" in page
    assert not classroom.enrollments.filter(user__username="late").exists()


def test_bad_input_is_a_form_error_not_a_500(client, classroom, people):
    login(client, "teacher")
    url = f"/classrooms/{classroom.pk}/meetings/new/"
    response = client.post(url, {"start": "not a date", "end": ""}, follow=True)
    # The form comes back as sent, its errors on its fields and summed up above it.
    assert response.status_code == 200 and response.context["meeting_form"].errors["start"]
    assert 'id="error-summary"' in response.content.decode()
    with clock_at(timezone.now()):
        response = client.post(f"/classrooms/{classroom.pk}/roster/add/", {"name": "X", "email": "bad"}, follow=True)
    assert response.status_code == 200
    assert not classroom.enrollments.filter(name="X").exists()
    response = client.get(f"/classrooms/{classroom.pk}/meetings/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
