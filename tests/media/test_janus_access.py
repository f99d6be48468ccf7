"""Hadir controls access, Janus enforces it (issue 20): tried from outside, with a raw Janus client
holding the ticket Hadir gave, against a real Janus started from deploy/janus."""

import pytest

from media import services
from media.models import JanusRoom, MediaGrant
from rooms import services as room_services
from rooms.policies import policy_for
from tests.media.raw_client import RawJanus
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)


def ticket_for(room, attendee, *, moderator=False):
    return services.media_ticket(occurrence=room.occurrence, attendee=attendee,
                                 policy=policy_for(room.occurrence.event), moderator=moderator)


def joined_as_publisher(ticket) -> dict:
    client = RawJanus(ticket["url"], ticket["token"])
    assert client.attach()["janus"] == "success"
    return client, client.join(room=ticket["room"], pin=ticket["pin"], display="x")


def test_a_participant_publishes_and_a_listener_is_refused_by_janus(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Lia"), roles=("participant", "listener"))
    ani, lia = room.people
    ani_ticket, lia_ticket = ticket_for(room, ani), ticket_for(room, lia)
    assert ani_ticket["publish"] is True and lia_ticket["publish"] is False
    assert ani_ticket["room"] == lia_ticket["room"] and ani_ticket["token"] != lia_ticket["token"]

    _client, joined = joined_as_publisher(ani_ticket)
    assert joined["plugindata"]["data"]["videoroom"] == "joined", joined

    # The listener's token reaches Janus but not the room's list of publishers.
    _listener, refused = joined_as_publisher(lia_ticket)
    assert refused["plugindata"]["data"]["error_code"] == 433, refused  # unauthorized
    # It passes the room's door as a subscriber: what stops it here is only that this raw client
    # publishes no media (no such feed yet); the browser test subscribes for real.
    sub = RawJanus(lia_ticket["url"], lia_ticket["token"])
    sub.attach()
    feed = joined["plugindata"]["data"]["id"]
    answer = sub.join(room=lia_ticket["room"], pin=lia_ticket["pin"], ptype="subscriber", streams=[{"feed": feed}])
    assert answer["plugindata"]["data"]["error_code"] == 428, answer  # no such feed, not 433 unauthorized


def test_without_a_ticket_or_with_another_sittings_pin_janus_refuses(janus_settings):
    room, other = make_room(kind="test-lobby"), make_room(kind="test-lobby")
    ticket, other_ticket = ticket_for(room, room.people[0]), ticket_for(other, other.people[0])
    assert RawJanus(ticket["url"], "made-up-token").send("", {"janus": "create"})["janus"] == "error"
    client = RawJanus(ticket["url"], ticket["token"])
    client.attach()
    wrong_pin = client.join(room=other_ticket["room"], pin=ticket["pin"])
    assert wrong_pin["plugindata"]["data"]["error_code"] == 433
    # A token opens the VideoRoom and the AudioBridge only.
    assert RawJanus(ticket["url"], ticket["token"]).attach("janus.plugin.echotest")["janus"] == "error"


def test_a_waiting_guest_gets_no_ticket(janus_settings):
    from rooms.errors import Forbidden

    room = make_room(kind="test-lobby", people=("Gita",), roles=("guest",))
    with pytest.raises(Forbidden):
        ticket_for(room, room.people[0])
    assert not MediaGrant.objects.exists() and not JanusRoom.objects.exists()


def test_removal_ends_the_persons_janus_sessions_and_their_token(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Budi"))
    ani, budi = room.people
    ticket = ticket_for(room, budi)
    client, joined = joined_as_publisher(ticket)
    assert joined["plugindata"]["data"]["videoroom"] == "joined"
    keeper, _ = joined_as_publisher(ticket_for(room, ani))

    room_services.lobby_deny(occurrence=room.occurrence, attendee=budi, by=room.host, reason="")

    assert client.keepalive()["janus"] == "error"  # the session is gone
    assert client.send("", {"janus": "create"})["janus"] == "error"  # and the token with it
    assert keeper.keepalive()["janus"] == "ack"  # the others stay
    assert MediaGrant.objects.get(attendee=budi).revoked_at is not None


def test_the_sitting_ending_destroys_the_room_and_every_token(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani",))
    ticket = ticket_for(room, room.people[0])
    client, _ = joined_as_publisher(ticket)
    room_services.room_status_set(occurrence=room.occurrence, status="live", by=room.host)
    room_services.room_status_set(occurrence=room.occurrence, status="ended", by=room.host)
    assert client.send("", {"janus": "create"})["janus"] == "error"
    assert JanusRoom.objects.get().closed_at is not None
    janus = JanusRoom.objects.get().janus
    exists = janus.plugin_request("janus.plugin.videoroom", {"request": "exists", "room": ticket["room"]})
    assert exists["exists"] is False


def test_a_moderator_mutes_a_microphone_for_everyone_in_janus(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani",))
    ticket = ticket_for(room, room.people[0])
    _client, _joined = joined_as_publisher(ticket)
    # Without media published there is no microphone to mute yet.
    assert services.media_mute(occurrence=room.occurrence, attendee=room.people[0]) == 0


def test_janus_status_reports_reach_and_load(janus_settings, settings):
    from media.health import janus_status

    room = make_room(kind="test-lobby", people=("Ani",))
    _client, _joined = joined_as_publisher(ticket_for(room, room.people[0]))
    [status] = janus_status()
    assert status["reachable"] is True and status["rooms"] == 1 and status["publishers"] == 1
    settings.JANUS_URL, settings.JANUS_ADMIN_URL = ["http://127.0.0.1:9/janus"], ["http://127.0.0.1:9/admin"]
    assert janus_status()[0]["reachable"] is False


def test_each_sitting_goes_to_the_least_loaded_server(janus_settings, settings, tmp_path):
    from tests.support.janus import JanusProcess

    # The same secrets as the first, so that one Hadir reaches both.
    second = JanusProcess(tmp_path / "second", secrets_of=janus_settings).start()
    try:
        settings.JANUS_URL = [janus_settings.url, second.url]
        settings.JANUS_ADMIN_URL = [janus_settings.admin_url, second.admin_url]
        first, other = make_room(kind="test-lobby"), make_room(kind="test-lobby")
        assert ticket_for(first, first.people[0])["url"] == janus_settings.url
        assert ticket_for(other, other.people[0])["url"] == second.url
    finally:
        second.stop()


def test_after_a_janus_restart_the_next_ticket_recreates_the_room_and_its_tokens(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Lia"), roles=("participant", "listener"))
    ani, lia = room.people
    ani_ticket, lia_ticket = ticket_for(room, ani), ticket_for(room, lia)
    janus_settings.restart()
    # Janus forgot everything: the tokens Hadir gave are refused.
    assert RawJanus(ani_ticket["url"], ani_ticket["token"]).send("", {"janus": "create"})["janus"] == "error"

    again = ticket_for(room, lia)
    assert again["room"] == ani_ticket["room"] and again["pin"] == ani_ticket["pin"]
    assert again["token"] == lia_ticket["token"]
    # Every live token is back, with what it may do: Ani publishes again with her old ticket (her page
    # asks for a fresh one, which is the same), the listener still may not.
    _client, joined = joined_as_publisher(ani_ticket)
    assert joined["plugindata"]["data"]["videoroom"] == "joined", joined
    _listener, refused = joined_as_publisher(lia_ticket)
    assert refused["plugindata"]["data"]["error_code"] == 433, refused
    assert JanusRoom.objects.get().closed_at is None
