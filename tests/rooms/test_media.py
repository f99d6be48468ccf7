"""Built-in audio and video in the room socket: media fields in presence, mute requests, roles,
and the choice between the built-in mesh and an external video link."""

import pytest
from asgiref.sync import sync_to_async

from rooms import selectors
from rooms.policies import _registry, register_policy
from rooms.sessions import remember_attendee
from tests.rooms.factories import LobbyPolicy, make_room
from tests.rooms.test_consumer import entered

pytestmark = pytest.mark.django_db(transaction=True)


class WitnessPolicy(LobbyPolicy):
    """Test policy: witnesses are heard, not seen."""

    def audio_only(self, attendee):
        return attendee.role == "witness"


@pytest.fixture(autouse=True)
def witness_policy():
    register_policy("test-media", WitnessPolicy())
    yield
    _registry.pop("test-media", None)


async def test_media_state_shows_in_presence_and_resets_when_the_last_connection_drops(connect):
    room = await sync_to_async(make_room)(kind="test-media")
    ani, budi = room.people
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    assert {(p["media"], p["camera"], p["microphone"]) for p in second.state["participants"]} == {(False, False, False)}
    await second.send({"type": "media.state", "media": True, "camera": True, "microphone": False})
    await first.until_people(lambda people: people.get("Budi", {}).get("media"))
    assert (first.people[str(budi.pk)]["camera"], first.people[str(budi.pk)]["microphone"]) == (True, False)

    # Camera or microphone outside the call count as off.
    await second.send({"type": "media.state", "media": False, "camera": True, "microphone": True})
    await first.until_people(lambda people: not people["Budi"]["media"])
    assert first.people[str(budi.pk)]["camera"] is False and first.people[str(budi.pk)]["microphone"] is False

    await second.send({"type": "media.state", "media": True, "camera": True, "microphone": True})
    await first.until_people(lambda people: people["Budi"]["microphone"])
    await second.close()
    await first.until_people(lambda people: people["Budi"]["status"] == "away")
    assert first.people[str(budi.pk)]["media"] is False


async def test_media_state_is_checked(connect):
    room = await sync_to_async(make_room)(
        kind="test-media", people=("Ani", "Wati", "Lia", "Gita"), roles=("participant", "witness", "listener", "guest")
    )
    ani, wati, lia, gita = room.people
    first = await entered(connect, room, ani)
    for bad in ({"media": "yes"}, {"media": True, "camera": 1}):
        await first.send({"type": "media.state", **bad})
        assert (await first.until("error"))["code"] == "invalid"

    witness = await entered(connect, room, wati)
    await witness.send({"type": "media.state", "media": True, "camera": True, "microphone": True})
    error = await witness.until("error")
    assert error["code"] == "invalid" and "audio only" in error["message"]
    await witness.send({"type": "media.state", "media": True, "camera": False, "microphone": True})
    await first.until_people(lambda people: people.get("Wati", {}).get("microphone"))

    listener = await entered(connect, room, lia)
    await listener.send({"type": "media.state", "media": True, "microphone": True})
    assert (await listener.until("error"))["code"] == "forbidden"
    guest = await connect(room.id, gita)
    await guest.until("lobby.waiting")
    await guest.send({"type": "media.state", "media": True, "microphone": True})
    assert (await guest.until("error"))["code"] == "forbidden"
    await first.until_people(lambda people: "Lia" in people)
    assert not first.people[str(lia.pk)]["media"]


async def test_a_moderator_asks_a_participant_to_mute(connect):
    room = await sync_to_async(make_room)(kind="test-media", people=("Ani", "Budi", "Gita"),
                                          roles=("participant", "participant", "guest"))
    ani, budi, gita = room.people
    host = await entered(connect, room, room.host)
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    await host.send({"type": "media.mute_request", "participant": str(ani.pk)})
    request = await first.until("media.mute_request")
    assert request["from"] == str(room.host.pk)

    await second.send({"type": "media.mute_request", "participant": str(ani.pk)})
    assert (await second.until("error"))["code"] == "forbidden"
    for target in (str(gita.pk), "nobody", None, str(room.host.pk)):
        await host.send({"type": "media.mute_request", "participant": target})
        assert (await host.until("error"))["code"] == "invalid"
    assert not [m for m in second.seen if m["type"] == "media.mute_request"]


async def test_above_the_mesh_size_the_room_uses_an_external_link(connect, settings):
    settings.HADIR_MESH_MAX_PARTICIPANTS = 2
    room = await sync_to_async(make_room)(kind="test-media", people=("Ani", "Budi"))
    first = await entered(connect, room, room.people[0])
    await first.send({"type": "media.state", "media": True, "microphone": True})
    assert (await first.until("error"))["code"] == "invalid"
    await first.send({"type": "media.state", "media": False})
    assert not first.people[str(room.people[0].pk)]["media"]


def test_media_setup_counts_those_who_may_send(settings):
    settings.HADIR_MESH_MAX_PARTICIPANTS = 3
    settings.HADIR_ICE_SERVERS = [{"urls": "stun:stun.example.org:3478"}]
    room = make_room(kind="test-media", people=("Ani", "Wati", "Lia"), roles=("participant", "witness", "listener"))
    ani, wati, lia = room.people
    setup = selectors.media_setup(occurrence=room.occurrence, attendee=wati)
    assert setup["mode"] == "mesh" and setup["link"] == "" and setup["audio_only"] is True
    assert setup["ice_servers"] == [{"urls": "stun:stun.example.org:3478"}]
    assert selectors.media_setup(occurrence=room.occurrence, attendee=lia)["may_send"] is False

    settings.HADIR_MESH_MAX_PARTICIPANTS = 2
    setup = selectors.media_setup(occurrence=room.occurrence, attendee=ani)
    assert setup["mode"] == "link" and setup["ice_servers"] == []
    assert setup["link"].startswith("https://meet.jit.si/hadir-")
    assert str(room.occurrence.pk) not in setup["link"]
    assert setup["link"] == selectors.media_setup(occurrence=room.occurrence, attendee=wati)["link"]
    other = make_room(kind="test-media", people=("Ani", "Wati", "Lia"))
    assert selectors.video_link(other.occurrence) != setup["link"]

    settings.HADIR_VIDEO_URL_TEMPLATE = "https://video.example.org/{room}?s={occurrence}"
    link = selectors.media_setup(occurrence=room.occurrence, attendee=ani)["link"]
    assert link.startswith("https://video.example.org/hadir-") and link.endswith(f"?s={room.occurrence.pk}")


def test_the_external_link_is_given_only_to_people_let_in(client, settings):
    settings.HADIR_MESH_MAX_PARTICIPANTS = 1
    room = make_room(kind="test-lobby", people=("Ani", "Gita"), roles=("participant", "guest"))
    ani, gita = room.people
    session = client.session
    remember_attendee(session, gita)
    session.save()
    page = client.get(f"/rooms/{room.id}/")
    setup = page.context["media"]
    assert setup["mode"] == "link" and setup["link"] == ""
    assert b"meet.jit.si" not in page.content

    client.get(ani.join_path)
    page = client.get(f"/rooms/{room.id}/")
    assert b'id="media-link"' in page.content and b"https://meet.jit.si/hadir-" in page.content


def test_the_room_page_carries_the_mesh_setup(client):
    room = make_room(kind="test-media")
    page = client.get(room.people[0].join_path, follow=True)
    assert b'id="media-join"' in page.content and b'id="media-setup"' in page.content
    assert page.context["media"]["mode"] == "mesh"


def test_a_hearings_witness_is_heard_not_seen():
    from types import SimpleNamespace

    from hearings.models import Role
    from hearings.policies import HearingRoomPolicy

    policy = HearingRoomPolicy()
    assert policy.audio_only(SimpleNamespace(role=Role.WITNESS)) is True
    assert policy.audio_only(SimpleNamespace(role=Role.COUNSEL)) is False
