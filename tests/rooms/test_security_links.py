"""Links that can be taken back, and moderators who are who they say (issue 13).

A moderator's link opened in an anonymous browser gave full moderator powers; a rotated link still
let in the browser that had used the old one; revoke-then-rotate let a revoked browser back in.
"""

import asyncio

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client
from django.utils import timezone

from notifications.models import Message
from rooms.models import RoomState
from rooms.selectors import Knock, room_entries
from rooms.sessions import remember_attendee
from scheduling import services as scheduling
from scheduling.models import Attendee
from tests.rooms.factories import make_room
from tests.support import client as outside

pytestmark = pytest.mark.django_db(transaction=True)


def link_only_cookie(attendee) -> str:
    """A browser that followed the attendee's link and is signed in as nobody (a forwarded link)."""
    session = SessionStore()
    remember_attendee(session, attendee)
    session.save()
    return f"sessionid={session.session_key}"


def door(session, room, user=None):
    return room_entries(knocks=[Knock({"session": session, "user": user or AnonymousUser()}, room.id)],
                        now=timezone.now())[0]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- moderators --------------------------------------------------------------------------------


async def test_a_moderators_link_alone_gives_no_moderator_powers_on_the_socket(connect):
    room = await sync_to_async(make_room)(kind="test-lobby", people=("Ani", "Gita"), roles=("participant", "guest"))
    gita = room.people[1]
    cookie = await sync_to_async(link_only_cookie)(room.host)
    forwarded = await connect(room.id, cookie=cookie)
    hello = await forwarded.until("hello")
    assert hello["you"]["moderator"] is False and hello["you"]["status"] == "waiting"
    await forwarded.until("lobby.waiting")
    guest = await connect(room.id, gita)
    await guest.until("lobby.waiting")
    await forwarded.send({"type": "lobby.admit", "participant": str(gita.pk)})
    assert (await forwarded.until("error"))["code"] == "forbidden"

    # The seat signed in as its account moderates; even let in, the link alone still may not.
    host = await connect(room.id, room.host)
    assert (await host.until("hello"))["you"]["moderator"] is True
    await host.send({"type": "lobby.admit", "participant": str(room.host.pk)})
    await forwarded.until("lobby.admitted")
    for message in (
        {"type": "lobby.admit", "participant": str(gita.pk)},
        {"type": "lobby.deny", "participant": str(gita.pk), "reason": "pergi"},
        {"type": "room.set_status", "status": "live", "reason": ""},
        {"type": "media.mute_request", "participant": str(gita.pk)},
    ):
        await forwarded.send(message)
        assert (await forwarded.until("error"))["code"] == "forbidden", message
    assert not await sync_to_async(RoomState.objects.filter(occurrence=room.occurrence).exists)()
    await host.send({"type": "lobby.admit", "participant": str(gita.pk)})
    await guest.until("lobby.admitted")


def test_a_moderators_link_in_an_anonymous_browser_asks_to_sign_in():
    room = make_room()
    browser = Client()
    response = browser.get(room.host.join_path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/rooms/{room.id}/"
    assert room.host.join_token not in response["Location"]
    login_page = browser.get(response["Location"]).content.decode()
    assert "a link alone never gives a moderator" in login_page
    assert browser.get(f"/rooms/{room.id}/").status_code == 403  # the link was not remembered
    assert "hadir_links" not in browser.session and "hadir_attendees" not in browser.session

    assert browser.login(username=room.host.user.username, password="x")
    assert browser.get(response["Location"].split("next=")[1]).status_code == 200
    assert browser.get(room.host.join_path)["Location"] == f"/rooms/{room.id}/"


def test_signed_in_as_someone_else_a_moderators_link_still_asks_to_sign_in():
    room = make_room()
    other = make_room().host.user
    response = signed_in(other).get(room.host.join_path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_door_gives_a_link_only_moderator_seat_no_powers_and_the_lobby():
    room = make_room(kind="test-lobby", people=("Ani",))
    session = {}
    remember_attendee(session, room.host)
    entry = door(session, room)
    assert (entry.moderator, entry.admitted) == (False, False)
    assert '"moderator":false' in entry.info
    assert door(session, room, user=room.host.user).moderator is True


# --- taking links back -------------------------------------------------------------------------


def test_a_rotated_link_keeps_out_the_browser_that_used_the_old_one():
    room = make_room()
    ani = room.people[0]
    browser = Client()
    browser.get(ani.join_path)
    assert browser.get(f"/rooms/{room.id}/").status_code == 200
    scheduling.attendee_token_rotate(attendee=ani, by=room.host.user)
    assert browser.get(f"/rooms/{room.id}/").status_code == 403
    assert door(browser.session, room).close == 4403
    # The new link lets a browser in again.
    ani.refresh_from_db()
    browser.get(ani.join_path)
    assert browser.get(f"/rooms/{room.id}/").status_code == 200


def test_revoke_then_rotate_does_not_readmit_the_revoked_browser():
    room = make_room()
    ani = room.people[0]
    browser = Client()
    browser.get(ani.join_path)
    scheduling.attendee_token_revoke(attendee=ani, by=room.host.user)
    assert browser.get(f"/rooms/{room.id}/").status_code == 403
    scheduling.attendee_token_rotate(attendee=ani, by=room.host.user)
    assert browser.get(f"/rooms/{room.id}/").status_code == 403
    assert door(browser.session, room).close == 4403


async def test_revoking_closes_the_open_sockets_of_the_link_with_4403(connect):
    room = await sync_to_async(make_room)(people=("Ani", "Budi"))
    ani, budi = room.people
    cookie = await sync_to_async(link_only_cookie)(ani)
    tab = await connect(room.id, cookie=cookie)
    await tab.until("presence.state")
    other = await connect(room.id, budi)
    await other.until("presence.state")
    await sync_to_async(lambda: scheduling.attendee_token_revoke(attendee=ani, by=room.host.user))()
    assert await tab.closed() == 4403
    again = await connect(room.id, cookie=cookie)  # the same browser
    assert await again.closed() == 4403


# --- who may, and the API ----------------------------------------------------------------------


def test_the_api_rotates_revokes_and_resends_for_the_organiser_only():
    room = make_room()
    ani, budi = room.people
    organiser = signed_in(room.host.user)
    stranger = signed_in(make_room().host.user)
    url = f"/api/attendees/{ani.pk}/link/"
    for action in ("rotate", "revoke", "resend"):
        response = stranger.post(url + f"{action}/")
        assert response.status_code == 403 and "organiser" in response.json()["detail"]
    assert Client().post(url + "revoke/").status_code in (401, 403)
    before = Attendee.objects.get(pk=ani.pk).join_token_hash

    rotated = organiser.post(url + "rotate/")
    assert rotated.status_code == 200 and rotated.json() == {"id": str(ani.pk), "link": "active"}
    ani.refresh_from_db()
    assert ani.join_token_hash != before and ani.join_token not in rotated.content.decode()

    invites = Message.objects.filter(attendee=ani, kind=Message.Kind.INVITE, channel=Message.Channel.EMAIL)
    count = invites.count()
    assert organiser.post(url + "resend/").status_code == 200
    assert organiser.post(url + "resend/").status_code == 200  # a double click: one message
    assert invites.count() == count + 1
    assert invites.order_by("-id").first().url == ani.join_path

    assert organiser.post(url + "revoke/").json() == {"id": str(ani.pk), "link": "revoked"}
    refused = organiser.post(url + "resend/")
    assert refused.status_code == 400 and "withdrawn" in str(refused.json())
    assert organiser.post(f"/api/attendees/{budi.pk}/link/explode/").status_code == 404


def test_the_organisers_page_has_the_buttons_and_they_work():
    room = make_room()
    ani = room.people[0]
    organiser = Client(enforce_csrf_checks=True)
    organiser.force_login(room.host.user)
    page = organiser.get(f"/schedule/events/{room.occurrence.event_id}/people/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/schedule/people/{ani.pk}/link/rotate/" in body and ani.join_token not in body
    assert signed_in(make_room().host.user).get(f"/schedule/events/{room.occurrence.event_id}/people/") \
        .status_code == 404

    token = organiser.cookies["csrftoken"].value
    before = ani.join_token_hash
    response = organiser.post(f"/schedule/people/{ani.pk}/link/rotate/",
                              {"csrfmiddlewaretoken": token, "next": "https://evil.example/"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/schedule/events/{room.occurrence.event_id}/people/"
    assert "has a new link" in response.content.decode()
    ani.refresh_from_db()
    assert ani.join_token_hash != before
    assert organiser.post(f"/schedule/people/{ani.pk}/link/revoke/").status_code == 403  # no CSRF token


# --- on a real Daphne, and across processes ----------------------------------------------------


@pytest.fixture
async def close_db_thread():
    """sync_to_async's thread keeps its database connection; close it so the test DB can go."""
    yield
    await sync_to_async(connections.close_all)()


@sync_to_async
def username_of(attendee) -> str:
    return attendee.user.username


async def closed_with(ws) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    return closed.value.rcvd.code


@pytest.mark.e2e
async def test_on_daphne_revoke_closes_the_socket_and_rotate_does_not_bring_the_browser_back(
    daphne_server, close_db_thread
):
    room = await sync_to_async(make_room)(people=("Ani", "Budi"))
    ani = room.people[0]
    base, path = daphne_server.base_url, f"/ws/rooms/{room.id}/"
    browser = outside.Browser(base)
    await asyncio.to_thread(browser.get, ani.join_path)
    ws = await outside.connect(daphne_server.ws_url, path, cookie=browser.cookie_header())
    await outside.receive_until(ws, "presence.state")
    organiser = outside.Browser(base)
    await asyncio.to_thread(organiser.login, await username_of(room.host), "x")

    assert await asyncio.to_thread(organiser.post, f"/api/attendees/{ani.pk}/link/revoke/") == 200
    assert await closed_with(ws) == 4403
    assert await asyncio.to_thread(browser.status, f"/rooms/{room.id}/") == 403
    assert await asyncio.to_thread(organiser.post, f"/api/attendees/{ani.pk}/link/rotate/") == 200
    assert await asyncio.to_thread(browser.status, f"/rooms/{room.id}/") == 403
    again = await outside.connect(daphne_server.ws_url, path, cookie=browser.cookie_header())
    assert await closed_with(again) == 4403

    await sync_to_async(ani.refresh_from_db)()
    fresh = outside.Browser(base)
    await asyncio.to_thread(fresh.get, ani.join_path)  # the new link works
    assert await asyncio.to_thread(fresh.status, f"/rooms/{room.id}/") == 200


@pytest.mark.e2e
async def test_a_rotation_on_one_process_closes_the_socket_on_another(daphne_factory, redis_url, close_db_thread):
    one = await asyncio.to_thread(daphne_factory, REDIS_URL=redis_url)
    two = await asyncio.to_thread(daphne_factory, REDIS_URL=redis_url)
    room = await sync_to_async(make_room)(people=("Ani", "Budi"))
    ani = room.people[0]
    cookie = await asyncio.to_thread(outside.session_cookie, one.base_url, ani.join_path)
    ws = await outside.connect(one.ws_url, f"/ws/rooms/{room.id}/", cookie=cookie)
    await outside.receive_until(ws, "presence.state")
    organiser = outside.Browser(two.base_url)
    await asyncio.to_thread(organiser.login, await username_of(room.host), "x")
    assert await asyncio.to_thread(organiser.post, f"/schedule/people/{ani.pk}/link/rotate/") == 200
    assert await closed_with(ws) == 4403
