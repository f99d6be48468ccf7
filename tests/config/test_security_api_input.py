"""Hostile input to the API gets a 4xx with a clear message, never a 500: JSON nested 100,000
deep, bodies past the size cap, an absurd ?limit=, a URL that matches no route."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from classrooms import services as classrooms
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db
DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def guru():
    return f.user("guru")


@pytest.fixture
def api(guru):
    client = Client(raise_request_exception=False)
    client.force_login(guru)
    return client


def post_json(client, url, body: str):
    return client.post(url, body, content_type="application/json")


def test_json_nested_100000_deep_is_a_400_naming_the_problem(api):
    response = post_json(api, "/api/events/", DEEP)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_json_nested_deeper_than_any_hadir_request_is_refused_before_any_code_sees_it(api):
    body = json.dumps({"title": "x", "nested": json.loads("[" * 500 + "]" * 500)})
    response = post_json(api, "/api/events/", body)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_view_that_names_its_own_parsers_is_covered_as_well(api, guru):
    school = classrooms.school_create(name="SMA 1", timezone="Asia/Jakarta", by=None, admins=[guru])
    classroom = classrooms.classroom_create(
        school=school, by=guru, name="X", subject="Y", term_start=timezone.localdate(),
        term_end=timezone.localdate() + timedelta(days=60), size_limit=30,
    )
    response = post_json(api, f"/api/classrooms/{classroom.pk}/meetings/", DEEP)
    assert response.status_code == 400


def test_a_json_body_past_the_size_cap_is_a_413(api):
    body = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = post_json(api, "/api/events/", body)
    assert response.status_code == 413
    assert response.json()["detail"]


def test_a_limit_too_large_for_the_database_gets_a_page(api, guru):
    f.event(organizer=guru, title="Kimia")
    for url in ("/api/events/", "/api/me/occurrences/"):
        response = api.get(f"{url}?limit=99999999999999999999999")
        assert response.status_code == 200, (url, response.content[:300])
        assert len(response.json()["results"]) == 1


def test_the_cap_is_the_limit_a_client_gets(api, guru):
    f.event(organizer=guru, title="Kimia")
    f.event(organizer=guru, title="Fisika", start=f.local("Asia/Jakarta", f.next_weekday(2), 10))
    response = api.get("/api/events/?limit=100000&offset=1")
    assert response.json()["previous"].endswith("/api/events/?limit=500")


def test_an_api_url_that_matches_no_route_answers_in_json(api):
    response = api.delete("/api/schools/not-a-uuid/holidays/%C2%9E%17/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert b"<html" in Client().get("/no-such-page/").content
