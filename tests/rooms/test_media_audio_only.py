"""Low-bandwidth mode on the room socket (issue 20): ``media.audio_only`` is checked, needs the
person's media ticket first, answers with their mix (a real Janus), and is refused where the room
has no media server."""

import pytest
from asgiref.sync import sync_to_async

from media.models import AudioBridge
from tests.rooms.factories import make_room
from tests.rooms.test_consumer import entered
from tests.support.janus import JanusProcess

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def janus(tmp_path, settings):
    server = JanusProcess(tmp_path / "janus").start()
    for name, value in server.settings().items():
        setattr(settings, name, [value] if name in ("JANUS_URL", "JANUS_ADMIN_URL") else value)
    yield server
    server.stop()


async def test_audio_only_on_the_socket(connect, janus):
    room = await sync_to_async(make_room)(people=("Ani",))
    ani = await entered(connect, room, room.people[0])
    for bad in ({}, {"on": "yes"}, {"on": 1}):
        await ani.send({"type": "media.audio_only", **bad})
        error = await ani.until("error")
        assert error["code"] == "invalid" and "“on”" in error["message"], error
    await ani.send({"type": "media.audio_only", "on": True})
    assert (await ani.until("error"))["code"] == "forbidden"  # no ticket yet: not in the call

    await ani.send({"type": "media.ticket"})
    ticket = await ani.until("media.ticket", timeout=15)
    await ani.send({"type": "media.audio_only", "on": True, "feed": "not a number"})
    answer = await ani.until("media.audio_only", timeout=15)
    assert answer["on"] is True and answer["pin"] != ticket["pin"] and answer["bridge"] != ticket["room"]
    await ani.send({"type": "media.audio_only", "on": False})
    assert await ani.until("media.audio_only", timeout=15) == {"type": "media.audio_only", "on": False}
    assert not await sync_to_async(AudioBridge.objects.filter(closed_at__isnull=True).exists)()


async def test_a_room_without_a_media_server_refuses_audio_only(connect, settings):
    settings.JANUS_URL = []
    room = await sync_to_async(make_room)(people=("Ani",))
    ani = await entered(connect, room, room.people[0])
    await ani.send({"type": "media.audio_only", "on": True})
    assert (await ani.until("error"))["code"] == "invalid"
