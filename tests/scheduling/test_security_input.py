"""Hostile input to scheduling gets a 4xx or a form error and changes nothing: control characters
in free text (header injection), odd time zones, dates at the calendar's edges, rules that crash
or stall the recurrence engine."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import Message
from scheduling import services
from scheduling.errors import SchedulingError
from scheduling.models import Attendee, Event, Profile
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db

INJECTION = "Name\r\nBcc: victim@example.net"


@pytest.fixture
def organiser():
    return f.user("guru", is_staff=True)


@pytest.fixture
def api(organiser) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_login(organiser)
    return client


def new_event(api, **extra):
    start = f.local("Asia/Jakarta", f.next_weekday(2), 9)
    payload = {"title": "Rapat", "start": start.isoformat(), "duration_minutes": 60, "timezone": "Asia/Jakarta"}
    return api.post("/api/events/", {**payload, **extra}, format="json")


# ---------------------------------------------------------------- control characters

@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"attendees": [{"name": INJECTION, "email": "ani@example.org"}]}, "name"),
        ({"title": INJECTION}, "title"),
        ({"title": "Rapat\u2028Bcc: x@y"}, "title"),
        ({"resource": "Ruang 1\r\n"  "X: y"}, "resource"),
        ({"description": "Agenda\x1b[31m merah"}, "description"),
        ({"attendees": [{"email": "ani@example.org", "role": "pes\nerta"}]}, "role"),
    ],
)
def test_control_characters_are_refused_and_nothing_is_stored(api, extra, field):
    response = new_event(api, **extra)

    assert response.status_code == 400, response.content
    assert field in str(response.json())
    assert not Event.objects.exists() and not Attendee.objects.exists() and not Message.objects.exists()


def test_a_description_keeps_its_line_breaks(api):
    response = new_event(api, description="Agenda:\r\n1. Pembukaan\n\t2. Diskusi")

    assert response.status_code == 201 and "\t2. Diskusi" in Event.objects.get().description


def test_later_changes_and_invitations_are_checked_too(api, organiser):
    event = f.event(organizer=organiser)

    assert api.patch(f"/api/events/{event.pk}/", {"title": INJECTION}, format="json").status_code == 400
    assert api.patch(f"/api/events/{event.pk}/", {"description": "a\x00b"}, format="json").status_code == 400
    response = api.post(f"/api/events/{event.pk}/attendees/", {"name": INJECTION, "email": "a@example.org"},
                        format="json")
    assert response.status_code == 400 and "name" in response.json()
    with pytest.raises(SchedulingError):
        services.attendee_add(event=event, name="Ani", email="ani@example.org", role="x\r\ny")
    event.refresh_from_db()
    assert event.title == "Weekly class" and event.sequence == 0 and not event.attendees.exists()


# ---------------------------------------------------------------- time zones

@pytest.mark.parametrize("zone", ["Asia", "Asia/" + "x" * 300, "A" * 256])
def test_a_time_zone_that_is_a_directory_or_too_long_is_a_field_error(api, organiser, zone):
    assert new_event(api, timezone=zone).status_code == 400
    assert new_event(api, attendees=[{"email": "ani@example.org", "timezone": zone}]).status_code == 400
    with pytest.raises(SchedulingError):
        f.event(organizer=organiser, tz=zone)
    with pytest.raises(SchedulingError):
        f.event(organizer=organiser, attendees=[AttendeeSpec(email="ani@example.org", timezone=zone)])
    assert not Event.objects.exists()


@pytest.mark.parametrize("zone", ["Asia", "A" * 300])
def test_the_timezone_page_falls_back_to_the_default(zone):
    user = f.user("murid")
    services.profile_for(user=user)
    client = Client(raise_request_exception=False)
    client.force_login(user)

    response = client.post("/timezone/", {"timezone": zone, "next": "/schedule/"})

    assert response.status_code == 302
    assert Profile.objects.get(user=user).timezone == "Asia/Jakarta"
    assert client.get("/schedule/").status_code == 200


# ---------------------------------------------------------------- the calendar's edges

@pytest.mark.parametrize(
    "query",
    ["start=9999-12-31", "start=0001-01-01", "start=9999-12-31T23:59:59", "start=0001-01-01T00:00:00%2B14:00"],
)
def test_my_occurrences_at_the_calendars_edges_is_a_field_error(api, query):
    response = api.get(f"/api/me/occurrences/?{query}")

    assert response.status_code == 400, response.content


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "0001-01-03"])
def test_my_schedule_at_the_calendars_edges_shows_a_week(organiser, week):
    client = Client(raise_request_exception=False)
    client.force_login(organiser)

    assert client.get(f"/schedule/?week={week}").status_code == 200


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00", "9999-12-31T23:00:00"])
def test_an_event_at_the_calendars_edges_is_a_field_error(api, start):
    response = new_event(api, start=start)

    assert response.status_code == 400 and "start" in response.json()


# ---------------------------------------------------------------- recurrence rules

@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0;COUNT=3",
        "FREQ=MONTHLY;BYDAY=53MO;COUNT=3",
        "FREQ=DAILY;BYMONTHDAY=0;COUNT=3",
        "FREQ=DAILY;COUNT=3;BYDAY=+1WE",
        "FREQ=DAILY;BYMONTH=13;COUNT=2",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2",
        "FREQ=DAILY;BYSETPOS=-366;COUNT=2",
    ],
)
def test_rules_that_crash_or_stall_the_engine_are_refused_quickly(api, rule):
    began = time.perf_counter()
    response = new_event(api, rrule=rule)

    assert response.status_code == 400 and "rrule" in response.json(), response.content
    assert time.perf_counter() - began < 2
    assert not Event.objects.exists()


def test_an_event_starts_at_most_two_years_ahead(api, organiser):
    far = f.local("UTC", f.next_weekday(0, after_days=800), 9)

    assert new_event(api, start=far.isoformat()).status_code == 400
    event = f.event(organizer=organiser)
    response = api.post(f"/api/occurrences/{event.occurrences.get().pk}/move/", {"start": far.isoformat()},
                        format="json")
    assert response.status_code == 400 and "start" in response.json()
    assert api.patch(f"/api/events/{event.pk}/", {"start": far.isoformat()}, format="json").status_code == 400
    assert event.occurrences.get().start < far - timedelta(days=30)
