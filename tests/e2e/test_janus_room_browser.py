"""The room page through a real Janus (issue 20), in Chromium with fake devices: the cameras on
screen follow who speaks (one page's microphone plays a tone, the others' a silent file), the rest
are listed and shown on request, each page shows its connection quality and the moderator sees
everyone's; a Janus killed and restarted during the sitting gets every page's media back without
a reload."""

import math
import struct
import time
import wave

import pytest

from tests.e2e.test_janus_browser import receiving_from
from tests.e2e.test_media_browser import TIMEOUT, enter, stats, until
from tests.rooms.factories import make_room
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# Back within this after Janus answers again: the poll notices at once, a ticket is asked after a second.
RECONNECT_SECONDS = 30


def wav(path, *, tone: bool):
    """Two seconds of a 440 Hz tone at half scale, or of silence (Chromium loops the file)."""
    rate = 48000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        samples = (int(16000 * math.sin(2 * math.pi * 440 * i / rate)) if tone else 0 for i in range(2 * rate))
        out.writeframes(b"".join(struct.pack("<h", sample) for sample in samples))
    return path


def browser_hearing(browser, chromium, audio_file):
    """Another Chromium whose fake microphone plays ``audio_file``."""
    return browser.browser_type.launch(
        executable_path=chromium, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={audio_file}",
              "--allow-loopback-in-peer-connection"])


def layout(page):
    return page.evaluate("() => window.hadirMedia.layout()")


def until_layout(page, check, what):
    return until(page, check, what, read=layout)


def test_the_talker_comes_first_the_rest_are_listed_and_everyone_sees_quality(daphne_factory, browser, chromium,
                                                                             janus, tmp_path):
    server = daphne_factory(HADIR_MEDIA_TILES=2, **janus.settings())
    room = in_thread(lambda: make_room(people=("Ani", "Budi", "Cici")))
    in_thread(lambda: room.host.user)  # loaded here: the pages sign the moderator in
    host, ani, budi, cici = room.host, *room.people
    quiet = browser_hearing(browser, chromium, wav(tmp_path / "silent.wav", tone=False))
    loud = browser_hearing(browser, chromium, wav(tmp_path / "tone.wav", tone=True))
    try:
        # Cici talks and enters last: without the talking events she would be the one left off screen.
        pages = {str(person.pk): enter(quiet, server, person)[1] for person in (host, ani, budi)}
        pages[str(cici.pk)] = enter(loud, server, cici)[1]
        host_page, cici_id = pages[str(host.pk)], str(cici.pk)
        for me, page in pages.items():  # every microphone, whatever is on screen
            others = [i for i in pages if i != me]
            until(page, lambda now, others=others: set(others) <= set(now)
                  and all(now[i]["audioSamples"] > 0 for i in others), f"{me} does not hear everyone")

        seen = until_layout(host_page, lambda now: now["shown"][:1] == [cici_id] and len(now["others"]) == 1,
                            "the talker is not first on the moderator's page")
        assert seen["limit"] == 2 and len(seen["shown"]) == 2
        hidden = seen["others"][0]
        # Off screen: listed with the microphone's state, still heard, no video sent.
        item = host_page.locator(f'#media-others-list li[data-id="{hidden}"]')
        assert item.is_visible() and "microphone" in item.inner_text()
        assert host_page.locator(f'#media-tiles figure[data-peer="{hidden}"]').is_hidden()
        before = stats(host_page)[hidden]
        host_page.wait_for_timeout(2000)
        after = stats(host_page)[hidden]
        assert after["audioSamples"] > before["audioSamples"], "an off-screen participant must stay audible"
        playing = host_page.evaluate(f"""() => {{
            const video = document.querySelector('#media-tiles figure[data-peer="{hidden}"] video');
            return !video.paused && !video.muted
                && video.srcObject.getAudioTracks().some((track) => track.readyState === "live");
        }}""")
        assert playing, "the off-screen tile's element must keep playing its audio"
        assert after["framesDecoded"] - before["framesDecoded"] < 10, (before, after)
        assert seen["layers"][hidden] == -1 and seen["layers"][cici_id] == 1

        # Shown on request: pinned first (the top layer), the talker next; the one it displaced is listed.
        item.locator("button.show-feed").click()
        pinned = until_layout(host_page, lambda now: now["pinned"] == hidden and now["shown"][0] == hidden,
                              "the requested participant is not shown")
        assert pinned["shown"][1] == cici_id and pinned["layers"][hidden] == 2
        until(host_page, lambda now: now[hidden]["framesDecoded"] > after["framesDecoded"] + 10,
              "the pinned participant's video does not come back")
        print("decoded widths on the moderator's page:", {k: v["width"] for k, v in stats(host_page).items()})

        # Quality: every page shows its own level, and the moderator's page lists each participant's as
        # their page measured it (loopback on a loaded machine may well be "fair": the level is not fixed).
        for page in pages.values():
            page.wait_for_selector("#media-quality:not([hidden])", timeout=TIMEOUT)
            level = page.evaluate("() => window.hadirMedia.quality()")
            print("quality:", level)
            assert page.locator("#media-quality").inner_text() == f"Connection: {level['level']}"
        deadline = time.monotonic() + TIMEOUT / 1000
        while True:
            measured = {me: page.evaluate("() => window.hadirMedia.quality().level") for me, page in pages.items()}
            listed = host_page.evaluate("() => Object.fromEntries("
                                        "Array.from(window.hadirRoom.people().values()).map((p) => [p.id, p.quality]))")
            if all(listed.get(me) == level for me, level in measured.items()):
                break
            assert time.monotonic() < deadline, (measured, listed)
            host_page.wait_for_timeout(500)
        struggling = [me for me, level in measured.items() if level != "good" and me != str(host.pk)]
        for me in struggling:  # the moderator sees who struggles in the participant list
            badge = host_page.locator(f'#participants li[data-id="{me}"] .badge.quality')
            assert badge.inner_text() == f"connection {measured[me]}"
        # A poor connection, as a page on a weak network reports it: flagged on the moderator's list.
        ani_page = pages[str(ani.pk)]
        ani_page.wait_for_timeout(2100)  # past the per-connection rate limit of the page's own report
        ani_page.evaluate("() => window.hadirRoom.send({type: 'media.quality', level: 'poor'})")
        badge = host_page.locator(f'#participants li[data-id="{ani.pk}"] .badge.quality')
        badge.wait_for(timeout=TIMEOUT)
        assert badge.inner_text() == "connection poor"
    finally:
        quiet.close()
        loud.close()


def test_a_janus_restart_reconnects_every_page_without_leaving_the_room(daphne_factory, browser, janus):
    server = daphne_factory(**janus.settings())
    room = in_thread(lambda: make_room(people=("Ani",)))
    in_thread(lambda: room.host.user)
    pages = {str(person.pk): enter(browser, server, person)[1] for person in (room.host, room.people[0])}
    for me, page in pages.items():
        until(page, receiving_from([i for i in pages if i != me]), f"{me} does not receive")
        page.evaluate("() => { window.stillTheSamePage = true; }")

    janus.restart()
    started = time.monotonic()
    for me, page in pages.items():
        other = next(i for i in pages if i != me)
        until(page, lambda now, other=other: other in now and now[other]["starts"] >= 2
              and now[other]["framesDecoded"] > 0 and now[other]["audioSamples"] > 0,
              f"{me} does not receive again after the restart")
    elapsed = time.monotonic() - started
    print(f"janus restart to every page decoding again: {elapsed:.1f} s")
    assert elapsed < RECONNECT_SECONDS
    for page in pages.values():
        assert page.evaluate("() => window.stillTheSamePage") is True  # not reloaded
        assert page.locator("#room").is_visible()
