"""The batched door check (``rooms.selectors.room_entries``) asks the hearing's policy whether each
observer may enter; the policy loads what it needs once per batch (``HearingRoomPolicy.prepare``),
so twenty observers knocking together cost the queries of one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearings import observers as hearing_observers
from rooms.selectors import Knock, room_entries
from rooms.sessions import remember_attendee


def observers(hearing, count: int) -> list:
    return [
        hearing_observers.observer_join(
            hearing=hearing, name=f"Warga {n}", session_key=f"{hearing.pk}-{n}", client_address="",
        )
        for n in range(count)
    ]


def knock(hearing, attendee) -> Knock:
    session = {}
    remember_attendee(session, attendee)
    return Knock({"session": session, "user": AnonymousUser()}, str(hearing.occurrence_id))


@pytest.fixture
def public_and_closed(schedule):
    public = schedule()
    closed = schedule(start=public.occurrence.start, allow_conflicts=True)  # the same morning, next door
    seated = observers(public, 10), observers(closed, 10)
    closed.is_public = False  # closed after its observers were seated: they are refused at the door
    closed.save()
    return (public, closed), seated


def test_twenty_observers_cost_the_queries_of_one(public_and_closed):
    (public, closed), (in_public, in_closed) = public_and_closed
    now = public.occurrence.start - timedelta(minutes=1)

    def check(knocks):
        with CaptureQueriesContext(connection) as captured:
            entries = room_entries(knocks=knocks, now=now)
        return entries, len(captured)

    one, one_queries = check([knock(public, in_public[0])])
    batch, batch_queries = check([knock(public, a) for a in in_public] + [knock(closed, a) for a in in_closed])
    assert [entry.close for entry in one] == [0]
    assert [entry.close for entry in batch] == [0] * 10 + [4403] * 10
    assert one_queries == batch_queries == 4  # sittings, seats, the public hearings, lobby decisions
