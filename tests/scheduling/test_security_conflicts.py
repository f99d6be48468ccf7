"""No schedule oracle: a clash with a sitting the caller may not see says only "busy", at the
caller's own requested time, never the other sitting's title, case, ids or time."""

import json
import zoneinfo
from datetime import datetime, timedelta

import pytest
from rest_framework.test import APIClient

from classrooms import services as classrooms
from scheduling import services
from scheduling.errors import Conflict
from scheduling.models import Event
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f
from tests.scheduling.conftest import AGENDA, CASE_NUMBER, COURTROOM

pytestmark = pytest.mark.django_db


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def secrets_of(hearing) -> list[str]:
    """Everything that identifies the closed hearing or tells when exactly it sits."""
    occurrence = hearing.occurrence
    local = occurrence.start.astimezone(zoneinfo.ZoneInfo("Asia/Jakarta"))
    return [
        CASE_NUMBER, AGENDA, hearing.event.title, str(hearing.pk), str(hearing.event.pk), str(occurrence.pk),
        f"T{local:%H:%M}", f" {local:%H:%M}", f"T{occurrence.start:%H:%M}", f" {occurrence.start:%H:%M}",
    ]


def a_year_of_daily_sittings(client, hearing, **extra):
    """A daily series of 365 two-hour sittings, each starting half an hour before the hearing's time."""
    first = hearing.occurrence.start - timedelta(days=3, minutes=30)
    return client.post(
        "/api/events/",
        {"title": "Belajar bersama", "start": first.isoformat(), "duration_minutes": 120,
         "timezone": "Asia/Jakarta", "rrule": "FREQ=DAILY;COUNT=365", **extra},
        format="json",
    ), first


def test_a_courtroom_as_resource_tells_a_student_only_that_it_is_busy_in_their_own_window(court):
    response, first = a_year_of_daily_sittings(signed_in(f.user("murid")), court.closed, resource=COURTROOM)

    assert response.status_code == 409
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    assert not [secret for secret in secrets_of(court.closed) if secret in text], text
    own = first + timedelta(days=3)
    assert body["clashes"] == []
    assert [(datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])) for w in body["busy"]] == [
        (own, own + timedelta(hours=2))
    ]
    assert "busy" in body["start"][0] and not Event.objects.filter(title="Belajar bersama").exists()


def test_a_judges_address_tells_an_organiser_only_busy_for_sittings_they_are_not_part_of(court):
    organiser = f.user("koordinator", is_staff=True)
    response, _first = a_year_of_daily_sittings(
        signed_in(organiser), court.closed, attendees=[{"email": court.judge.email}]
    )

    assert response.status_code == 409
    text = json.dumps(response.json(), ensure_ascii=False)
    assert not [secret for secret in secrets_of(court.closed) if secret in text], text
    assert len(response.json()["busy"]) == 1


def test_a_class_meeting_with_the_judge_on_the_roster_does_not_name_the_hearing(court):
    teacher = f.user("guru")
    school = classrooms.school_create(name="SMA 3", timezone="Asia/Jakarta", by=None, admins=[teacher])
    today = court.closed.occurrence.start.date()
    classroom = classrooms.classroom_create(
        school=school, by=teacher, name="XII IPS", term_start=today - timedelta(days=10),
        term_end=today + timedelta(days=30),
    )
    classrooms.enrollment_add(classroom=classroom, by=teacher, user=court.judge)
    occurrence = court.closed.occurrence

    with pytest.raises(Conflict) as refused:
        classrooms.meeting_add(classroom=classroom, by=teacher, start=occurrence.start - timedelta(minutes=30),
                               end=occurrence.end)

    text = " ".join(refused.value.messages)
    assert not [secret for secret in secrets_of(court.closed) if secret in text], text
    assert refused.value.clashes == [] and len(refused.value.busy) == 1


def test_clashes_the_caller_takes_part_in_are_still_named(court):
    """The judge sees their own hearing by name; the organiser of a plain event sees theirs."""
    occurrence = court.closed.occurrence
    with pytest.raises(Conflict) as refused:
        services.event_create(
            organizer=court.judge, title="Rapat hakim", start=occurrence.start, duration=timedelta(hours=1),
            timezone="Asia/Jakarta", attendees=[AttendeeSpec(user=court.judge)],
        )
    assert refused.value.clashes == [occurrence] and CASE_NUMBER in refused.value.messages[0]
    assert refused.value.busy == []


def test_moving_a_sitting_onto_a_hidden_one_says_busy_only(court):
    organiser = f.user("koordinator", is_staff=True)
    occurrence = court.closed.occurrence
    mine = f.event(organizer=organiser, title="Rapat", start=occurrence.start + timedelta(days=1),
                   attendees=[AttendeeSpec(email=court.judge.email)]).occurrences.get()

    response = signed_in(organiser).post(
        f"/api/occurrences/{mine.pk}/move/", {"start": occurrence.start.isoformat()}, format="json"
    )

    assert response.status_code == 409
    text = json.dumps(response.json(), ensure_ascii=False)
    assert CASE_NUMBER not in text and str(occurrence.pk) not in text and len(response.json()["busy"]) == 1
