"""A closed hearing for the security tests: the secret a hostile caller tries to learn."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from hearings import services as hearings
from hearings.models import CaseType, CourtMembership, Hearing
from tests.scheduling import factories as f

CASE_NUMBER = "7/Pid.Sus-Anak/2026"
AGENDA = "Pemeriksaan saksi korban"
COURTROOM = "Ruang Sidang Anak"


@dataclass
class Court:
    clerk: object
    judge: object
    closed: Hearing


@pytest.fixture
def court(db) -> Court:
    """A court whose clerk scheduled a closed hearing, in five days, presided over by its judge."""
    court = hearings.court_create(name="Pengadilan Negeri Rahasia", slug="pn-rahasia")
    clerk, judge = f.user("panitera"), f.user("hakim")
    hearings.court_member_add(court=court, user=clerk, role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=judge, role=CourtMembership.Role.JUDGE)
    case = hearings.case_create(court=court, number=CASE_NUMBER, case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Anak", by=clerk)
    start = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    closed = hearings.hearing_schedule(
        case=case, start=start, duration=timedelta(hours=1), courtroom=COURTROOM, agenda=AGENDA, by=clerk,
        presiding_judge=hearings.person_for(judge), is_public=False,
    )
    return Court(clerk=clerk, judge=judge, closed=closed)
