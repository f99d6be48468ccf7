"""Fixtures for hearings: a court with staff, a case, and hearings scheduled through the services."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from hearings import services
from hearings.models import CaseType, CourtMembership, Role, Status


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English: a page test in Bahasa Indonesia leaves its language
    active in the thread (LocaleMiddleware does not reset it), so every test starts in English."""
    with translation.override("en"):
        yield


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, password="pw-" + username, email=f"{username}@example.org", **extra
    )


@pytest.fixture
def court(db):
    return services.court_create(name="Pengadilan Negeri Contoh", slug="pn-contoh")


@pytest.fixture
def clerk(court):
    user = make_user("clerk", first_name="Sari", last_name="Panitera")
    services.court_member_add(court=court, user=user, role=CourtMembership.Role.CLERK)
    return user


@pytest.fixture
def judge(court):
    user = make_user("judge", first_name="Rahmat", last_name="Hakim")
    services.court_member_add(court=court, user=user, role=CourtMembership.Role.JUDGE)
    return user


@pytest.fixture
def case(court, clerk):
    return services.case_create(court=court, number="1/Pid.B/2026", case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Joko Rahasia", by=clerk)


@pytest.fixture
def schedule(case, clerk, judge):
    """Schedule a hearing (in five days by default) with the judge presiding and the clerk."""
    counter = {"n": 0}

    def make(*, start=None, is_public=True, case=case, courtroom=None, **kwargs):
        counter["n"] += 1
        return services.hearing_schedule(
            case=case, start=start or timezone.now() + timedelta(days=5, hours=counter["n"] * 3),
            duration=timedelta(hours=1), courtroom=courtroom or f"Ruang {counter['n']}",
            agenda="Pembacaan dakwaan", by=clerk, presiding_judge=services.person_for(judge),
            is_public=is_public, **kwargs,
        )

    return make


@pytest.fixture
def hearing(schedule):
    return schedule()


@pytest.fixture
def everyone_present(monkeypatch):
    """The room's presence, as rooms would report it: every active attendee of the hearing."""
    from rooms import selectors as room_selectors

    def present(occurrence):
        return list(occurrence.event.attendees.filter(removed_at__isnull=True))

    monkeypatch.setattr(room_selectors, "present_attendees", present)


def seat(hearing, role):
    return hearing.participants.get(role=role)


def bring_to(hearing, status, *, by, later=None):
    """Walk a hearing along legal transitions until it has ``status``."""
    later = later or timezone.now() + timedelta(days=7)
    paths = {
        Status.SCHEDULED: [],
        Status.OPEN: [Status.OPEN],
        Status.IN_SESSION: [Status.OPEN, Status.IN_SESSION],
        Status.RECESS: [Status.OPEN, Status.IN_SESSION, Status.RECESS],
        Status.CONCLUDED: [Status.OPEN, Status.IN_SESSION, Status.CONCLUDED],
        Status.ADJOURNED: [Status.OPEN, Status.IN_SESSION, Status.ADJOURNED],
        Status.POSTPONED: [Status.POSTPONED],
        Status.CANCELLED: [Status.CANCELLED],
    }
    for step in paths[status]:
        hearing = services.hearing_status_set(hearing=hearing, status=step, by=by, reason="alasan", next_at=later)
    return hearing



SECRET_PARTIES = "Rahasia Tertutupsari v. Diam Sembunyiwan"
SECRET_NAMES = ("Rahasia Tertutupsari", "Diam Sembunyiwan", "Advokat Bisikwati")


@pytest.fixture
def world(court, clerk, judge, schedule):
    """A public hearing with a party who has an account, and a closed one whose names must never leak."""
    from hearings.models import CaseType

    public = schedule(start=timezone.now() + timedelta(days=4))
    defendant_user = make_user("terdakwa", first_name="Joko", last_name="Terbuka")
    defendant = services.participant_add(hearing=public, role=Role.DEFENDANT, by=clerk,
                                         person=services.Person("Joko Terbuka", user=defendant_user))
    closed_case = services.case_create(court=court, number="7/Pdt.G/2026", case_type=CaseType.CIVIL,
                                       parties=SECRET_PARTIES, by=clerk)
    closed = schedule(case=closed_case, is_public=False, start=timezone.now() + timedelta(days=4, hours=2))
    closed_party_user = make_user("penggugat")
    plaintiff = services.participant_add(hearing=closed, role=Role.PLAINTIFF, by=clerk,
                                         person=services.Person("Rahasia Tertutupsari", user=closed_party_user))
    services.participant_add(hearing=closed, role=Role.DEFENDANT, by=clerk, person=services.Person("Diam Sembunyiwan"))
    services.participant_add(hearing=closed, role=Role.COUNSEL, by=clerk, represents=plaintiff,
                             person=services.Person("Advokat Bisikwati", "bisik@example.org"))
    other_court = services.court_create(name="PN Lain", slug="pn-lain")
    other_clerk = make_user("clerk-lain")
    services.court_member_add(court=other_court, user=other_clerk, role="clerk")
    return {
        "public": public, "closed": closed, "defendant": defendant_user, "defendant_seat": defendant,
        "closed_party": closed_party_user, "other_clerk": other_clerk,
    }
