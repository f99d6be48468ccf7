"""Who gets a sitting's recording (issue 20): the download checks it on the server, 404 for everyone
but a court's staff (a hearing) or a class's teachers and school administrators (a class); the
record pages link it for them only; no public page, feed or API names it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from classrooms import services as classes
from hearings.models import Court
from media.models import Recording
from tests.media.recording_world import make_hearing

pytestmark = pytest.mark.django_db

SOUND = b"ID3" + b"\0" * 64


def ready_recording(occurrence, folder) -> Recording:
    folder = folder / str(occurrence.pk)
    folder.mkdir(parents=True)
    (folder / "recording.mp3").write_bytes(SOUND)
    return Recording.objects.create(
        occurrence=occurrence, status=Recording.Status.READY, folder=str(folder),
        file=str(folder / "recording.mp3"), duration_seconds=5.2, size_bytes=len(SOUND),
        started_at=timezone.now(), stopped_at=timezone.now(), converted_at=timezone.now(),
        segments=[{"start": timezone.now().isoformat(), "stop": timezone.now().isoformat(), "by": "Panitera"}])


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def observer_client(hearing) -> Client:
    client = Client()
    from django.urls import reverse

    response = client.post(reverse("hearings:observe", args=[hearing.observer_token]), {"name": "Warga"})
    assert response.status_code == 302 and "/rooms/" in response["Location"], response
    return client


@pytest.fixture
def hearing_world(settings, tmp_path):
    settings.HADIR_RECORDINGS_DIR = tmp_path
    world = make_hearing()
    ready_recording(world.occurrence, tmp_path)
    return world


def test_a_hearings_recording_goes_to_the_courts_staff_only(hearing_world):
    world = hearing_world
    url = f"/recordings/{world.occurrence.pk}/"
    party_by_link = Client()
    assert party_by_link.get(world.party.join_path).status_code == 302
    expected = {
        "clerk": (client_for(world.users["clerk"]), 200),
        "judge account": (client_for(world.users["judge"]), 200),
        "clerk of another court": (client_for(world.users["other_clerk"]), 404),
        "party (signed in)": (client_for(world.users["party"]), 404),
        "party (join link)": (party_by_link, 404),
        "observer": (observer_client(world.hearing), 404),
        "another account": (client_for(world.users["outsider"]), 404),
        "anonymous": (Client(), 404),
    }
    for role, (client, status) in expected.items():
        response = client.get(url)
        assert response.status_code == status, f"{role}: {response.status_code}"
        if status == 200:
            assert response["Content-Type"] == "audio/mpeg" and b"".join(response.streaming_content) == SOUND
            assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    assert client_for(world.users["clerk"]).post(url).status_code == 405
    staff = get_user_model().objects.create_user("djangostaff", password="x", is_staff=True, is_superuser=True)
    assert client_for(staff).get(url).status_code == 404  # the site's staff are not the court's


def test_the_record_page_links_it_for_staff_and_no_public_page_or_api_names_it(hearing_world):
    world = hearing_world
    link = f"/recordings/{world.occurrence.pk}/"
    record = client_for(world.users["clerk"]).get(f"/hearings/{world.hearing.pk}/record/")
    assert record.status_code == 200 and link in record.content.decode()
    assert "recording-download" in record.content.decode()
    judge_record = client_for(world.users["judge"]).get(f"/hearings/{world.hearing.pk}/record/")
    assert link in judge_record.content.decode()
    court = world.court.slug
    public = [
        (Client(), f"/docket/{court}/"), (Client(), f"/docket/{court}.ics"),
        (Client(), f"/docket/{court}/case.json?number={world.hearing.case.number}"),
        (Client(), f"/docket/{court}/case/?number={world.hearing.case.number}"),
        (Client(), f"/api/hearings/docket/{court}/"),
        (client_for(world.users["party"]), f"/hearings/{world.hearing.pk}/"),
        (client_for(world.users["party"]), f"/api/hearings/{world.hearing.pk}/"),
        (client_for(world.users["clerk"]), f"/api/hearings/{world.hearing.pk}/"),
    ]
    for client, url in public:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert "/recordings/" not in body and "recording.mp3" not in body, url
    assert client_for(world.users["party"]).get(f"/hearings/{world.hearing.pk}/record/").status_code == 403


def test_a_class_recording_goes_to_its_teachers_and_school_administrators(settings, tmp_path):
    settings.HADIR_RECORDINGS_DIR = tmp_path
    make = get_user_model().objects.create_user
    users = {name: make(name, f"{name}@example.org", "x") for name in ("admin", "teacher", "student", "other")}
    school = classes.school_create(name="SMA Rekam", timezone="Asia/Jakarta", by=None, admins=[users["admin"]])
    other_school = classes.school_create(name="SMA Lain", timezone="Asia/Jakarta", by=None, admins=[users["other"]])
    assert other_school.pk
    today = timezone.localdate()
    classroom = classes.classroom_create(school=school, by=users["admin"], name="XI IPA", term_start=today,
                                         term_end=today + timedelta(days=30), teachers=[users["teacher"]])
    classes.enrollment_add(classroom=classroom, by=users["teacher"], user=users["student"])
    start = timezone.now() + timedelta(days=1)
    meeting = classes.meeting_add(classroom=classroom, by=users["teacher"], start=start,
                                  end=start + timedelta(hours=1), allow_conflicts=True).occurrences.get()
    ready_recording(meeting, tmp_path)
    url = f"/recordings/{meeting.pk}/"
    for name, status in {"admin": 200, "teacher": 200, "student": 404, "other": 404}.items():
        assert client_for(users[name]).get(url).status_code == status, name
    assert Client().get(url).status_code == 404
    page = client_for(users["teacher"]).get(f"/classrooms/{classroom.pk}/meetings/{meeting.pk}/")
    assert page.status_code == 200 and url in page.content.decode()


def test_the_court_setting_is_off_by_default_and_the_school_page_changes_it(settings):
    assert Court._meta.get_field("allow_recording").default is False
    admin = get_user_model().objects.create_user("schooladmin", "a@example.org", "x")
    school = classes.school_create(name="SMA Setel", timezone="Asia/Jakarta", by=None, admins=[admin])
    assert school.allow_recording is False
    client = client_for(admin)
    response = client.post(f"/classrooms/schools/{school.pk}/", {"name": "SMA Setel", "timezone": "Asia/Jakarta",
                                                                 "allow_recording": "on"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 302, response.content[:500]
    school.refresh_from_db()
    assert school.allow_recording is True
    page = client.get(f"/classrooms/schools/{school.pk}/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "merekam" in page  # the label, in Indonesian
