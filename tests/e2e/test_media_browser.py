"""Built-in audio and video between Chromium pages over loopback (fake camera and microphone):
two and then three participants decode each other's video and receive each other's audio; one
leaves and the others let go of its connection; above the mesh size the external link shows."""

import os
import time
from pathlib import Path

import pytest

from tests.e2e.test_room_browser import made_elsewhere, open_link

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# The screenshots in docs/ are refreshed only when asked (HADIR_SCREENSHOTS=1), so that a test run
# leaves the work tree as it was.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT = 45000


def enter(browser, server, attendee, *, language="en"):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": server.base_url}])
    page = context.new_page()
    page.add_init_script("window.hadirMediaTrace = []")
    open_link(page, server, attendee)
    page.wait_for_selector("#media-join:enabled", state="visible", timeout=TIMEOUT)
    page.click("#media-join")
    page.wait_for_selector("#media-self-video", timeout=TIMEOUT)
    return context, page


def stats(page):
    return page.evaluate("() => window.hadirMedia.stats()")


def until(page, check, what, read=stats):
    """Poll what ``read`` gives of this page (its connection stats unless said; every half second,
    for up to TIMEOUT) until ``check`` holds."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while True:
        current = read(page)
        if check(current):
            return current
        if time.monotonic() > deadline:
            print("TRACE", page.evaluate("() => window.hadirMediaTrace.join('\\n')"))
            raise AssertionError(f"{what}: {current}")
        page.wait_for_timeout(500)


def wait_receiving(page, others):
    """Until this page decodes video and receives audio from every one of ``others``, growing."""
    ids = {str(other.pk) for other in others}

    def receiving(current):
        return set(current) == ids and all(
            current[i]["framesDecoded"] > 0 and current[i]["audioPackets"] > 0 for i in ids
        )

    before = until(page, receiving, "no video or audio")
    after = until(page, lambda current: receiving(current) and all(
        current[i]["framesDecoded"] > before[i]["framesDecoded"]
        and current[i]["audioPackets"] > before[i]["audioPackets"] for i in ids
    ), "video or audio stopped")
    assert all(after[i]["state"] == "connected" and after[i]["tile"] == "connected" for i in ids), after


def first_frame_ms(page):
    return page.evaluate("() => window.hadirMedia.timeToFirstFrame()")


def test_two_then_three_participants_see_and_hear_each_other(daphne_factory, browser, tmp_path):
    server = daphne_factory(HADIR_PRESENCE_AWAY_SECONDS=2)
    room = made_elsewhere()  # the host, Ani and Budi
    ani, budi = room.people
    host = room.host
    host_context, host_page = enter(browser, server, host, language="id")
    ani_context, ani_page = enter(browser, server, ani)
    wait_receiving(host_page, [ani])
    wait_receiving(ani_page, [host])
    times = {"host (2 people)": first_frame_ms(host_page), "Ani (2 people)": first_frame_ms(ani_page)}

    budi_context, budi_page = enter(browser, server, budi)
    wait_receiving(budi_page, [host, ani])
    wait_receiving(host_page, [ani, budi])
    wait_receiving(ani_page, [host, budi])
    times["Budi (3 people)"] = first_frame_ms(budi_page)
    # Presence shows who has camera and microphone on.
    ani_page.wait_for_selector(f'#participants li[data-id="{budi.pk}"] .media-flags', timeout=TIMEOUT)

    screenshots = DOCS_SCREENSHOTS if os.environ.get("HADIR_SCREENSHOTS") == "1" else tmp_path
    screenshots.mkdir(parents=True, exist_ok=True)
    ani_page.screenshot(path=str(screenshots / "room-three-people-en.png"), full_page=True)
    host_page.screenshot(path=str(screenshots / "room-three-people-id.png"), full_page=True)
    assert "Matikan kamera" in host_page.inner_text("#media-toggle-camera")

    budi_context.close()
    for page in (host_page, ani_page):
        page.wait_for_function(f"() => !window.hadirMedia.peers().includes('{budi.pk}')", timeout=TIMEOUT)
        page.wait_for_selector(f'.media-tile[data-peer="{budi.pk}"]', state="detached", timeout=TIMEOUT)
    assert host_page.evaluate("() => window.hadirMedia.peers()") == [str(ani.pk)]
    wait_receiving(ani_page, [host])
    for who, ms in times.items():
        assert ms is not None and ms > 0
        print(f"admission to first decoded remote frame, {who}: {ms:.0f} ms")
    host_context.close()
    ani_context.close()


def test_above_the_mesh_size_the_room_shows_the_external_link(daphne_factory, browser):
    server = daphne_factory(HADIR_MESH_MAX_PARTICIPANTS=2)
    room = made_elsewhere()  # three people: more than the mesh takes
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base_url + room.people[0].join_path)
    page.wait_for_selector("#media-link", state="visible", timeout=TIMEOUT)
    assert page.get_attribute("#media-link", "href").startswith("https://meet.jit.si/hadir-")
    assert page.query_selector("#media-join") is None
    assert page.evaluate("() => window.hadirMedia.peers()") == []
    context.close()


def test_a_removed_participant_stops_and_the_others_let_go(daphne_factory, browser):
    server = daphne_factory()
    room = made_elsewhere()
    ani = room.people[0]
    host_context, host_page = enter(browser, server, room.host)
    ani_context, ani_page = enter(browser, server, ani)
    wait_receiving(host_page, [ani])
    wait_receiving(ani_page, [room.host])
    host_page.evaluate(f"() => window.hadirRoom.send({{type: 'lobby.deny', participant: '{ani.pk}'}})")
    ani_page.wait_for_selector("#closed", state="visible", timeout=TIMEOUT)
    ani_page.wait_for_function("() => window.hadirMedia.peers().length === 0", timeout=TIMEOUT)
    assert ani_page.is_hidden("#media")
    assert ani_page.evaluate(
        "() => !document.getElementById('media-preview').srcObject.getTracks().some(t => t.readyState === 'live')"
    )
    host_page.wait_for_function("() => window.hadirMedia.peers().length === 0", timeout=TIMEOUT)
    host_page.wait_for_selector(f'.media-tile[data-peer="{ani.pk}"]', state="detached", timeout=TIMEOUT)
    host_context.close()
    ani_context.close()
