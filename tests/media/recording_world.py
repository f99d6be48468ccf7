"""A court, a hearing open now with its clerk (signed in with password "x"), judge, a defendant and
an observer, and helpers for the recording tests; and a school's class meeting."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from hearings import services as hearings
from hearings.models import CaseType, Court, CourtMembership, Hearing, Role
from scheduling.models import Attendee
from tests.support.services import services_required

_numbers = itertools.count(1)


def require_tools() -> None:
    """janus-pp-rec (janus-tools) and ffmpeg/ffprobe: skipped without them, failed under HADIR_REQUIRE_SERVICES=1."""
    missing = [tool for tool in ("janus-pp-rec", "ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"{', '.join(missing)} missing (apt-get install janus-tools ffmpeg)"
    if services_required():
        pytest.fail(f"{message} (HADIR_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@dataclass
class HearingWorld:
    court: Court
    hearing: Hearing
    clerk: Attendee
    judge: Attendee
    party: Attendee
    users: dict

    @property
    def occurrence(self):
        return self.hearing.occurrence


def _user(name: str, **extra):
    return get_user_model().objects.create_user(name, f"{name}@example.org", "x", **extra)


def make_hearing(*, allow_recording: bool = True, is_public: bool = True) -> HearingWorld:
    """A hearing whose room is open now (it starts in a minute)."""
    n = next(_numbers)
    stamp = f"{n}{int(timezone.now().timestamp() * 1000) % 10**8}"
    users = {role: _user(f"{role}{stamp}") for role in ("clerk", "judge", "other_clerk", "outsider", "party")}
    court = hearings.court_create(name=f"PN Rekam {stamp}", slug=f"pn-rekam-{stamp}")
    Court.objects.filter(pk=court.pk).update(allow_recording=allow_recording)
    court.refresh_from_db()
    other = hearings.court_create(name=f"PN Lain {stamp}", slug=f"pn-lain-{stamp}")
    hearings.court_member_add(court=court, user=users["clerk"], role=CourtMembership.Role.CLERK)
    hearings.court_member_add(court=court, user=users["judge"], role=CourtMembership.Role.JUDGE)
    hearings.court_member_add(court=other, user=users["other_clerk"], role=CourtMembership.Role.CLERK)
    case = hearings.case_create(court=court, number=f"{n}/Pid.B/2026", case_type=CaseType.CRIMINAL,
                                parties="Penuntut Umum v. Terdakwa", by=users["clerk"])
    hearing = hearings.hearing_schedule(
        case=case, start=timezone.now() + timedelta(minutes=1), duration=timedelta(hours=2),
        courtroom=f"Ruang {stamp}", agenda="Pemeriksaan saksi", by=users["clerk"], is_public=is_public,
        presiding_judge=hearings.person_for(users["judge"]), clerk=hearings.person_for(users["clerk"]),
        allow_conflicts=True,
    )
    party = hearings.participant_add(hearing=hearing, role=Role.DEFENDANT, by=users["clerk"], notify=False,
                                     person=hearings.person_for(users["party"])).attendee
    seats = {p.role: p.attendee for p in hearing.participants.select_related("attendee__event")}
    return HearingWorld(court=court, hearing=hearing, clerk=seats[Role.CLERK], judge=seats[Role.PRESIDING_JUDGE],
                        party=party, users=users)

