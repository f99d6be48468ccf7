import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "channel_layer": "ok"}


def test_healthz_names_the_failing_part(client, monkeypatch):
    from config import health

    async def broken():
        return False

    monkeypatch.setattr(health, "check_channel_layer", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["failing"] == ["channel_layer"]
    assert body["checks"]["database"] == "ok"


def test_login_page_and_login(client):
    User.objects.create_user("guru", password="a-long-password-1")
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post(reverse("login"), {"username": "guru", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "guru"


def test_logout_is_a_post(client):
    User.objects.create_user("guru", password="a-long-password-1")
    client.login(username="guru", password="a-long-password-1")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_bahasa_indonesia_switch(client):
    response = client.post(reverse("set_language"), {"language": "id", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert b'<html lang="id">' in response.content
    assert b"Masuk" in response.content  # "Log in"


def test_base_layout_shows_the_time_zone(client):
    response = client.get("/")
    assert b"WIB (Asia/Jakarta)" in response.content


def test_time_zone_choice_is_remembered(client):
    client.post(reverse("set_timezone"), {"timezone": "Asia/Jayapura", "next": "/"})
    assert b"WIT (Asia/Jayapura)" in client.get("/").content
    client.post(reverse("set_timezone"), {"timezone": "Not/AZone", "next": "https://evil.example/"})
    assert b"WIB (Asia/Jakarta)" in client.get("/").content


def test_static_files_are_served(client):
    response = client.get("/static/css/hadir.css")
    assert response.status_code == 200


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_openapi_schema(client):
    User.objects.create_user("guru", password="a-long-password-1")
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_in_zone_keeps_the_event_zone_through_the_date_filter():
    from datetime import UTC, datetime

    from django.template import Context, Template
    from django.utils import timezone

    template = Template('{% load hadir %}{{ when|in_zone:"Asia/Jayapura"|date:"H:i" }} {{ when|date:"H:i" }}')
    with timezone.override("Asia/Jakarta"):
        rendered = template.render(Context({"when": datetime(2026, 12, 1, 0, 30, tzinfo=UTC)}))
    assert rendered == "09:30 07:30"


def test_a_favicon_is_linked_and_answered(client):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/img/favicon.svg" type="image/svg+xml"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.svg"


def test_a_person_chooses_zone_and_language_on_the_profile_page(client):
    from scheduling.models import Profile

    user = User.objects.create_user("guru", password="a-long-password-1")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'href="/profile/"' in page  # the header's name and zone lead there
    response = client.post("/profile/", {"timezone": "Asia/Makassar", "language": "id"}, follow=True)
    assert (Profile.objects.get(user=user).timezone, Profile.objects.get(user=user).language) == ("Asia/Makassar", "id")
    body = response.content.decode()
    assert '<html lang="id">' in body and "WITA (Asia/Makassar)" in body
    # The language holds on another device (no cookie there): it is the profile's.
    other = type(client)()
    other.force_login(user)
    assert '<html lang="id">' in other.get("/profile/").content.decode()


def test_a_bad_zone_is_refused_next_to_its_field_and_changes_nothing(client):
    from scheduling.models import Profile

    user = User.objects.create_user("guru", password="a-long-password-1")
    client.force_login(user)
    response = client.post("/profile/", {"timezone": "Asia", "language": "en"})
    assert response.status_code == 200
    assert response.context["form"].errors["timezone"]
    assert 'id="error-summary"' in response.content.decode()
    assert not Profile.objects.filter(user=user, timezone="Asia").exists()


def test_the_language_switch_keeps_a_signed_in_persons_choice(client):
    from scheduling.models import Profile

    user = User.objects.create_user("guru", password="a-long-password-1")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert Profile.objects.get(user=user).language == "id"
