"""Role matrix: teacher, assistant, student, a student of another class, anonymous; every page and
API call of the classrooms app. Outsiders get 404 (the class's existence is not revealed), members
without the right 403, anonymous visitors the login page (pages) or 401/403 (API)."""

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from classrooms import services
from classrooms.models import Classroom, Enrollment, Holiday
from scheduling.models import Occurrence
from tests.classrooms.conftest import PASSWORD, past_meeting

ROLES = ["teacher", "assistant", "student", "other_student", "anonymous"]
MANAGERS = {"teacher"}
STAFF = {"teacher", "assistant"}
MEMBERS = {"teacher", "assistant", "student"}
SIGNED_IN = {"teacher", "assistant", "student", "other_student"}
NOBODY = set()  # schools are founded by staff, none of these roles (tests/classrooms/test_security_schools.py)
# Refused with 403 to everyone signed in, whatever their place in the class.
REFUSED_TO_ALL = ("create class", "new school page", "create school")


@pytest.fixture
def world(classroom, people, school):
    future = timezone.now() + timedelta(days=3)
    upcoming = services.meeting_add(
        classroom=classroom, by=people["teacher"], start=future, end=future + timedelta(hours=1)
    ).occurrences.get()
    held = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=1))
    guest = services.enrollment_add(classroom=classroom, by=people["teacher"], name="Guest", email="g@example.org")
    holiday = Holiday.objects.create(school=school, date=classroom.term_end, name="Libur")
    return {
        "c": classroom,
        "s": school,
        "upcoming": upcoming,
        "held": held,
        "guest": guest,
        "holiday": holiday,
    }


def csv_file():
    return SimpleUploadedFile("r.csv", b"name,email\nNew,new@example.org\n", content_type="text/csv")


def in_days(days: int, hour: int) -> str:
    moment = (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


# (label, method, url, data, who succeeds, membership needed for a 403 rather than a 404)
def page_cases(w):
    c, upcoming, held = w["c"].pk, w["upcoming"].pk, w["held"].pk
    return [
        ("dashboard", "get", "/classrooms/", None, SIGNED_IN),
        ("student page", "get", "/classrooms/mine/", None, SIGNED_IN),
        ("enrol page", "get", "/classrooms/enrol/", None, SIGNED_IN),
        ("new school page", "get", "/classrooms/schools/new/", None, NOBODY),
        ("new class page", "get", "/classrooms/new/", None, SIGNED_IN),
        ("school page", "get", f"/classrooms/schools/{w['s'].pk}/", None, MANAGERS),
        (
            "school save",
            "post",
            f"/classrooms/schools/{w['s'].pk}/",
            {"name": "Renamed", "timezone": "Asia/Jakarta"},
            MANAGERS,
        ),
        (
            "holiday add",
            "post",
            f"/classrooms/schools/{w['s'].pk}/holidays/",
            {"date": "2030-01-01"},
            MANAGERS,
        ),
        (
            "holiday remove",
            "post",
            f"/classrooms/schools/{w['s'].pk}/holidays/{w['holiday'].pk}/remove/",
            {},
            MANAGERS,
        ),
        ("class page", "get", f"/classrooms/{c}/", None, STAFF),
        ("edit page", "get", f"/classrooms/{c}/edit/", None, MANAGERS),
        (
            "edit save",
            "post",
            f"/classrooms/{c}/edit/",
            {
                "name": "Renamed",
                "term_start": w["c"].term_start,
                "term_end": w["c"].term_end,
                "size_limit": 30,
                "late_after_minutes": 5,
                "left_early_minutes": 5,
                "teachers": "teacher",
            },
            MANAGERS,
        ),
        (
            "roster add",
            "post",
            f"/classrooms/{c}/roster/add/",
            {"name": "N", "email": "n@example.org", "role": "student"},
            MANAGERS,
        ),
        ("roster remove", "post", f"/classrooms/{c}/roster/{w['guest'].pk}/remove/", {}, MANAGERS),
        ("import page", "get", f"/classrooms/{c}/roster/import/", None, MANAGERS),
        ("import upload", "post", f"/classrooms/{c}/roster/import/", "csv", MANAGERS),
        ("import confirm", "post", f"/classrooms/{c}/roster/import/confirm/", {}, MANAGERS),
        ("code reset", "post", f"/classrooms/{c}/code/reset/", {}, MANAGERS),
        (
            "schedule",
            "post",
            f"/classrooms/{c}/schedule/",
            {"weekdays": ["1"], "start_time": "07:30", "end_time": "09:00", "allow_conflicts": "on"},
            MANAGERS,
        ),
        (
            "extra meeting",
            "post",
            f"/classrooms/{c}/meetings/new/",
            {"start": in_days(4, 10), "end": in_days(4, 11), "allow_conflicts": "on"},
            MANAGERS,
        ),
        ("move page", "get", f"/classrooms/{c}/meetings/{upcoming}/move/", None, MANAGERS),
        (
            "move",
            "post",
            f"/classrooms/{c}/meetings/{upcoming}/move/",
            {"start": in_days(5, 10), "end": in_days(5, 11), "allow_conflicts": "on"},
            MANAGERS,
        ),
        ("cancel", "post", f"/classrooms/{c}/meetings/{upcoming}/cancel/", {}, MANAGERS),
        ("meeting attendance", "get", f"/classrooms/{c}/meetings/{held}/", None, STAFF),
        ("meeting csv", "get", f"/classrooms/{c}/meetings/{held}/attendance.csv", None, STAFF),
        ("term attendance", "get", f"/classrooms/{c}/attendance/", None, STAFF),
        ("term csv", "get", f"/classrooms/{c}/attendance.csv", None, STAFF),
    ]


def api_cases(w):
    c, s, upcoming, held = w["c"].pk, w["s"].pk, w["upcoming"].pk, w["held"].pk
    return [
        ("list schools", "get", "/api/schools/", None, SIGNED_IN),
        ("create school", "post", "/api/schools/", {"name": "Mine", "timezone": "Asia/Jayapura"}, NOBODY),
        ("get school", "get", f"/api/schools/{s}/", None, MANAGERS),
        ("patch school", "patch", f"/api/schools/{s}/", {"name": "R"}, MANAGERS),
        ("add holiday", "post", f"/api/schools/{s}/holidays/", {"date": "2030-02-02", "name": "x"}, MANAGERS),
        ("delete holiday", "delete", f"/api/schools/{s}/holidays/{w['holiday'].pk}/", None, MANAGERS),
        ("list classes", "get", "/api/classrooms/", None, SIGNED_IN),
        (
            "create class",
            "post",
            "/api/classrooms/",
            {"school": str(s), "name": "New", "term_start": "2030-01-01", "term_end": "2030-06-01"},
            MANAGERS,
        ),
        ("my classes", "get", "/api/classrooms/mine/", None, SIGNED_IN),
        ("dashboard", "get", "/api/classrooms/dashboard/", None, SIGNED_IN),
        ("get class", "get", f"/api/classrooms/{c}/", None, STAFF),
        ("patch class", "patch", f"/api/classrooms/{c}/", {"subject": "Kimia"}, MANAGERS),
        ("reset code", "post", f"/api/classrooms/{c}/enrolment-code/", {}, MANAGERS),
        ("list roster", "get", f"/api/classrooms/{c}/enrollments/", None, STAFF),
        (
            "add to roster",
            "post",
            f"/api/classrooms/{c}/enrollments/",
            {"name": "N", "email": "n@example.org"},
            MANAGERS,
        ),
        ("remove from roster", "delete", f"/api/classrooms/{c}/enrollments/{w['guest'].pk}/", None, MANAGERS),
        ("roster import", "post", f"/api/classrooms/{c}/roster-import/", "csv", MANAGERS),
        (
            "schedule",
            "post",
            f"/api/classrooms/{c}/schedule/",
            {"weekdays": [3], "start_time": "07:30", "end_time": "09:00", "allow_conflicts": True},
            MANAGERS,
        ),
        ("list meetings", "get", f"/api/classrooms/{c}/meetings/", None, STAFF),
        (
            "extra meeting",
            "post",
            f"/api/classrooms/{c}/meetings/",
            {
                "start": (timezone.now() + timedelta(days=6)).isoformat(),
                "end": (timezone.now() + timedelta(days=6, hours=1)).isoformat(),
                "allow_conflicts": True,
            },
            MANAGERS,
        ),
        (
            "move",
            "post",
            f"/api/classrooms/{c}/meetings/{upcoming}/move/",
            {
                "start": (timezone.now() + timedelta(days=7)).isoformat(),
                "end": (timezone.now() + timedelta(days=7, hours=1)).isoformat(),
                "allow_conflicts": True,
            },
            MANAGERS,
        ),
        ("cancel", "post", f"/api/classrooms/{c}/meetings/{upcoming}/cancel/", {}, MANAGERS),
        ("meeting attendance", "get", f"/api/classrooms/{c}/meetings/{held}/attendance/", None, STAFF),
        ("term attendance", "get", f"/api/classrooms/{c}/attendance/", None, STAFF),
    ]


def login(client, role):
    if role != "anonymous":
        username = {"other_student": "other"}.get(role, role)
        assert client.login(username=username, password=PASSWORD)


def call(client, method, url, data, *, api: bool):
    if data == "csv":
        return client.post(url, {"file": csv_file()})
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.delete(url)
    if api:
        return getattr(client, method)(url, data, content_type="application/json")
    return client.post(url, data)


def snapshot(world):
    classroom = Classroom.objects.get(pk=world["c"].pk)
    return (
        classroom.name,
        classroom.subject,
        classroom.enrolment_code,
        classroom.late_after_minutes,
        sorted(Enrollment.objects.filter(classroom=classroom).values_list("email", flat=True)),
        sorted(Occurrence.objects.filter(event__class_event__classroom=classroom).values_list("start", "status")),
        sorted(Holiday.objects.values_list("date", flat=True)),
        world["s"].__class__.objects.get(pk=world["s"].pk).name,
        world["s"].__class__.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["page", "api"])
def test_role_matrix(client, world, people, role, kind):
    login(client, role)
    cases = page_cases(world) if kind == "page" else api_cases(world)
    failures = []
    for label, method, url, data, allowed in cases:
        before = snapshot(world)
        response = call(client, method, url, data, api=kind == "api")
        if role == "anonymous":
            expected = {302} if kind == "page" else {401, 403}
            if kind == "page" and response.status_code == 302 and "/accounts/login/" not in response["Location"]:
                failures.append(f"{label}: redirected to {response['Location']}, not to the login page")
        elif role in allowed:
            expected = {200, 201, 204, 302}
        elif role in MEMBERS or label in REFUSED_TO_ALL:
            expected = {403, 404}
        else:
            expected = {404}
        if role in allowed and kind == "page" and response.status_code == 302 and method == "post":
            # A page's POST redirects on success and on a refused input alike: check the message.
            follow = client.get(response["Location"])
            texts = [str(message) for message in follow.context["messages"]] if follow.context else []
            if any("error" in message.tags for message in follow.context["messages"]) if follow.context else False:
                failures.append(f"{label}: {texts}")
        if response.status_code not in expected:
            failures.append(f"{label}: {response.status_code} not in {sorted(expected)}")
        if role not in allowed and method != "get" and snapshot(world) != before:
            failures.append(f"{label}: a refused call changed something")
    assert not failures, "\n".join(failures)


def test_lists_show_only_ones_own(client, world, other_classroom):
    client.login(username="other", password=PASSWORD)
    assert client.get("/api/classrooms/").json() == []
    assert client.get("/api/classrooms/dashboard/").json() == []
    assert client.get("/api/schools/").json() == []
    mine = client.get("/api/classrooms/mine/").json()
    assert [entry["name"] for entry in mine] == ["X-2"]
    client.logout()
    client.login(username="assistant", password=PASSWORD)
    listed = client.get("/api/classrooms/").json()
    assert [entry["name"] for entry in listed] == ["XI IPA 1"]
    assert listed[0]["enrolment_code"] is None
    client.logout()
    client.login(username="teacher", password=PASSWORD)
    assert client.get("/api/classrooms/").json()[0]["enrolment_code"] == world["c"].enrolment_code


def test_a_student_sees_only_their_own_attendance(client, world, people):
    client.login(username="student", password=PASSWORD)
    page = client.get("/classrooms/mine/").content.decode()
    assert "XI IPA 1" in page and "Guest" not in page and "g@example.org" not in page
    assert "/calendar/" in page
    data = client.get("/api/classrooms/mine/").json()
    assert data[0]["attendance"]["email"] == "student@example.org"
    assert data[0]["join_url"].startswith("/join/")


def test_schedule_page_reads_times_in_the_schools_zone(client, world):
    client.login(username="teacher", password=PASSWORD)
    client.post(
        f"/classrooms/{world['c'].pk}/schedule/",
        {"weekdays": ["0", "2"], "start_time": "07:30", "end_time": "09:00", "allow_conflicts": "on"},
    )
    event = world["c"].class_events.get(is_term_schedule=True).event
    first = event.occurrences.order_by("start").first()
    local = timezone.localtime(first.start, timezone=__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert local.time() == time(7, 30)
