"""The bench and the clerk moderate only when signed in as themselves; the clerks take links back
(issue 13: the clerk's or judge's link opened in an anonymous browser gave full moderator powers)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearings import services
from hearings.models import Role
from rooms import services as room_services
from rooms.errors import Forbidden, Invalid
from rooms.selectors import Knock, room_entries
from rooms.sessions import remember_attendee
from tests.hearings.conftest import seat


@pytest.fixture
def now_sitting(schedule):
    """A hearing whose room is open now."""
    return schedule(start=timezone.now() + timedelta(minutes=2))


def door(hearing, attendee, user=None):
    session = {}
    remember_attendee(session, attendee)
    knock = Knock({"session": session, "user": user or AnonymousUser()}, str(hearing.occurrence_id))
    return room_entries(knocks=[knock], now=timezone.now())[0]


@pytest.mark.parametrize("role", [Role.CLERK, Role.PRESIDING_JUDGE])
def test_the_clerks_and_the_judges_links_in_an_anonymous_browser_ask_to_sign_in(now_sitting, role):
    attendee = seat(now_sitting, role).attendee
    browser = Client()
    response = browser.get(attendee.join_path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/rooms/{now_sitting.occurrence_id}/"
    assert "moderator" in browser.get(response["Location"]).content.decode()
    entry = door(now_sitting, attendee)
    assert (entry.moderator, entry.admitted) == (False, False)
    assert door(now_sitting, attendee, user=attendee.user).moderator is True


def test_a_judge_without_an_account_takes_part_from_the_lobby_and_never_moderates(now_sitting, clerk):
    hearing = services.hearing_schedule(
        case=now_sitting.case, start=timezone.now() + timedelta(minutes=3), duration=timedelta(hours=1),
        courtroom="Ruang Lain", agenda="Sidang kedua", by=clerk, allow_conflicts=True,
        presiding_judge=services.Person("Hakim Tanpa Akun", "tanpa.akun@example.org"),  # as the clerk's form does
    )
    judge = seat(hearing, Role.PRESIDING_JUDGE).attendee
    browser = Client()
    assert browser.get(judge.join_path)["Location"] == f"/rooms/{hearing.occurrence_id}/"
    entry = door(hearing, judge)
    assert (entry.moderator, entry.admitted) == (False, False)
    with pytest.raises(Forbidden):
        room_services.room_status_set(occurrence=hearing.occurrence, status="open", by=judge)
    clerk_seat = seat(hearing, Role.CLERK).attendee
    # The clerk, signed in, lets the judge in, and may send a stranger holding the link away.
    room_services.lobby_admit(occurrence=hearing.occurrence, attendee=judge, by=clerk_seat)
    entry = door(hearing, judge)
    assert (entry.moderator, entry.admitted) == (False, True)
    room_services.lobby_deny(occurrence=hearing.occurrence, attendee=judge, by=clerk_seat, reason="Bukan hakim")
    with pytest.raises(Invalid):
        room_services.lobby_deny(occurrence=hearing.occurrence, attendee=clerk_seat, by=clerk_seat)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_clerks_rotate_withdraw_and_resend_from_the_hearing_page(world, clerk):
    hearing, party = world["public"], world["defendant_seat"].attendee
    url = reverse("hearings:hearing", args=[hearing.pk])
    as_clerk = signed_in(clerk)
    page = as_clerk.get(url).content.decode()
    assert f"/schedule/people/{party.pk}/link/rotate/" in page and party.join_token not in page
    assert "/link/rotate/" not in signed_in(world["defendant"]).get(url).content.decode()

    before = party.join_token_hash
    response = as_clerk.post(f"/schedule/people/{party.pk}/link/rotate/", {"next": url}, follow=True)
    assert response.redirect_chain[-1][0] == url and "has a new link" in response.content.decode()
    party.refresh_from_db()
    assert party.join_token_hash != before
    assert as_clerk.post(f"/api/attendees/{party.pk}/link/revoke/").json()["link"] == "revoked"
    assert "link withdrawn" in as_clerk.get(url).content.decode()
    # Another court's clerk and the party themself may not.
    assert signed_in(world["other_clerk"]).post(f"/api/attendees/{party.pk}/link/rotate/").status_code == 403
    assert signed_in(world["defendant"]).post(f"/api/attendees/{party.pk}/link/rotate/").status_code == 403
