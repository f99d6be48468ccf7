"""The hearing status machine, every pair of states, through the same path as the room's moderators."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearings import services
from hearings.errors import HearingError
from hearings.models import TRANSITIONS, Hearing, Role, Status, StatusLogEntry
from hearings.status import transition_problem
from rooms.models import RoomState
from tests.hearings.conftest import bring_to

PAIRS = [(current, target) for current in Status.values for target in Status.values]


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_rules_for_every_pair(current, target):
    now = timezone.now()
    problem = transition_problem(current=current, target=target, reason="alasan", next_at=now + timedelta(days=1),
                                 now=now)
    assert (problem is None) == (target in TRANSITIONS[current])


@pytest.mark.parametrize(("current", "target"), PAIRS)
def test_every_pair_through_the_room(hearing, clerk, everyone_present, current, target):
    later = timezone.now() + timedelta(days=14)
    hearing = bring_to(hearing, current, by=clerk)
    assert hearing.status == current
    log_before = StatusLogEntry.objects.filter(hearing=hearing).count()
    hearings_before = Hearing.objects.count()
    sequence_before = hearing.event.sequence
    if target in TRANSITIONS[current]:
        hearing = services.hearing_status_set(hearing=hearing, status=target, by=clerk, reason="alasan", next_at=later)
        assert hearing.status == target
        assert RoomState.objects.get(occurrence=hearing.occurrence).status == target
        entry = StatusLogEntry.objects.filter(hearing=hearing).last()
        assert (entry.previous, entry.status, entry.by_role) == (current, target, Role.CLERK)
    else:
        with pytest.raises(HearingError) as refused:
            services.hearing_status_set(hearing=hearing, status=target, by=clerk, reason="alasan", next_at=later)
        assert str(Status(target).label) in " ".join(refused.value.messages)
        hearing.refresh_from_db()
        hearing.event.refresh_from_db()
        assert hearing.status == current
        assert StatusLogEntry.objects.filter(hearing=hearing).count() == log_before
        assert Hearing.objects.count() == hearings_before
        assert hearing.event.sequence == sequence_before


def test_actual_start_and_end_are_stamped(hearing, clerk, everyone_present):
    hearing = bring_to(hearing, Status.IN_SESSION, by=clerk)
    started = hearing.started_at
    assert started is not None and hearing.ended_at is None
    hearing = services.hearing_status_set(hearing=hearing, status=Status.RECESS, by=clerk)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    assert hearing.started_at == started  # resuming after a recess is not a new start
    hearing = services.hearing_status_set(hearing=hearing, status=Status.CONCLUDED, by=clerk)
    assert hearing.ended_at >= started


@pytest.mark.parametrize("target", [Status.ADJOURNED, Status.POSTPONED])
@pytest.mark.parametrize("case_", ["no reason", "no date", "past date"])
def test_adjourn_and_postpone_need_reason_and_future_date(hearing, clerk, everyone_present, target, case_):
    start = Status.IN_SESSION if target == Status.ADJOURNED else Status.SCHEDULED
    hearing = bring_to(hearing, start, by=clerk)
    reason = "" if case_ == "no reason" else "saksi berhalangan"
    dates = {"no date": None, "past date": timezone.now() - timedelta(hours=1)}
    next_at = dates.get(case_, timezone.now() + timedelta(days=3))
    log_before = hearing.status_log.count()
    with pytest.raises(HearingError) as refused:
        services.hearing_status_set(hearing=hearing, status=target, by=clerk, reason=reason, next_at=next_at)
    assert refused.value.message_dict["status"]
    hearing.refresh_from_db()
    assert hearing.status == start and hearing.status_log.count() == log_before


def test_cancel_needs_a_reason(hearing, clerk):
    with pytest.raises(HearingError, match="reason"):
        services.hearing_status_set(hearing=hearing, status=Status.CANCELLED, by=clerk, reason="  ")
    hearing.refresh_from_db()
    assert hearing.status == Status.SCHEDULED and not hearing.event.status == "cancelled"


def test_session_refused_until_judge_and_clerk_are_present(hearing, clerk, monkeypatch):
    from rooms import selectors as room_selectors

    here = []
    monkeypatch.setattr(room_selectors, "present_attendees", lambda occurrence: list(here))
    hearing = services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=clerk)
    with pytest.raises(HearingError) as refused:
        services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    message = " ".join(refused.value.messages)
    assert "Presiding judge" in message and "Clerk" in message
    here.append(hearing.participants.get(role=Role.CLERK).attendee)
    with pytest.raises(HearingError) as refused:
        services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    message = " ".join(refused.value.messages)
    assert "Presiding judge" in message and "Clerk" not in message
    here.append(hearing.participants.get(role=Role.PRESIDING_JUDGE).attendee)
    hearing = services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)
    assert hearing.status == Status.IN_SESSION


def test_the_log_is_append_only(hearing, clerk):
    hearing = services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=clerk)
    entry = hearing.status_log.get()
    entry.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
