"""Hostile and careless input to classrooms: refused with a clear error, never stored, never a 500.

Control characters (a CR/LF pair is a header injection once a name reaches an e-mail, a NUL breaks
PostgreSQL and every CSV reader) are refused in one-line fields; time zones that are directories
or absurdly long, and dates at the calendar's edges, are refused before any arithmetic overflows.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from classrooms import services
from classrooms.errors import ClassroomError
from classrooms.models import Classroom, Enrollment, Holiday, School
from scheduling.models import Attendee
from tests.classrooms.conftest import PASSWORD

INJECTION = "Evil\r\nBcc: evil@example.org"
CONTROLS = [INJECTION, "Ani\x00", "Ani\x1b[31m", "Ani\u2028Budi", "\ud800"]


@pytest.fixture(autouse=True)
def _anyone_founds_schools(settings):
    """These tests are about input, not about who may found a school (test_security_schools.py):
    the teacher founds schools here."""
    settings.HADIR_SCHOOL_SELF_SERVICE = True


@pytest.fixture
def teacher_client(client, classroom):
    client.login(username="teacher", password=PASSWORD)
    return client


def _json(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:500])
    return response.json()


# Control characters --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", CONTROLS)
def test_api_refuses_control_characters_in_school_class_and_student_names(teacher_client, classroom, school, bad):
    schools = School.objects.count()
    assert "name" in _json(
        teacher_client.post("/api/schools/", {"name": bad, "timezone": "Asia/Jakarta"}, "application/json")
    )
    assert School.objects.count() == schools
    assert "name" in _json(teacher_client.patch(f"/api/schools/{school.pk}/", {"name": bad}, "application/json"))
    url = f"/api/schools/{school.pk}/holidays/"
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert "name" in _json(teacher_client.post(url, {"date": day, "name": bad}, "application/json"))
    assert not Holiday.objects.exists()

    new_class = {
        "school": str(school.pk),
        "name": bad,
        "term_start": "2030-01-06",
        "term_end": "2030-06-30",
    }
    assert "name" in _json(teacher_client.post("/api/classrooms/", new_class, "application/json"))
    assert "subject" in _json(
        teacher_client.post("/api/classrooms/", {**new_class, "name": "X", "subject": bad}, "application/json")
    )
    assert "name" in _json(teacher_client.patch(f"/api/classrooms/{classroom.pk}/", {"name": bad}, "application/json"))
    assert Classroom.objects.filter(school=school).count() == 1

    url = f"/api/classrooms/{classroom.pk}/enrollments/"
    assert "name" in _json(teacher_client.post(url, {"name": bad, "email": "ani@example.org"}, "application/json"))
    assert "student_number" in _json(
        teacher_client.post(url, {"name": "Ani", "email": "ani@example.org", "student_number": bad}, "application/json")
    )
    assert not Enrollment.objects.filter(email="ani@example.org").exists()
    assert not Attendee.objects.filter(email="ani@example.org").exists()
    school.refresh_from_db()
    classroom.refresh_from_db()
    assert (school.name, classroom.name) == ("SMA 1 Bogor", "XI IPA 1")


@pytest.mark.parametrize("bad", [INJECTION, "Ani\x1b[31m"])
def test_forms_refuse_control_characters(teacher_client, classroom, school, bad):
    response = teacher_client.post(reverse("classrooms:school_create"), {"name": bad, "timezone": "Asia/Jakarta"})
    assert response.status_code == 200 and "control characters" in response.content.decode()
    response = teacher_client.post(
        reverse("classrooms:enrollment_add", args=[classroom.pk]),
        {"name": bad, "email": "ani@example.org", "role": "student"},
        follow=True,
    )
    assert "control characters" in response.content.decode()
    response = teacher_client.post(
        reverse("classrooms:holiday_add", args=[school.pk]),
        {"date": (timezone.localdate() + timedelta(days=3)).isoformat(), "name": bad},
        follow=True,
    )
    assert "control characters" in response.content.decode()
    response = teacher_client.post(
        reverse("classrooms:edit", args=[classroom.pk]),
        {
            "name": "XI IPA 1",
            "subject": bad,
            "term_start": classroom.term_start.isoformat(),
            "term_end": classroom.term_end.isoformat(),
            "size_limit": 30,
            "late_after_minutes": 10,
            "left_early_minutes": 10,
        },
    )
    assert response.status_code == 200 and "control characters" in response.content.decode()
    assert School.objects.count() == 1 and not Holiday.objects.exists()
    assert not Enrollment.objects.filter(email="ani@example.org").exists()
    classroom.refresh_from_db()
    assert classroom.subject == "Fisika"


def test_services_refuse_control_characters_whoever_calls_them(classroom, school, people):
    teacher = people["teacher"]
    with pytest.raises(ClassroomError):
        services.school_create(name=INJECTION, timezone="Asia/Jakarta", by=teacher)
    with pytest.raises(ClassroomError):
        services.enrollment_add(classroom=classroom, by=teacher, name=INJECTION, email="ani@example.org")
    with pytest.raises(ClassroomError):
        services.classroom_update(classroom=classroom, by=teacher, subject="Fisika\x00")
    with pytest.raises(ClassroomError):
        services.holiday_add(school=school, day=timezone.localdate(), name="Libur\r\nBcc: x@example.org", by=teacher)
    assert not Enrollment.objects.filter(email="ani@example.org").exists()


def test_roster_rows_with_control_characters_are_refused_one_by_one(teacher_client, classroom):
    url = f"/api/classrooms/{classroom.pk}/roster-import/"
    body = (
        b"name,email,student_number\n"
        b"Ani,ani@example.org,1\n"
        b"Bu\x00di,budi@example.org,2\n"
        b'"Evil\r\nBcc: evil@example.org",evil@example.org,3\n'
        b"Citra,citra@example.org,4\x00\n"
        b"Dewi,dewi@example.org,5\n"
    )
    data = teacher_client.post(url, {"file": SimpleUploadedFile("r.csv", body)}).json()
    errors = {row["line"]: row["errors"] for row in data["rows"]}
    assert errors[2] == [] and errors[7] == []
    assert errors[3] == ["Line breaks and control characters are not allowed (column name)."]
    assert errors[5] == ["Line breaks and control characters are not allowed (column name)."]  # a quoted CR LF
    assert errors[6] == ["Line breaks and control characters are not allowed (column student_number)."]

    response = teacher_client.post(url, {"file": SimpleUploadedFile("r.csv", body), "confirm": "true"})
    assert response.status_code == 200 and response.json()["imported"] == 2
    names = sorted(classroom.enrollments.filter(role="student").values_list("name", flat=True))
    assert names == ["Ani", "Budi Murid", "Dewi"]
    assert not any("\x00" in value for value in Enrollment.objects.values_list("student_number", flat=True))
    assert not Attendee.objects.filter(email="evil@example.org").exists()


def test_a_session_row_cannot_smuggle_a_control_character_past_the_preview(client, classroom, people):
    """The confirm step re-checks in the service: a row the preview never saw is refused whole."""
    with pytest.raises(ClassroomError) as raised:
        services.roster_import(
            classroom=classroom,
            by=people["teacher"],
            rows=[{"line": 2, "name": "Ani", "email": "ani@example.org", "student_number": "1\x00"}],
        )
    assert "Line 2" in str(raised.value)
    assert not Enrollment.objects.filter(email="ani@example.org").exists()


# Time zones and the calendar's edges ---------------------------------------------------------


@pytest.mark.parametrize("zone", ["Asia", "A" * 300, "Asia/Jakarta\x00", "../../etc/passwd", "Asia/Jakarta\r\nX"])
def test_a_time_zone_that_is_not_one_is_a_400(teacher_client, school, zone):
    data = _json(teacher_client.post("/api/schools/", {"name": "SMA 3", "timezone": zone}, "application/json"))
    assert "timezone" in data
    data = _json(teacher_client.patch(f"/api/schools/{school.pk}/", {"timezone": zone}, "application/json"))
    assert "timezone" in data
    school.refresh_from_db()
    assert school.timezone == "Asia/Jakarta" and School.objects.count() == 1
    with pytest.raises(ClassroomError):
        services.school_create(name="SMA 3", timezone=zone, by=school.admins.get())


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "9999-12-31"])
def test_holidays_at_the_calendars_edges_are_a_clear_400(teacher_client, school, day):
    data = _json(teacher_client.post(f"/api/schools/{school.pk}/holidays/", {"date": day}, "application/json"))
    assert "date" in data
    response = teacher_client.post(reverse("classrooms:holiday_add", args=[school.pk]), {"date": day}, follow=True)
    assert response.status_code == 200
    assert not Holiday.objects.exists()


@pytest.mark.parametrize(
    ("term_start", "term_end"),
    [("0001-01-01", "2030-06-30"), ("2030-01-06", "9999-12-31"), ("0001-01-01", "9999-12-31")],
)
def test_terms_at_the_calendars_edges_are_a_clear_400(teacher_client, school, classroom, term_start, term_end):
    body = {"school": str(school.pk), "name": "Edge", "term_start": term_start, "term_end": term_end}
    errors = _json(teacher_client.post("/api/classrooms/", body, "application/json"))
    assert any("Choose a date between 2000-01-01 and 2199-12-31." in messages for messages in errors.values())
    assert not Classroom.objects.filter(name="Edge").exists()
    patch = {"term_start": term_start, "term_end": term_end}
    errors = _json(teacher_client.patch(f"/api/classrooms/{classroom.pk}/", patch, "application/json"))
    assert any("Choose a date between 2000-01-01 and 2199-12-31." in messages for messages in errors.values())
    classroom.refresh_from_db()
    assert classroom.term_end < timezone.localdate() + timedelta(days=365)


@pytest.mark.parametrize("field", ["size_limit", "late_after_minutes", "left_early_minutes"])
@pytest.mark.parametrize("value", [-1, 10**6, 2**31, 10**30])
def test_numbers_out_of_range_are_a_400(teacher_client, classroom, field, value):
    """2**31 passed on SQLite and would overflow PostgreSQL's integer; a huge "late after" overflowed
    the attendance arithmetic."""
    assert field in _json(teacher_client.patch(f"/api/classrooms/{classroom.pk}/", {field: value}, "application/json"))
    classroom.refresh_from_db()
    assert (classroom.size_limit, classroom.late_after_minutes, classroom.left_early_minutes) == (30, 10, 10)


@pytest.mark.parametrize("body", ["[1]", '"code"', "null", "1e999", '{"code": {"a": 1}}'])
def test_a_self_enrolment_body_that_is_not_a_code_is_a_400(client, classroom, people, body):
    client.login(username="other", password=PASSWORD)
    response = client.post("/api/classrooms/enrol/", body, content_type="application/json")
    assert response.status_code == 400
    assert not classroom.enrollments.filter(user=people["other_student"]).exists()
