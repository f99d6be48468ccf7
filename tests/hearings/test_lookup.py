"""One authorisation place per action in the hearings API: the court or case is looked up, the
service says whether the caller may act on it."""

import uuid
from datetime import timedelta

from django.utils import timezone

from hearings import services
from hearings.models import Case, CourtMembership, Hearing
from tests.hearings.conftest import make_user


def test_an_unknown_court_is_bad_input_and_a_judge_is_refused_by_the_service(client, court, clerk, judge):
    body = {"number": "5/Pid.B/2026", "case_type": "criminal", "parties": "PU v. Z"}
    client.force_login(clerk)
    answer = client.post("/api/hearings/cases/", {**body, "court": "no-such-court"}, "application/json")
    assert answer.status_code == 400
    assert "court" in answer.json()
    client.force_login(judge)  # court staff, not a clerk
    answer = client.post("/api/hearings/cases/", {**body, "court": court.slug}, "application/json")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Only the court's clerks may register cases."
    assert not Case.objects.filter(number="5/Pid.B/2026").exists()


def test_a_case_of_another_court_answers_as_no_case_at_all(client, case):
    other = services.court_create(name="Pengadilan Lain", slug="pn-lain")
    outsider = make_user("outsider")
    services.court_member_add(court=other, user=outsider, role=CourtMembership.Role.CLERK)
    client.force_login(outsider)
    body = {"start": (timezone.now() + timedelta(days=9)).isoformat(), "duration_minutes": 60,
            "courtroom": "Ruang 1", "agenda": "Dakwaan", "presiding_judge": {"name": "Hakim"}}
    answers = [client.post("/api/hearings/", {**body, "case": str(case_id)}, "application/json")
               for case_id in (case.pk, uuid.uuid4())]
    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert not Hearing.objects.exists()
