"""Hostile and careless input to hearings: refused with a clear error, nothing stored, never a 500.

Case numbers, parties, agendas, courtrooms, names and reasons reach e-mail subjects and headers
(an agenda or a reason becomes the event's title), ICS files and the public docket: control
characters are refused in all of them. Dates far beyond any court's diary are refused before the
arithmetic on them overflows.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from hearings import observers, services
from hearings.errors import HearingError
from hearings.models import Case, Court, Hearing, HearingParticipant, Role, Status
from scheduling.models import Attendee, Event
from tests.hearings.conftest import bring_to

INJECTION = "Evil\r\nBcc: evil@example.org"
CONTROLS = [INJECTION, "Joko\x00", "Joko\x1b[2J", "Joko\u2029Budi", "\ud800"]


@pytest.fixture
def api(client, clerk):
    client.force_login(clerk)
    return client


def _bad_request(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:500])
    return response.json()


def _hearing_body(case, **overrides) -> dict:
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    body = {
        "case": str(case.pk),
        "start": start.isoformat(),
        "duration_minutes": 60,
        "courtroom": "Ruang Cakra",
        "agenda": "Pemeriksaan saksi",
        "presiding_judge": {"name": "Rahmat Hakim", "email": "judge@example.org"},
    }
    return {**body, **overrides}


# Control characters --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", CONTROLS)
def test_api_refuses_control_characters_in_every_one_line_field(api, court, case, hearing, bad):
    cases, events, attendees = Case.objects.count(), Event.objects.count(), Attendee.objects.count()
    for field in ("number", "parties"):
        body = {"court": court.slug, "number": "9/Pid.B/2026", "case_type": "criminal", "parties": "A v. B"}
        assert field in _bad_request(api.post("/api/hearings/cases/", {**body, field: bad}, "application/json"))
    for field in ("courtroom", "agenda"):
        assert field in _bad_request(
            api.post("/api/hearings/", _hearing_body(case, **{field: bad}), "application/json")
        )
    judge = {"name": bad, "email": "judge@example.org"}
    assert "presiding_judge" in _bad_request(
        api.post("/api/hearings/", _hearing_body(case, presiding_judge=judge), "application/json")
    )
    url = f"/api/hearings/{hearing.pk}/participants/"
    assert "name" in _bad_request(api.post(url, {"role": "witness", "name": bad}, "application/json"))
    assert (Case.objects.count(), Event.objects.count(), Attendee.objects.count()) == (cases, events, attendees)


@pytest.mark.parametrize("bad", [INJECTION, "Sakit\x00", "Sakit\u2028Pulang"])
def test_a_reason_with_control_characters_is_refused_on_every_path(api, hearing, clerk, bad):
    """A reason becomes the next hearing's agenda and title, and an e-mail subject: one line."""
    later = (timezone.now() + timedelta(days=20)).isoformat()
    body = {"status": "postponed", "reason": bad, "next_at": later}
    _bad_request(api.post(f"/api/hearings/{hearing.pk}/status/", body, "application/json"))
    with pytest.raises(HearingError):
        services.hearing_status_set(hearing=hearing, status=Status.CANCELLED, by=clerk, reason=bad)
    hearing.refresh_from_db()
    assert hearing.status == Status.SCHEDULED and not hearing.status_log.exists()


def test_pages_refuse_control_characters_and_keep_nothing(client, clerk, court, case, hearing):
    client.force_login(clerk)
    response = client.post(
        reverse("hearings:cases"),
        {"court": court.pk, "number": "9/Pid.B/2026", "case_type": "criminal", "parties": INJECTION},
    )
    assert response.status_code == 200 and "control characters" in response.content.decode()
    response = client.post(
        reverse("hearings:participant_add", args=[hearing.pk]), {"role": "witness", "name": "Saksi\x1b[2J"}
    )
    assert response.status_code == 200 and "control characters" in response.content.decode()
    start = (timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("hearings:case", args=[case.pk]),
        {
            "start": start,
            "duration_minutes": 60,
            "courtroom": "Ruang 9",
            "agenda": "Putusan\r\nBcc: x@example.org",
            "observer_capacity": 10,
            "judge": get_user_model().objects.get(username="judge").pk,
        },
    )
    assert response.status_code == 200 and "control characters" in response.content.decode()
    assert not Case.objects.filter(number="9/Pid.B/2026").exists()
    assert not HearingParticipant.objects.filter(role=Role.WITNESS).exists()
    assert Hearing.objects.count() == 1


def test_services_refuse_control_characters_whoever_calls_them(court, clerk, case, hearing):
    with pytest.raises(HearingError):
        services.case_create(court=court, number="9/Pid\x00", case_type="criminal", parties="A v. B", by=clerk)
    with pytest.raises(HearingError):
        services.participant_add(hearing=hearing, role=Role.WITNESS, by=clerk, person=services.Person(INJECTION))
    with pytest.raises(HearingError):
        observers.observer_join(hearing=hearing, name=INJECTION, session_key="s", client_address="192.0.2.1")
    with pytest.raises(HearingError):
        services.hearing_schedule(
            case=case,
            start=timezone.now() + timedelta(days=9),
            duration=timedelta(hours=1),
            courtroom="Ruang\x00",
            agenda="Putusan",
            by=clerk,
            presiding_judge=services.Person("Rahmat", "judge@example.org"),
        )
    with pytest.raises(HearingError):
        services.court_create(name="PN\r\nBcc: x", slug="pn-x")
    assert not Court.objects.filter(slug="pn-x").exists()
    assert Hearing.objects.count() == 1 and not HearingParticipant.objects.filter(role=Role.WITNESS).exists()


def test_a_court_zone_that_is_not_one_is_refused(db):
    for zone in ("Asia", "A" * 300, "../../etc/passwd"):
        with pytest.raises(HearingError):
            services.court_create(name="PN Aneh", slug="pn-aneh", timezone_name=zone)
    assert not Court.objects.filter(slug="pn-aneh").exists()


# The calendar's edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:00:00Z", "9999-12-31T23:00:00+14:00", "0001-01-01T00:00:00Z", "3000-01-01T00:00:00Z"]
)
def test_api_hearing_dates_at_the_calendars_edges_are_a_400(api, case, start):
    events = Event.objects.count()
    _bad_request(api.post("/api/hearings/", _hearing_body(case, start=start, duration_minutes=720), "application/json"))
    assert Event.objects.count() == events


@pytest.mark.parametrize("start", ["9999-12-31T23:00", "0001-01-01T00:00", "3000-01-01T09:00"])
def test_page_hearing_dates_at_the_calendars_edges_are_a_form_error(client, clerk, judge, case, start):
    client.force_login(clerk)
    response = client.post(
        reverse("hearings:case", args=[case.pk]),
        {
            "start": start,
            "duration_minutes": 720,
            "courtroom": "Ruang 9",
            "agenda": "Putusan",
            "observer_capacity": 10,
            "judge": get_user_model().objects.get(username="judge").pk,
        },
    )
    assert response.status_code == 200
    assert not Hearing.objects.exists()


@pytest.mark.parametrize("next_at", ["9999-12-31T23:00:00Z", "9999-12-31T23:59:59-12:00", "3000-01-01T00:00:00Z"])
@pytest.mark.parametrize("status", [Status.POSTPONED, Status.ADJOURNED])
def test_next_dates_at_the_calendars_edges_are_a_400(api, hearing, clerk, everyone_present, next_at, status):
    if status == Status.ADJOURNED:
        hearing = bring_to(hearing, Status.IN_SESSION, by=clerk)
    before = hearing.status
    body = {"status": status, "reason": "Saksi sakit", "next_at": next_at}
    _bad_request(api.post(f"/api/hearings/{hearing.pk}/status/", body, "application/json"))
    hearing.refresh_from_db()
    assert hearing.status == before and Hearing.objects.count() == 1
