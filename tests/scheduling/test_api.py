"""The scheduling API: a role matrix, field errors, conflicts, token and session auth, the schema."""

from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scheduling.models import Attendee, Event, Occurrence
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {"organizer": f.organiser("guru"), "attendee": f.user("murid"), "stranger": f.user("orang")}


@pytest.fixture
def event(people):
    return f.event(
        organizer=people["organizer"],
        title="Kimia",
        rrule="FREQ=WEEKLY;COUNT=3",
        attendees=[AttendeeSpec(user=people["attendee"]), AttendeeSpec(email="tamu@example.org")],
    )


def client_for(user=None, *, token=False) -> APIClient:
    client = APIClient()
    if user is not None and token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    elif user is not None:
        client.force_login(user)
    return client


def future(days=30, hour=3):
    return f.local("UTC", f.next_weekday(2, after_days=days), hour).isoformat()


def test_create_list_and_read_with_token_auth(people):
    api = client_for(people["organizer"], token=True)
    response = api.post(
        "/api/events/",
        {
            "title": "Rapat",
            "start": future(),
            "duration_minutes": 45,
            "timezone": "Asia/Jayapura",
            "rrule": "FREQ=DAILY;COUNT=3",
            "attendees": [{"name": "Ani", "email": "ani@example.org"}],
            "reminder_minutes": [10],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["duration_minutes"] == 45 and body["sequence"] == 0 and body["attendees"][0]["email"] == "ani@example.org"
    )
    assert Occurrence.objects.filter(event_id=body["id"]).count() == 3
    listed = api.get("/api/events/").json()
    assert [item["title"] for item in listed["results"]] == ["Rapat"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"rrule": "FREQ=WEEKLY"}, "rrule"),
        ({"timezone": "Nowhere/Land"}, "timezone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"start": "2001-01-01T09:00:00+07:00"}, "start"),
        ({"start": "tomorrow-ish"}, "start"),
        ({"attendees": [{"email": "bad@"}]}, "email"),
        ({"title": ""}, "title"),
    ],
)
def test_create_refuses_bad_input_with_field_errors(people, payload, field):
    data = {"title": "Rapat", "start": future(), "duration_minutes": 45, "timezone": "Asia/Jakarta", **payload}
    response = client_for(people["organizer"]).post("/api/events/", data, format="json")
    assert response.status_code == 400
    errors = response.json()
    flat = errors if field in errors else {k: v for item in errors.get("attendees", []) for k, v in item.items()}
    assert field in flat, errors
    assert not Event.objects.exists()


def test_conflict_is_409_naming_the_clash_unless_allowed(people, event):
    """Named for the organiser of the clashing sitting; for anyone else it is only "busy"
    (test_security_conflicts), and a stranger may not invite the attendee at all."""
    first = event.occurrences.order_by("start").first()
    data = {
        "title": "Bentrok",
        "start": first.start.isoformat(),
        "duration_minutes": 30,
        "attendees": [{"email": people["attendee"].email}],
    }
    assert client_for(people["stranger"]).post("/api/events/", data, format="json").status_code == 403
    api = client_for(people["organizer"])
    response = api.post("/api/events/", data, format="json")
    assert response.status_code == 409
    assert response.json()["clashes"][0]["id"] == str(first.pk) and "Kimia" in response.json()["start"][0]
    assert api.post("/api/events/", {**data, "allow_conflicts": True}, format="json").status_code == 201


# ----------------------------------------------------------------- who may change what

CHANGES = [
    ("patch", "/api/events/{event}/", {"title": "Baru"}),
    ("post", "/api/events/{event}/cancel/", {}),
    ("post", "/api/events/{event}/attendees/", {"email": "baru@example.org"}),
    ("delete", "/api/attendees/{attendee}/", None),
    ("post", "/api/occurrences/{occurrence}/move/", {"start": "{moved}"}),
    ("post", "/api/occurrences/{occurrence}/cancel/", {}),
]


@pytest.mark.parametrize(("method", "path", "data"), CHANGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("organizer", (200, 201, 204)), ("attendee", (403,)), ("stranger", (404,)), ("anonymous", (401, 403))],
)
def test_role_matrix(people, event, method, path, data, role, expected):
    occurrence = event.occurrences.order_by("start").first()
    attendee = event.attendees.get(email="tamu@example.org")
    values = {
        "event": event.pk,
        "attendee": attendee.pk,
        "occurrence": occurrence.pk,
        "moved": (occurrence.start + timedelta(hours=5)).isoformat(),
    }
    url = path.format(**values)
    if data is not None:
        data = {key: value.format(**values) if isinstance(value, str) else value for key, value in data.items()}
    api = client_for(None if role == "anonymous" else people[role])
    before = (Event.objects.get().sequence, Attendee.objects.count())
    response = getattr(api, method)(url, data, format="json")
    assert response.status_code in expected, response.content
    if role == "attendee":
        assert "organiser" in response.json()["detail"]
    if role != "organizer":
        assert (Event.objects.get().sequence, Attendee.objects.count()) == before


def test_changes_by_the_organizer(people, event):
    api = client_for(people["organizer"])
    occurrence = event.occurrences.order_by("start")[1]
    moved = api.post(
        f"/api/occurrences/{occurrence.pk}/move/",
        {"start": (occurrence.start + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["is_override"] is True
    patched = api.patch(f"/api/events/{event.pk}/", {"duration_minutes": 90}, format="json")
    assert patched.status_code == 200 and patched.json()["duration_minutes"] == 90 and patched.json()["sequence"] == 2
    bad = api.post(f"/api/occurrences/{occurrence.pk}/move/", {"start": "2000-01-01T00:00:00Z"}, format="json")
    assert bad.status_code == 400 and "start" in bad.json()
    added = api.post(f"/api/events/{event.pk}/attendees/", {"name": "Baru", "email": "baru@example.org"}, format="json")
    assert added.status_code == 201
    duplicate = api.post(f"/api/events/{event.pk}/attendees/", {"email": "BARU@example.org"}, format="json")
    assert duplicate.status_code == 400 and "email" in duplicate.json()
    assert api.delete(f"/api/attendees/{added.json()['id']}/").status_code == 204
    assert api.delete(f"/api/attendees/{added.json()['id']}/").status_code == 404
    assert api.post(f"/api/events/{event.pk}/cancel/").json()["status"] == "cancelled"
    assert api.post(f"/api/events/{event.pk}/cancel/").status_code == 400


def test_my_occurrences_in_a_range(people, event):
    other = f.event(organizer=people["stranger"], title="Bukan", start=event.start + timedelta(hours=3))
    rows = list(event.occurrences.order_by("start"))
    api = client_for(people["attendee"])
    start = rows[0].start.date().isoformat()
    end = (rows[1].start + timedelta(hours=1)).isoformat()
    body = api.get("/api/me/occurrences/", {"start": start, "end": end}).json()
    assert [item["id"] for item in body["results"]] == [str(rows[0].pk), str(rows[1].pk)]
    assert str(other.pk) not in str(body)
    assert api.get("/api/me/occurrences/", {"start": end, "end": start}).status_code == 400
    assert api.get("/api/me/occurrences/", {"start": "soon"}).status_code == 400
    assert len(client_for(people["organizer"]).get("/api/me/occurrences/").json()["results"]) == 3


def test_event_detail_visibility(people, event):
    seen_by_attendee = client_for(people["attendee"]).get(f"/api/events/{event.pk}/")
    assert seen_by_attendee.status_code == 200
    # Another attendee's e-mail is not theirs to see; the organiser sees everyone.
    assert [a["email"] for a in seen_by_attendee.json()["attendees"]] == [people["attendee"].email]
    seen_by_organizer = client_for(people["organizer"]).get(f"/api/events/{event.pk}/").json()
    assert len(seen_by_organizer["attendees"]) == 2
    assert client_for(people["stranger"]).get(f"/api/events/{event.pk}/").status_code == 404


def test_schema_lists_the_scheduling_endpoints(people):
    schema = client_for(people["stranger"]).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/events/",
        "/api/events/{id}/",
        "/api/events/{id}/cancel/",
        "/api/events/{id}/attendees/",
        "/api/attendees/{id}/",
        "/api/occurrences/{id}/move/",
        "/api/occurrences/{id}/cancel/",
        "/api/me/occurrences/",
    ):
        assert path in schema["paths"], path
