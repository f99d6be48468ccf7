"""The door check in batches (``selectors.room_entries``): each socket of a batch gets exactly
what it would get knocking alone, and a batch costs the same few queries however large."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rooms import services
from rooms.models import Admission
from rooms.selectors import Knock, room_entries
from rooms.sessions import remember_attendee
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db


def knock(room, *attendees, user=None):
    session = {}
    for attendee in attendees:
        remember_attendee(session, attendee)
    return Knock({"session": session, "user": user or AnonymousUser()}, room if isinstance(room, str) else room.id)


def outcome(entry):
    if entry.close:
        return ("closed", entry.close)
    return (entry.attendee.name, entry.moderator, entry.admitted, entry.denied_reason, entry.status.status)


def test_a_batch_answers_each_socket_as_if_it_knocked_alone():
    room = make_room(kind="test-lobby", people=("Ani", "Gita", "Dodi"), roles=("participant", "guest", "guest"))
    ani, gita, dodi = room.people
    other = make_room(people=("Budi",))
    later = make_room(people=("Lia",), starts_in=timedelta(days=2), in_progress=False)
    Admission.objects.create(occurrence=room.occurrence, attendee=dodi, decision="denied", reason="Tidak sopan")
    services.room_status_set(occurrence=other.occurrence, status="open", by=other.host, reason="Silakan masuk")
    knocks = [
        knock(room, ani), knock(room, ani),  # two tabs
        knock(room, room.host, user=room.host.user), knock(room, gita), knock(room, dodi),
        knock(room, other.people[0], ani),  # the latest link followed wins, in the room's event
        knock(other, other.people[0]),
        knock(room), knock(room, other.people[0]),  # nobody / a seat in another event
        knock(str(uuid.uuid4()), ani), knock("not-a-uuid", ani),
        knock(later, later.people[0]),  # not open yet
        knock(room, user=room.host.user),  # signed in, no link followed
    ]
    now = timezone.now()
    together = room_entries(knocks=knocks, now=now)
    alone = [room_entries(knocks=[k], now=now)[0] for k in knocks]
    assert [outcome(e) for e in together] == [outcome(e) for e in alone]
    assert [outcome(e) for e in together] == [
        ("Ani", False, True, None, "scheduled"), ("Ani", False, True, None, "scheduled"),
        (room.host.name, True, True, None, "scheduled"), ("Gita", False, False, None, "scheduled"),
        ("Dodi", False, False, "Tidak sopan", "scheduled"),
        ("Ani", False, True, None, "scheduled"),
        ("Budi", False, True, None, "open"),
        ("closed", 4401), ("closed", 4403), ("closed", 4404), ("closed", 4404), ("closed", 4403),
        (room.host.name, True, True, None, "scheduled"),
    ]
    assert together[0].attendee is not together[1].attendee


def test_a_batch_costs_the_same_queries_for_two_or_twenty_sockets():
    room = make_room(people=tuple(f"P{n}" for n in range(20)))

    def queries(count):
        with CaptureQueriesContext(connection) as captured:
            entries = room_entries(knocks=[knock(room, a) for a in room.people[:count]], now=timezone.now())
        assert all(e.admitted for e in entries)
        return len(captured)

    assert queries(2) == queries(20) == 3  # sittings, seats, lobby decisions
