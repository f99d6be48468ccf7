"""Founding a school is not for every account (issue 13, whom a person may invite).

A school's teachers and administrators invite anyone (``scheduling.policies.is_organiser``). When
any account could found a school, a student founded one and then invited arbitrary addresses,
past the rule that keeps them to people they already share an event with. Schools are founded by
staff (a district's administrators), who name their administrators; ``HADIR_SCHOOL_SELF_SERVICE``
lets any account found one (and so become an organiser), for deployments that trust every account.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from classrooms import services
from classrooms.models import School
from notifications.models import Message
from scheduling.models import Event
from tests.classrooms.conftest import make_user

pytestmark = pytest.mark.django_db

OUTSIDER = "victim@example.net"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plain_event(client, email: str = OUTSIDER):
    start = timezone.now() + timedelta(days=2)
    return client.post("/api/events/", {
        "title": "Promo", "start": start.isoformat(), "duration_minutes": 60, "timezone": "Asia/Jakarta",
        "attendees": [{"email": email}],
    }, content_type="application/json")


def a_class(school, founder):
    today = timezone.localdate()
    return services.classroom_create(school=school, by=founder, name="Kelas Saya", term_start=today,
                                     term_end=today + timedelta(days=30))


def test_a_student_cannot_found_a_school_to_invite_strangers():
    student = make_user("murid")
    client = signed_in(student)

    assert client.post("/api/schools/", {"name": "Sekolah Palsu", "timezone": "Asia/Jakarta"},
                       content_type="application/json").status_code == 403
    assert client.get("/classrooms/schools/new/").status_code == 403
    assert client.post("/classrooms/schools/new/", {"name": "Sekolah Palsu", "timezone": "Asia/Jakarta"}
                       ).status_code == 403
    with pytest.raises(PermissionDenied):
        services.school_create(name="Sekolah Palsu", timezone="Asia/Jakarta", by=student)
    assert not School.objects.exists()
    # ... and so stays an ordinary account.
    assert plain_event(client).status_code == 403
    assert not Event.objects.exists() and not Message.objects.filter(email=OUTSIDER).exists()


def test_the_dashboard_offers_a_new_school_to_staff_only():
    def dashboard(user) -> str:
        return signed_in(user).get("/classrooms/").content.decode()

    assert "/classrooms/schools/new/" not in dashboard(make_user("murid"))
    assert "/classrooms/schools/new/" in dashboard(make_user("dinas", is_staff=True))


def test_staff_found_schools_and_name_their_administrators_who_invite_anyone():
    district = make_user("dinas", is_staff=True)
    response = signed_in(district).post("/api/schools/", {"name": "SMA 5", "timezone": "Asia/Jakarta"},
                                        content_type="application/json")
    assert response.status_code == 201
    principal = make_user("kepsek")
    school = services.school_create(name="SMA 6", timezone="Asia/Jakarta", by=district, admins=[principal])
    assert list(school.admins.all()) == [principal]
    assert plain_event(signed_in(principal)).status_code == 201
    # A founder who is not staff names nobody else.
    with pytest.raises(PermissionDenied):
        services.school_create(name="SMA 7", timezone="Asia/Jakarta", by=principal, admins=[principal, district])


def test_with_self_service_any_account_founds_a_school_and_administers_it_alone(settings):
    settings.HADIR_SCHOOL_SELF_SERVICE = True
    founder = make_user("guru")
    client = signed_in(founder)
    assert "/classrooms/schools/new/" in client.get("/classrooms/").content.decode()
    response = client.post("/api/schools/", {"name": "Les Privat", "timezone": "Asia/Jakarta"},
                           content_type="application/json")
    assert response.status_code == 201
    school = School.objects.get(pk=response.json()["id"])
    assert list(school.admins.all()) == [founder]
    classroom = a_class(school, founder)
    services.enrollment_add(classroom=classroom, by=founder, name="Murid", email=OUTSIDER)
    # The trade-off the setting makes (see classrooms.policies.may_found_school): a founder organises.
    assert plain_event(client, "siapa@example.net").status_code == 201
    with pytest.raises(PermissionDenied):
        services.school_create(name="Les Dua", timezone="Asia/Jakarta", by=founder, admins=[make_user("teman")])
