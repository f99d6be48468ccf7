"""Two Chromium pages join one room; each sees the other appear, and then leave."""

import pytest

from tests.rooms.factories import make_room
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def made_elsewhere():
    """Playwright's sync API runs an event loop in this thread: Django's ORM goes to another one
    (which closes its connection, so that the test database can be dropped)."""

    def make():
        room = make_room()
        room.host.user  # loaded here, for ``open_link`` to sign in with
        return room

    return in_thread(make)


def open_link(page, server, attendee):
    """Follow the attendee's link as they would: a moderator's leads to the login page first (a link
    alone never moderates), and after signing in to the room."""
    page.goto(server.base_url + attendee.join_path)
    if "/accounts/login/" in page.url:
        page.fill("input[name=username]", attendee.user.username)
        page.fill("input[name=password]", "x")
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_url("**/rooms/**")


def test_two_pages_see_each_other_arrive_and_leave(daphne_factory, browser):
    server = daphne_factory(HADIR_PRESENCE_AWAY_SECONDS=2)
    room = made_elsewhere()
    ani, budi = room.people
    first_context, second_context = browser.new_context(), browser.new_context()
    first, second = first_context.new_page(), second_context.new_page()
    first.goto(server.base_url + ani.join_path)
    first.wait_for_selector(f'#participants li[data-id="{ani.pk}"]', timeout=15000)
    second.goto(server.base_url + budi.join_path)
    second.wait_for_selector(f'#participants li[data-id="{ani.pk}"]', timeout=15000)
    first.wait_for_selector(f'#participants li[data-id="{budi.pk}"][data-status="present"]', timeout=15000)
    assert "Budi" in first.inner_text("#participants")

    second.fill("#chat-text", "<i>halo</i>")
    second.click("#chat-form button")
    first.wait_for_selector("#chat-log li .text", timeout=15000)
    assert first.inner_text("#chat-log li .text") == "<i>halo</i>"

    second_context.close()
    first.wait_for_selector(f'#participants li[data-id="{budi.pk}"][data-status="away"]', timeout=15000)
    first.wait_for_selector(f'#participants li[data-id="{budi.pk}"]', state="detached", timeout=15000)
    assert first.inner_text("#people-count") == "1"
    first_context.close()


def test_a_moderator_changes_the_status_and_the_banner_follows_in_bahasa_indonesia(daphne_factory, browser):
    server = daphne_factory()
    room = made_elsewhere()
    host_context = browser.new_context()
    guest_context = browser.new_context()
    guest_context.add_cookies([{"name": "django_language", "value": "id", "url": server.base_url}])
    host, guest = host_context.new_page(), guest_context.new_page()
    open_link(host, server, room.host)
    guest.goto(server.base_url + room.people[0].join_path)
    guest.wait_for_selector(f'#participants li[data-id="{room.people[0].pk}"]', timeout=15000)
    assert guest.inner_text("#status-banner") == "Terjadwal"
    assert guest.is_hidden("#moderation")
    host.wait_for_selector("#status-select option[value='live']", state="attached", timeout=15000)
    host.select_option("#status-select", "live")
    host.fill("#status-reason-input", "Mulai")
    host.click("#status-submit")
    guest.wait_for_function("document.getElementById('status-banner').textContent === 'Berlangsung'", timeout=15000)
    assert guest.inner_text("#status-reason") == "Mulai"
    host_context.close()
    guest_context.close()
