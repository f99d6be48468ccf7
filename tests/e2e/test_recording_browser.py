"""Recording a hearing through a real Janus (issue 20): the clerk and a defendant in Chromium with
fake camera and microphone; the clerk starts the recording, both pages show it, about five seconds
later the clerk stops it, the sitting ends, the conversion runs, and ffprobe reads a file of about
five seconds with sound in it (an empty or silent file cannot pass)."""

import json
import subprocess
import time

import pytest

from hearings.models import StatusLogEntry
from media.convert import recording_convert
from media.models import Recording
from rooms import services as room_services
from tests.e2e.test_janus_browser import receiving_from
from tests.e2e.test_media_browser import TIMEOUT, enter, until
from tests.media.recording_world import make_hearing, require_tools
from tests.support.axe import axe, describe
from tests.support.threads import in_thread

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_clerk_records_five_seconds_and_the_file_plays_for_five_seconds(
        daphne_factory, browser, janus, settings, tmp_path):
    require_tools()
    folder = tmp_path / "recordings"
    server = daphne_factory(**janus.settings(), HADIR_RECORDINGS_DIR=str(folder))
    for name, value in janus.settings().items():  # this process ends the sitting and converts
        setattr(settings, name, [value] if name in ("JANUS_URL", "JANUS_ADMIN_URL") else value)
    settings.HADIR_RECORDINGS_DIR = folder
    world = in_thread(make_hearing)
    in_thread(lambda: room_services.lobby_admit(occurrence=world.occurrence, attendee=world.party, by=world.clerk))
    in_thread(lambda: (world.clerk.user, world.party.user))
    clerk_context, clerk = enter(browser, server, world.clerk)
    party_context, party = enter(browser, server, world.party, language="id")
    until(clerk, receiving_from([str(world.party.pk)]), "the clerk does not receive the defendant")
    until(party, receiving_from([str(world.clerk.pk)]), "the defendant does not receive the clerk")
    assert party.is_hidden("#recording-bar") and party.is_hidden("#recording-toggle")
    clerk.wait_for_selector("#recording-toggle:not([hidden])", timeout=TIMEOUT)
    assert clerk.inner_text("#recording-toggle") == "Start recording"
    assert "This session is not being recorded." in clerk.inner_text("#recording-banner")

    clerk.click("#recording-toggle")
    for page in (clerk, party):
        page.wait_for_selector("body.is-recording #recording-bar:not([hidden])", timeout=TIMEOUT)
    started = time.monotonic()
    assert "Sesi ini sedang direkam." in party.inner_text("#recording-banner")  # Indonesian
    assert "This session is being recorded." in clerk.inner_text("#recording-banner")
    assert clerk.inner_text("#recording-toggle") == "Stop recording"
    found = axe(party, include="#recording-bar") + axe(clerk, include="#recording-bar")
    assert not found, describe(found)
    assert clerk.get_attribute("#recording-toggle", "aria-pressed") == "true"
    clerk.wait_for_timeout(max(0, 5000 - int((time.monotonic() - started) * 1000)))
    clerk.click("#recording-toggle")
    party.wait_for_function("() => !document.body.classList.contains('is-recording')", timeout=TIMEOUT)
    elapsed = time.monotonic() - started
    print(f"recorded for about {elapsed:.1f} s (start shown to stop shown)")
    assert "Perekaman dihentikan." in party.inner_text("#recording-banner")

    in_thread(lambda: room_services.room_status_set(occurrence=world.occurrence, status="cancelled",
                                                    by=world.clerk, reason="Sidang selesai"))
    for context in (clerk_context, party_context):
        context.close()
    recording = in_thread(lambda: Recording.objects.get(occurrence=world.occurrence))
    assert recording.status == Recording.Status.STOPPED, recording
    assert sorted(path.name.split("-")[-2] for path in folder.joinpath(str(world.occurrence.pk)).glob("*.mjr")) \
        .count("audio") == 2

    converted = in_thread(lambda: recording_convert(recording_id=recording.pk))
    assert converted.status == Recording.Status.READY, converted.error
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", converted.file],
        capture_output=True, text=True, check=True).stdout)
    duration = float(probe["format"]["duration"])
    print(f"recording: {duration:.2f} s, {converted.size_bytes} bytes, {probe['streams'][0]['codec_name']}")
    # About the time it ran (the pages show start and stop a little after Janus acts on them).
    assert duration >= 4.0 and abs(duration - elapsed) < 1.5, (duration, elapsed)
    assert probe["streams"][0]["codec_name"] == "mp3"
    assert abs(converted.duration_seconds - duration) < 0.1
    loudness = subprocess.run(["ffmpeg", "-nostdin", "-i", converted.file, "-af", "volumedetect", "-f", "null", "-"],
                              capture_output=True, text=True, check=True).stderr
    max_volume = float(loudness.split("max_volume:")[1].split("dB")[0])
    assert max_volume > -40, f"the file is silent: max_volume {max_volume} dB"

    kinds = in_thread(lambda: list(StatusLogEntry.objects.filter(hearing=world.hearing).values_list("kind", "by_name")))
    assert [kind for kind, _by in kinds if kind != "status"] == ["recording_started", "recording_stopped"]
    assert all(by == world.clerk.name for kind, by in kinds if kind != "status")
