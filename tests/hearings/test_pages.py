"""Every page and API call as a role matrix: clerk, judge, a party, a party of another hearing,
a clerk of another court, and nobody signed in."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearings.models import Court, Role, Status
from tests.hearings.conftest import SECRET_NAMES, SECRET_PARTIES

WHO = ["clerk", "judge", "party", "closed_party", "other_clerk", "anonymous"]


@pytest.fixture
def login(client, clerk, judge, world):
    users = {"clerk": clerk, "judge": judge, "party": world["defendant"], "closed_party": world["closed_party"],
             "other_clerk": world["other_clerk"], "anonymous": None}

    def as_(who):
        client.logout()
        if users[who] is not None:
            client.force_login(users[who])
        return client

    return as_


def _status(response):
    if response.status_code == 302 and "/accounts/login/" in response.url:
        return "login"
    return response.status_code


# (page, expected status per role) for the public hearing "P", the closed hearing "C", and its case.
# Expected answer per role, in the order of WHO.
PAGES = {
    "index": ({}, (200, 200, 200, 200, 200, "login")),
    "cases": ({}, (200, 200, 403, 403, 200, "login")),
    "case": ({"case_id": "C.case"}, (200, 200, 404, 404, 404, "login")),
    "hearing/P": ({"hearing_id": "P"}, (200, 200, 200, 404, 404, "login")),
    "hearing/C": ({"hearing_id": "C"}, (200, 200, 404, 200, 404, "login")),
    "record/P": ({"hearing_id": "P"}, (200, 200, 403, 404, 404, "login")),
}


def _kwargs(spec, world):
    out = {}
    for key, value in spec.items():
        hearing = world["public"] if value.startswith("P") else world["closed"]
        out[key] = hearing.case.pk if value.endswith(".case") else hearing.pk
    return out


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("page", PAGES)
def test_page_matrix(login, world, page, who):
    spec, expected = PAGES[page]
    name = page.split("/")[0]
    response = login(who).get(reverse(f"hearings:{name}", kwargs=_kwargs(spec, world)))
    assert _status(response) == expected[WHO.index(who)]


def test_parties_see_only_their_own(login, world):
    page = login("party").get(reverse("hearings:index")).content.decode()
    assert world["public"].case.number in page and world["closed"].case.number not in page
    page = login("closed_party").get(reverse("hearings:index")).content.decode()
    assert world["closed"].case.number in page and world["public"].case.number not in page
    page = login("other_clerk").get(reverse("hearings:index")).content.decode()
    assert world["closed"].case.number not in page and world["public"].case.number not in page


STATUS_POST = {"clerk": 302, "judge": 302, "party": 403, "closed_party": 404, "other_clerk": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", WHO)
def test_status_change_matrix(login, world, who):
    hearing = world["public"]
    response = login(who).post(reverse("hearings:status", args=[hearing.pk]), {"status": Status.OPEN})
    assert _status(response) == STATUS_POST[who]
    hearing.refresh_from_db()
    assert hearing.status == (Status.OPEN if STATUS_POST[who] == 302 else Status.SCHEDULED)


ADD_POST = {"clerk": 302, "judge": 403, "party": 403, "closed_party": 404, "other_clerk": 404, "anonymous": "login"}


@pytest.mark.parametrize("who", WHO)
def test_participant_add_matrix(login, world, who):
    hearing = world["public"]
    before = hearing.participants.count()
    response = login(who).post(reverse("hearings:participant_add", args=[hearing.pk]),
                               {"role": Role.WITNESS, "name": "Saksi Baru", "email": "saksi@example.org"})
    assert _status(response) == ADD_POST[who]
    assert hearing.participants.count() == before + (1 if ADD_POST[who] == 302 else 0)


def test_bad_input_on_pages_is_a_clear_error(login, world):
    client = login("clerk")
    hearing = world["public"]
    response = client.post(reverse("hearings:participant_add", args=[hearing.pk]),
                           {"role": Role.COUNSEL, "name": "Advokat Tanpa Klien"})
    assert response.status_code == 200 and "Counsel must be linked" in response.content.decode()
    response = client.post(reverse("hearings:participant_add", args=[hearing.pk]),
                           {"role": Role.PLAINTIFF, "name": "Penggugat"})
    assert "has no plaintiff" in response.content.decode()
    response = client.post(reverse("hearings:status", args=[hearing.pk]),
                           {"status": Status.POSTPONED, "reason": "", "next_at": "2020-01-01T09:00"})
    assert response.status_code == 200 and "Give a reason" in response.content.decode()
    response = client.post(reverse("hearings:status", args=[hearing.pk]),
                           {"status": Status.POSTPONED, "reason": "Sakit", "next_at": "2020-01-01T09:00"})
    assert "must be in the future" in response.content.decode()
    response = client.post(reverse("hearings:cases"), {"court": hearing.case.court.pk, "number": hearing.case.number,
                                                         "case_type": "criminal", "parties": "X v. Y"})
    assert response.status_code == 200 and "already used" in response.content.decode()
    hearing.refresh_from_db()
    assert hearing.status == Status.SCHEDULED


def test_translated_error(login, world):
    client = login("clerk")
    client.cookies["django_language"] = "id"
    response = client.post(reverse("hearings:participant_add", args=[world["public"].pk]),
                           {"role": Role.COUNSEL, "name": "Advokat Tanpa Klien"}, HTTP_ACCEPT_LANGUAGE="id")
    assert "Advokat harus dikaitkan" in response.content.decode()


def test_clerk_schedules_from_the_case_page_in_the_court_zone(login, world, judge):
    case = world["public"].case
    day = (timezone.now() + timedelta(days=9)).astimezone(timezone.get_fixed_timezone(7 * 60)).date()
    response = login("clerk").post(reverse("hearings:case", args=[case.pk]), {
        "start": f"{day}T09:00", "duration_minutes": 60, "courtroom": "Ruang Cakra", "agenda": "Tuntutan",
        "is_public": "on", "observer_capacity": 10, "judge": judge.pk,
    })
    assert response.status_code == 302
    hearing = case.hearings.get(agenda="Tuntutan")
    assert hearing.occurrence.start.astimezone(timezone.get_fixed_timezone(7 * 60)).hour == 9


# Public pages: the docket, its feed, the API's docket, the observer page -----------------------

@pytest.mark.parametrize("display", [Court.ClosedDisplay.OMIT, Court.ClosedDisplay.LISTED])
def test_closed_hearings_never_leak_on_public_pages(client, world, display, monkeypatch):
    from hearings import selectors

    court = world["public"].case.court
    court.closed_display = display
    court.save()
    # The docket shows "today": look at the hearings' day.
    monkeypatch.setattr(selectors, "court_day", lambda court, now=None: world["public"].occurrence.start.astimezone(
        timezone.get_fixed_timezone(7 * 60)).date())
    pages = [
        client.get(reverse("hearings:docket", args=[court.slug])),
        client.get(reverse("hearings:docket_ics", args=[court.slug])),
        client.get(reverse("hearings:api-docket", args=[court.slug])),
        client.get(reverse("hearings:observe", args=[world["public"].observer_token])),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for secret in (*SECRET_NAMES, SECRET_PARTIES, "Joko Terbuka"):
            assert secret not in body
    docket, ics, api = (p.content.decode() for p in pages[:3])
    assert world["public"].case.number in docket and world["public"].agenda in docket
    assert world["public"].case.number in ics and world["closed"].case.number not in ics
    closed_number = world["closed"].case.number
    if display == Court.ClosedDisplay.OMIT:
        assert closed_number not in docket and closed_number not in api
    else:
        assert closed_number in docket and "closed hearing" in docket
        entry = next(e for e in pages[2].json()["hearings"] if e["case_number"] == closed_number)
        assert entry == {k: entry[k] for k in ("start", "time", "zone", "case_number", "closed")} and entry["closed"]
    assert client.get(reverse("hearings:observe", args=[world["closed"].observer_token])).status_code == 404


def test_docket_shows_postponement_reason_and_next_date(client, world, clerk, monkeypatch):
    from hearings import selectors, services

    hearing = world["public"]
    day = hearing.occurrence.start.astimezone(timezone.get_fixed_timezone(7 * 60)).date()
    monkeypatch.setattr(selectors, "court_day", lambda court, now=None: day)
    new_start = hearing.occurrence.start + timedelta(days=7)
    services.hearing_status_set(hearing=hearing, status=Status.POSTPONED, by=clerk, reason="Hakim sakit",
                                next_at=new_start)
    body = client.get(reverse("hearings:docket", args=[hearing.case.court.slug])).content.decode()
    assert "Postponed" in body and "Hakim sakit" in body
    assert new_start.astimezone(timezone.get_fixed_timezone(7 * 60)).strftime("%Y-%m-%d %H:%M") in body


def test_docket_of_unknown_court_is_404(client, db):
    assert client.get("/docket/nope/").status_code == 404
    assert client.get("/docket/nope.ics").status_code == 404


# API -------------------------------------------------------------------------------------------

API_LIST = {"clerk": 2, "judge": 2, "party": 1, "closed_party": 1, "other_clerk": 0}


@pytest.mark.parametrize("who", WHO)
def test_api_list_matrix(login, world, who):
    response = login(who).get(reverse("hearings:api-hearings"))
    if who == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    assert len(response.json()) == API_LIST[who]


API_DETAIL_CLOSED = {"clerk": 200, "judge": 200, "party": 404, "closed_party": 200, "other_clerk": 404}


@pytest.mark.parametrize("who", [w for w in WHO if w != "anonymous"])
def test_api_detail_of_closed_hearing(login, world, who):
    response = login(who).get(reverse("hearings:api-hearing", args=[world["closed"].pk]))
    assert response.status_code == API_DETAIL_CLOSED[who]
    if response.status_code == 404:
        assert all(secret not in response.content.decode() for secret in SECRET_NAMES)


def test_api_flow_for_the_clerk(login, world):
    client = login("clerk")
    new_case = {"court": "pn-contoh", "number": "3/Pid/2026", "case_type": "criminal", "parties": "PU v. X"}
    case = client.post(reverse("hearings:api-cases"), new_case, content_type="application/json")
    assert case.status_code == 201
    again = client.post(reverse("hearings:api-cases"), new_case, content_type="application/json")
    assert again.status_code == 400 and "number" in again.json()
    start = (timezone.now() + timedelta(days=20)).isoformat()
    hearing = client.post(reverse("hearings:api-hearings"), {
        "case": case.json()["id"], "start": start, "duration_minutes": 60, "courtroom": "Ruang API",
        "agenda": "Dakwaan", "presiding_judge": {"name": "Hakim API", "email": "api@example.org"},
    }, content_type="application/json")
    assert hearing.status_code == 201, hearing.content
    hearing_id = hearing.json()["id"]
    bad = client.post(reverse("hearings:api-participant-add", args=[hearing_id]), {"role": "counsel", "name": "A"},
                      content_type="application/json")
    assert bad.status_code == 400 and "represents" in bad.json()
    status = client.post(reverse("hearings:api-status", args=[hearing_id]), {"status": "concluded"},
                         content_type="application/json")
    assert status.status_code == 400 and "status" in status.json()
    status = client.post(reverse("hearings:api-status", args=[hearing_id]), {"status": "open"},
                         content_type="application/json")
    assert status.status_code == 200 and status.json()["status"] == "open"
    assert [e["status"] for e in status.json()["status_log"]] == ["open"]


def test_api_status_refused_for_a_party(login, world):
    response = login("party").post(reverse("hearings:api-status", args=[world["public"].pk]), {"status": "open"},
                                   content_type="application/json")
    assert response.status_code == 403


def test_api_schema_lists_hearings(client, db):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/hearings/{hearing_id}/status/" in schema and "/api/hearings/docket/{court_slug}/" in schema


def test_observer_link_asks_a_name_and_respects_the_capacity(client, world):
    from rooms.sessions import remembered

    hearing = world["public"]
    hearing.observer_capacity = 1
    hearing.save()
    url = reverse("hearings:observe", args=[hearing.observer_token])
    assert client.post(url, {"name": ""}).status_code == 200
    response = client.post(url, {"name": "Warga Satu"})
    assert response.status_code == 302 and response.url == reverse("rooms:room", args=[hearing.occurrence_id])
    observer = hearing.participants.get(role=Role.OBSERVER).attendee
    assert observer.name == "Warga Satu" and str(observer.pk) in dict(remembered(client.session))
    response = Client().post(url, {"name": "Warga Dua"})
    assert response.status_code == 200
    assert "All observer places for this hearing are taken." in response.content.decode()
    assert hearing.participants.filter(role=Role.OBSERVER).count() == 1


def test_hearing_time_in_the_court_zone_and_the_viewers(login, world):
    court = world["public"].case.court
    court.timezone = "Asia/Makassar"
    court.save()
    page = login("clerk").get(reverse("hearings:hearing", args=[world["public"].pk])).content.decode()
    start = world["public"].occurrence.start
    wita = start.astimezone(timezone.get_fixed_timezone(8 * 60))
    wib = start.astimezone(timezone.get_fixed_timezone(7 * 60)).strftime("%H:%M")
    when = page[page.index("<dt>When</dt>"):][:400]
    # The one format every page uses (config.templatetags.hadir.moment_text), with the zone's label.
    assert f"{wita:%a} {wita.day} {wita:%b} {wita.year} {wita:%H:%M} WITA (" in when and f"({wib} WIB)" in when, when


def test_public_docket_in_bahasa_indonesia(client, world, monkeypatch):
    from hearings import selectors

    day = world["public"].occurrence.start.astimezone(timezone.get_fixed_timezone(7 * 60)).date()
    monkeypatch.setattr(selectors, "court_day", lambda court, now=None: day)
    client.cookies["django_language"] = "id"
    body = client.get(reverse("hearings:docket", args=["pn-contoh"])).content.decode()
    assert "Jadwal sidang" in body and "Terjadwal" in body and "Pidana" in body and "sidang tertutup" in body


def test_the_bench_is_chosen_from_the_courts_judges_who_see_it_in_their_schedule(login, world, judge):
    from hearings.models import Hearing, HearingParticipant, Role
    from scheduling.selectors import occurrences_for_user

    case = world["public"].case
    clerk = login("clerk")
    page = clerk.get(reverse("hearings:case", args=[case.pk])).content.decode()
    assert f'<option value="{judge.pk}">Rahmat Hakim</option>' in page and "judge_email" not in page
    day = (timezone.now() + timedelta(days=9)).astimezone(timezone.get_fixed_timezone(7 * 60)).date()
    form = {"start": f"{day}T10:00", "duration_minutes": 60, "courtroom": "Ruang Sari", "agenda": "Replik",
            "observer_capacity": 0}
    stranger = get_user_model().objects.create_user("bukan-hakim")
    refused = clerk.post(reverse("hearings:case", args=[case.pk]), {**form, "judge": stranger.pk})
    assert refused.status_code == 200 and refused.context["form"].errors["judge"]
    assert not Hearing.objects.filter(agenda="Replik").exists()
    assert clerk.post(reverse("hearings:case", args=[case.pk]), {**form, "judge": judge.pk}).status_code == 302
    hearing = Hearing.objects.get(agenda="Replik")
    seat = HearingParticipant.objects.get(hearing=hearing, role=Role.PRESIDING_JUDGE)
    assert seat.attendee.user == judge
    mine = occurrences_for_user(user=judge, start=timezone.now(), end=timezone.now() + timedelta(days=30))
    assert hearing.occurrence in mine
