"""In-app notices: live over /ws/notifications/ to the user's open pages, and the notifications page."""

import asyncio
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from notifications.models import Message
from notifications.services import notice_send
from tests.notifications import factories
from tests.support.client import connect, receive_json, receive_until


def _off_loop(function, *args, **kwargs):
    """Run ORM work in a worker thread and close that thread's connection (the test database is
    dropped at the end, which fails while a connection is still open)."""
    try:
        return function(*args, **kwargs)
    finally:
        connection.close()


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.mark.e2e
def test_live_notice_reaches_the_users_socket_only(transactional_db, daphne_factory, sync_tasks):
    server = daphne_factory(HADIR_NOTIFY_POLL_SECONDS=1)
    alice = factories.user("alice", email="alice@example.test")
    bob = factories.user("bob", email="bob@example.test")
    alice_cookie, bob_cookie = _session_cookie(alice), _session_cookie(bob)

    async def scenario():
        anonymous = await connect(server.ws_url, "/ws/notifications/")
        with pytest.raises(Exception) as closed:
            await receive_json(anonymous)
        assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == 4401

        alice_ws = await connect(server.ws_url, "/ws/notifications/", cookie=alice_cookie)
        bob_ws = await connect(server.ws_url, "/ws/notifications/", cookie=bob_cookie)
        assert await receive_json(alice_ws) == {"type": "notice.hello", "unread": 0}
        assert await receive_json(bob_ws) == {"type": "notice.hello", "unread": 0}

        await asyncio.to_thread(_off_loop, notice_send, user=alice, text="Your hearing moved", url="/somewhere/")
        notice = await receive_until(alice_ws, "notice", timeout=20)
        assert notice["text"] == "Your hearing moved" and notice["url"] == "/somewhere/"

        await alice_ws.send("not json")
        assert (await receive_until(alice_ws, "error"))["code"] == "unknown_type"
        await alice_ws.send(json.dumps({"type": "notice.read", "ids": "all"}))
        assert (await receive_until(alice_ws, "error"))["code"] == "invalid"
        await alice_ws.send(json.dumps({"type": "notice.read"}))
        assert (await receive_until(alice_ws, "notice.unread")) == {"type": "notice.unread", "unread": 0}

        with pytest.raises(asyncio.TimeoutError):
            await receive_until(bob_ws, "notice", timeout=3)
        await alice_ws.close()
        await bob_ws.close()

    asyncio.run(scenario())
    row = Message.objects.get(user=alice)
    assert row.status == Message.Status.SENT and row.read_at is not None


def test_notifications_page_read_and_unread(db, client):
    alice = factories.user("alice")
    bob = factories.user("bob")
    first = notice_send(user=alice, text="First notice", url="/a/")
    notice_send(user=alice, text="Second notice", url="/b/")
    notice_send(user=bob, text="Bob's notice", url="/c/")
    page = reverse("notifications:inbox")

    assert client.get(page).status_code == 302
    client.force_login(alice)
    body = client.get(page).content.decode()
    assert "First notice" in body and "Second notice" in body and "Bob&#x27;s notice" not in body
    assert body.count("Mark as read") == 2

    client.post(reverse("notifications:mark_read"), {"id": str(first.pk)})
    first.refresh_from_db()
    assert first.is_read
    assert client.get(page).content.decode().count("Mark as read") == 1

    response = client.post(reverse("notifications:mark_read"), {"id": "x"}, follow=True)
    assert response.status_code == 200 and "does not exist" in response.content.decode()
    client.post(reverse("notifications:mark_read"))
    assert not Message.objects.filter(user=alice, read_at__isnull=True).exists()
    assert Message.objects.filter(user=bob, read_at__isnull=True).count() == 1

    assert client.get(reverse("home")).status_code == 200
    assert page in client.get(reverse("home")).content.decode()


@pytest.mark.browser
@pytest.mark.e2e
def test_live_notice_shows_on_an_open_page_and_in_the_inbox(transactional_db, daphne_factory, sync_tasks, browser):
    from concurrent.futures import ThreadPoolExecutor

    server = daphne_factory(HADIR_NOTIFY_POLL_SECONDS=1)
    orm = ThreadPoolExecutor(1)  # the ORM stays off Playwright's event loop
    alice = orm.submit(_off_loop, factories.user, "alice", email="alice@example.test").result()
    cookie = orm.submit(_off_loop, _session_cookie, alice).result().split("=", 1)[1]
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.base_url}])
    home, inbox = context.new_page(), context.new_page()
    home.goto(f"{server.base_url}/")
    inbox.goto(f"{server.base_url}{reverse('notifications:inbox')}")
    inbox.wait_for_function("document.getElementById('unread-count').textContent === '0'")
    home.wait_for_timeout(1500)  # both sockets open

    orm.submit(_off_loop, notice_send, user=alice, text="Sidang dipindah", url="/x/").result()
    home.locator(".notice-toast", has_text="Sidang dipindah").wait_for(timeout=20_000)
    inbox.locator("#notice-list li.unread", has_text="Sidang dipindah").wait_for(timeout=20_000)
    assert inbox.locator("#unread-count").text_content() == "1"
    context.close()
    orm.shutdown()


@pytest.mark.parametrize("language, words", [("en", ["Invitation: Fisika", "Cancelled: Fisika"]),
                                              ("id", ["Undangan: Fisika", "Dibatalkan: Fisika"])])
def test_in_app_notices_read_in_the_readers_language(db, client, django_capture_on_commit_callbacks,
                                                     language, words):
    """The notice was stored when the invitation went out, in the language known then; its reader
    reads it in the language they have now."""
    from scheduling.services import event_cancel

    organiser = factories.user("guru")
    siti = factories.user("siti", email="siti@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        people = [{"name": "Siti", "email": siti.email, "user": siti}]
        event = factories.meeting(organiser, title="Fisika", people=people)
        event_cancel(event=event, by=organiser)
    assert Message.objects.filter(user=siti, channel="in_app").count() == 2
    client.force_login(siti)
    client.cookies["django_language"] = language
    body = client.get(reverse("notifications:inbox")).content.decode()
    assert all(word in body for word in words), body


def test_the_delivery_log_speaks_plainly(db, client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from scheduling.services import event_cancel, event_update

    organiser = factories.user("guru")
    with django_capture_on_commit_callbacks(execute=False):
        event = factories.meeting(organiser, title="Fisika", people=[{"name": "Siti", "email": "siti@example.org"}])
        event_update(event=event, by=organiser, start=event.start + timedelta(hours=1), allow_conflicts=True)
        event_cancel(event=event, by=organiser)
    client.force_login(organiser)
    body = client.get(reverse("notifications:event_log", args=[event.pk])).content.decode()
    assert "SEQUENCE" not in body and "REQUEST" not in body
    assert "Invitation" in body and "Updated invitation" in body and "Cancellation" in body
