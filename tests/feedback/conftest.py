"""A class with a meeting held yesterday (the student attended, a guest did not) and one ahead;
a court with a public and a closed case. Built through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from classrooms import services as classrooms
from hearings import services as hearings
from hearings.models import CaseType, CourtMembership
from tests.classrooms.conftest import classroom, clock_at, interval, make_user, past_meeting, people, school  # noqa: F401 (the class's fixtures)


@pytest.fixture
def held(classroom, people):  # noqa: F811 (the imported fixtures)
    """Yesterday's meeting: the student was there for an hour, the guest never came."""
    start = timezone.now() - timedelta(days=1)
    occurrence = past_meeting(classroom, people["teacher"], start=start)
    event = occurrence.event
    interval(occurrence, event.attendees.get(user=people["student"]), start, start + timedelta(hours=1))
    return occurrence


@pytest.fixture
def guest(classroom, people):  # noqa: F811
    with clock_at(timezone.now() - timedelta(days=30)):
        return classrooms.enrollment_add(classroom=classroom, by=people["teacher"], name="Tamu",
                                         email="tamu@example.org")


@pytest.fixture
def court(db):
    court = hearings.court_create(name="Pengadilan Negeri Contoh", slug="pn-contoh")
    clerk = make_user("clerk", first_name="Sari", last_name="Panitera")
    hearings.court_member_add(court=court, user=clerk, role=CourtMembership.Role.CLERK)
    court.clerk = clerk
    hearings.case_create(court=court, number="1/Pid.B/2026", case_type=CaseType.CRIMINAL, parties="PU v. Terbuka",
                         by=clerk)
    return court


def closed_case(court, number="7/Pid.B/2026"):
    """A case whose hearing is closed to the public."""
    case = hearings.case_create(court=court, number=number, case_type=CaseType.CRIMINAL, parties="PU v. Diam",
                                by=court.clerk)
    judge = make_user(f"judge{number[0]}")
    hearings.court_member_add(court=court, user=judge, role=CourtMembership.Role.JUDGE)
    hearings.hearing_schedule(
        case=case, start=timezone.now() + timedelta(days=4), duration=timedelta(hours=1), courtroom="Ruang 2",
        agenda="Dakwaan", by=court.clerk, presiding_judge=hearings.person_for(judge), is_public=False,
        allow_conflicts=True,
    )
    return case
