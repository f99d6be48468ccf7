"""No schedule oracle through the hearings' own conflict check (issue 13).

A clerk of another court who schedules a hearing with this court's judge, a courtroom of the same
name, or counsel who sits in this court's closed hearing, learns only that the time is busy: never
the closed hearing's case number, agenda, ids or exact time. A clash the caller takes part in is
still named (``test_services.test_conflicts_for_judges_clerk_and_counsel``).
"""

import json
import zoneinfo
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hearings import services
from hearings.models import CaseType, Hearing, Role, Status
from tests.hearings.conftest import make_user

pytestmark = pytest.mark.django_db

SECRET_NUMBER = "9/Pid.Sus-Anak/2026"
SECRET_AGENDA = "Pemeriksaan saksi korban anak"
SECRET_ROOM = "Ruang Sidang Anak"
COUNSEL = services.Person("Advokat Bisikwati", "bisik@example.org")


@pytest.fixture
def closed(court, clerk, judge):
    """Court A's closed hearing, in five days on the hour, with counsel for the child."""
    case = services.case_create(court=court, number=SECRET_NUMBER, case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Anak", by=clerk)
    start = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    hearing = services.hearing_schedule(
        case=case, start=start, duration=timedelta(hours=2), courtroom=SECRET_ROOM, agenda=SECRET_AGENDA, by=clerk,
        presiding_judge=services.person_for(judge), is_public=False,
    )
    child = services.participant_add(hearing=hearing, role=Role.DEFENDANT, by=clerk, person=services.Person("Anak"))
    services.participant_add(hearing=hearing, role=Role.COUNSEL, by=clerk, represents=child, person=COUNSEL)
    return hearing


@pytest.fixture
def court_b(db):
    """Another court, its clerk, and a case of its own."""
    court = services.court_create(name="Pengadilan Negeri Lain", slug="pn-lain", timezone_name="Asia/Makassar")
    clerk = make_user("panitera-b")
    services.court_member_add(court=court, user=clerk, role="clerk")
    judge = make_user("hakim-b", first_name="Hakim", last_name="B")
    services.court_member_add(court=court, user=judge, role="judge")
    case = services.case_create(court=court, number="3/Pdt.G/2026", case_type=CaseType.CIVIL,
                                parties="Budi v. Ani", by=clerk)
    return {"court": court, "clerk": clerk, "case": case, "judge": judge}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def secrets_of(hearing: Hearing) -> list[str]:
    """What identifies court A's closed hearing or tells exactly when it sits, in any zone shown."""
    occurrence = hearing.occurrence
    times = []
    for zone in ("Asia/Jakarta", "Asia/Makassar", "UTC"):
        for instant in (occurrence.start, occurrence.end):
            local = instant.astimezone(zoneinfo.ZoneInfo(zone))
            times += [f"T{local:%H:%M}", f" {local:%H:%M}"]
    return [SECRET_NUMBER, SECRET_AGENDA, hearing.event.title, str(hearing.pk), str(hearing.event.pk),
            str(occurrence.pk), *times]


def leaked(hearing: Hearing, text: str) -> list[str]:
    return [secret for secret in secrets_of(hearing) if secret in text]


def new_hearing(client, court_b, start, **extra):
    body = {
        "case": str(court_b["case"].pk), "start": start.isoformat(), "duration_minutes": 60,
        "courtroom": "Ruang Cakra", "agenda": "Mediasi",
        "presiding_judge": {"name": "Hakim B", "email": "b@example.org"},
        **extra,
    }
    return client.post("/api/hearings/", body, content_type="application/json")


def test_the_judges_address_tells_another_courts_clerk_only_busy(closed, judge, court_b):
    start = closed.occurrence.start + timedelta(minutes=30)
    response = new_hearing(signed_in(court_b["clerk"]), court_b, start,
                           presiding_judge={"name": "Hakim yang sama", "email": judge.email})

    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert not leaked(closed, text), text
    assert "busy" in text and "WITA" in text  # the clerk's own requested time, in their court's zone
    assert not Hearing.objects.filter(case=court_b["case"]).exists()


def test_a_courtroom_name_on_the_case_page_tells_another_courts_clerk_only_busy(closed, court_b):
    start = (closed.occurrence.start + timedelta(minutes=30)).astimezone(zoneinfo.ZoneInfo("Asia/Makassar"))
    response = signed_in(court_b["clerk"]).post(f"/hearings/cases/{court_b['case'].pk}/", {
        "start": start.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "courtroom": SECRET_ROOM,
        "agenda": "Mediasi", "is_public": "on", "observer_capacity": 10, "judge": court_b["judge"].pk,
    })

    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert not leaked(closed, page.replace(SECRET_ROOM, "")), page  # their own input is echoed, nothing else
    assert "busy" in page
    assert not Hearing.objects.filter(case=court_b["case"]).exists()


def test_counsel_busy_in_another_courts_closed_hearing_is_only_busy(closed, court_b):
    client = signed_in(court_b["clerk"])
    mine = services.hearing_schedule(
        case=court_b["case"], start=closed.occurrence.start + timedelta(minutes=45), duration=timedelta(hours=1),
        courtroom="Ruang Cakra", agenda="Mediasi", by=court_b["clerk"],
        presiding_judge=services.Person("Hakim B", "b@example.org"),
    )
    plaintiff = services.participant_add(hearing=mine, role=Role.PLAINTIFF, by=court_b["clerk"],
                                         person=services.Person("Budi"))

    response = client.post(f"/api/hearings/{mine.pk}/participants/", {
        "role": Role.COUNSEL, "name": COUNSEL.name, "email": COUNSEL.email, "represents": plaintiff.pk,
    }, content_type="application/json")

    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert not leaked(closed, text) and "busy" in text, text
    assert not mine.participants.filter(role=Role.COUNSEL).exists()


def test_postponing_onto_another_courts_closed_hearing_says_only_busy(closed, court_b, everyone_present):
    clerk = court_b["clerk"]
    mine = services.hearing_schedule(
        case=court_b["case"], start=timezone.now() + timedelta(days=2), duration=timedelta(hours=1),
        courtroom="Ruang Cakra", agenda="Mediasi", by=clerk,
        presiding_judge=services.Person("Hakim B", "b@example.org"),
    )
    plaintiff = services.participant_add(hearing=mine, role=Role.PLAINTIFF, by=clerk, person=services.Person("Budi"))
    services.participant_add(hearing=mine, role=Role.COUNSEL, by=clerk, represents=plaintiff, person=COUNSEL)

    response = signed_in(clerk).post(f"/api/hearings/{mine.pk}/status/", {
        "status": Status.POSTPONED, "reason": "Hakim sakit",
        "next_at": (closed.occurrence.start + timedelta(minutes=15)).isoformat(),
    }, content_type="application/json")

    assert response.status_code == 400
    text = json.dumps(response.json(), ensure_ascii=False)
    assert not leaked(closed, text) and "busy" in text, text
    mine.refresh_from_db()
    assert mine.status == Status.SCHEDULED
