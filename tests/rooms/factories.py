"""Rooms for tests, made through scheduling's services as a user's actions would make them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from rooms.policies import RoomPolicy
from rooms.sessions import remember_attendee
from scheduling import services as scheduling
from scheduling.models import Attendee, Occurrence

_numbers = itertools.count(1)


class LobbyPolicy(RoomPolicy):
    """Test policy: the host moderates, "guest" waits in the lobby, "listener" may only listen."""

    def may_send(self, attendee, action):
        return attendee.role != "listener"

    def enters_directly(self, attendee, *, status):
        return self.is_moderator(attendee) or attendee.role != "guest"

    def may_enter(self, attendee, *, prepared=None):
        return attendee.role != "banned"


@dataclass
class Room:
    occurrence: Occurrence
    host: Attendee
    people: list[Attendee]

    @property
    def id(self) -> str:
        return str(self.occurrence.pk)


def make_room(*, people=("Ani", "Budi"), roles=None, kind: str = "", starts_in=timedelta(minutes=1),
              duration=timedelta(hours=2), in_progress: bool = True) -> Room:
    """A room open now: an event starting shortly (the room opens 15 minutes before), or moved to
    have started already when ``in_progress``."""
    number = next(_numbers)
    # Staff: an organiser who may invite outside addresses (``scheduling.policies.strangers``).
    organizer = get_user_model().objects.create_user(
        f"host{number}-{timezone.now().timestamp()}", password="x", is_staff=True
    )
    roles = roles or ["participant"] * len(people)
    specs = [scheduling.AttendeeSpec(name="Host", user=organizer, role="host")] + [
        scheduling.AttendeeSpec(name=name, email=f"p{number}-{index}@example.org", role=role)
        for index, (name, role) in enumerate(zip(people, roles, strict=True))
    ]
    event = scheduling.event_create(
        organizer=organizer, title=f"Room {number}", start=timezone.now() + starts_in, duration=duration,
        timezone="Asia/Jakarta", kind=kind, attendees=specs, allow_conflicts=True,
    )
    occurrence = event.occurrences.get()
    if in_progress:
        start = timezone.now() - timedelta(minutes=5)
        Occurrence.objects.filter(pk=occurrence.pk).update(start=start, end=start + duration)
        occurrence.refresh_from_db()
    attendees = list(event.attendees.order_by("created_at", "name"))
    host = next(a for a in attendees if a.user_id == organizer.pk)
    return Room(occurrence=occurrence, host=host, people=[a for a in attendees if a.pk != host.pk])


def session_cookie_for(attendee: Attendee, *, signed_in: bool = True) -> str:
    """The cookie of a browser that followed the attendee's link; one with an account is signed in
    too (``signed_in`` False: the link alone, as a forwarded link would be)."""
    session = SessionStore()
    remember_attendee(session, attendee)
    if signed_in and attendee.user_id is not None:
        sign_in(session, attendee.user)
    session.save()
    return f"sessionid={session.session_key}"


def sign_in(session, user) -> None:
    """What ``django.contrib.auth.login`` leaves in a session."""
    session[auth.SESSION_KEY] = str(user.pk)
    session[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
