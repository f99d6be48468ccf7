"""Low-bandwidth mode through a real Janus (issue 20): in a class of four, one person switches to
audio only; their page then receives exactly one inbound audio stream (the mix of an AudioBridge room
Hadir fed with the others' VideoRoom audio), with sound in it and no video, while the others still
hear them through the VideoRoom; switching back brings everyone's video back."""

import time

import pytest

from media.janus import AUDIOBRIDGE, VIDEOROOM, JanusServer
from media.models import AudioBridge
from tests.e2e.test_janus_browser import receiving_from
from tests.e2e.test_media_browser import TIMEOUT, enter, until
from tests.rooms.factories import make_room
from tests.support.axe import axe, describe
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def mix(page):
    return page.evaluate("() => window.hadirMedia.audioOnly()")


def mix_until(page, check, what):
    return until(page, lambda current: bool(current) and check(current), what, read=mix)


def test_audio_only_receives_one_mixed_stream_and_is_still_heard(daphne_factory, browser, janus):
    server = daphne_factory(**janus.settings())
    room = in_thread(lambda: make_room(people=("Ani", "Budi", "Cici")))
    in_thread(lambda: room.host.user)
    people = [room.host, *room.people]
    # Cici's page is in Indonesian: the switch says so in her language.
    pages = {str(person.pk): enter(browser, server, person, language="id" if person == room.people[2] else "en")[1]
             for person in people}
    ids = list(pages)
    for me, page in pages.items():
        until(page, receiving_from([i for i in ids if i != me]), f"{me} does not receive from everyone")

    cici = str(room.people[2].pk)
    page = pages[cici]
    assert page.inner_text("#media-audio-only") == "Hanya audio"
    page.click("#media-audio-only")
    assert page.get_attribute("#media-audio-only", "aria-pressed") == "true"
    found = axe(page, include="#media")
    assert not found, describe(found)
    first = mix_until(page, lambda m: m["state"] == "connected" and m["audioSamples"] > 0, "no mix")
    cpu_before, at = janus.cpu_seconds(), time.monotonic()
    page.wait_for_timeout(3000)
    later = mix(page)
    share = (janus.cpu_seconds() - cpu_before) / (time.monotonic() - at)
    print(f"janus with one audio-only listener (3 legs mixed, 3 video feeds among the others): {share * 100:.1f} %")
    assert later["inboundAudio"] == 1 and later["inboundVideo"] == 0, later
    assert later["audioSamples"] > first["audioSamples"], (first, later)
    # The fake microphones beep: a fed mix gains about 0.4 a second; an empty one (silence) 1e-9.
    print(f"mix energy gained in 3 s: {later['audioEnergy'] - first['audioEnergy']:.3g}")
    assert later["audioEnergy"] - first["audioEnergy"] > 0.05, ("the mix is silent", first, later)
    assert stats_of(page) == {}, "audio only keeps no subscription to anyone's feeds"
    assert page.evaluate("() => window.sessionStorage.getItem('hadir-audio-only')") == "1"

    # In Janus: Cici's bridge holds Hadir's three legs (the others' feeds, not hers) and her page.
    bridge = in_thread(lambda: AudioBridge.objects.select_related("grant__janus_room").get(closed_at__isnull=True))
    server = JanusServer(url=janus.url, admin_url=janus.admin_url, api_secret=janus.api_secret,
                         admin_secret=janus.admin_secret, admin_key=janus.admin_key)
    listed = server.plugin_request(AUDIOBRIDGE, {"request": "listparticipants", "room": bridge.room})
    legs = sorted(p["display"] for p in listed["participants"] if p["display"].startswith("feed "))
    publishers = server.plugin_request(VIDEOROOM, {"request": "listparticipants", "room": bridge.grant.janus_room.room})
    others = sorted(f"feed {p['id']}" for p in publishers["participants"] if p["display"] != cici)
    assert legs == others and bridge.own_feed is not None, (legs, others, bridge.own_feed)
    assert [p["display"] for p in listed["participants"] if not p["display"].startswith("feed ")] == [cici]

    # The others still hear Cici (her microphone stays published in the VideoRoom); her camera no
    # longer goes up.
    ani = pages[str(room.people[0].pk)]
    before = stats_of(ani)[cici]
    ani.wait_for_timeout(2000)
    after = stats_of(ani)[cici]
    assert after["audioSamples"] > before["audioSamples"], (before, after)
    assert after["framesDecoded"] == before["framesDecoded"], (before, after)

    # Remembered for the tab's session: after a reload, joining goes straight to the mix.
    page.reload()
    page.wait_for_selector("#media-join:enabled", state="visible", timeout=TIMEOUT)
    page.click("#media-join")
    assert page.get_attribute("#media-audio-only", "aria-pressed") == "true"
    mix_until(page, lambda m: m["state"] == "connected" and m["audioEnergy"] > 0.05, "no mix after a reload")
    assert stats_of(page) == {}

    # Back to audio and video: every feed again, and the mix is let go.
    page.click("#media-audio-only")
    until(page, receiving_from([i for i in ids if i != cici]), "video does not come back")
    assert mix(page)["state"] is None
    assert not in_thread(lambda: AudioBridge.objects.filter(closed_at__isnull=True).exists())
    for context in {p.context for p in pages.values()}:
        context.close()


def stats_of(page):
    return page.evaluate("() => window.hadirMedia.stats()")
