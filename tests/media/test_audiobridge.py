"""Low-bandwidth mode's mixes (issue 20), against a real Janus from deploy/janus: each audio-only person's
AudioBridge room opens for their token and pin only, what a browser sends into it is dropped by Janus
(only Hadir's legs, joined with the secret, are mixed), and it ends with the mode, a removal or the
sitting. Tried from outside with the raw client, as a script holding the ticket could."""

import socket
import statistics
import subprocess
import time

import pytest

from media import audiobridge
from media.bridge_keeper import KEEPER
from media.janus import AUDIOBRIDGE
from media.models import AudioBridge
from rooms import services as room_services
from rooms.errors import Forbidden
from tests.media.raw_client import RawJanus
from tests.media.test_janus_access import ticket_for
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)


def audio_only(room, attendee, on=True):
    if on:
        return audiobridge.audio_only_start(occurrence=room.occurrence, attendee=attendee, keeper=KEEPER.id)
    return audiobridge.audio_only_stop(occurrence=room.occurrence, attendee=attendee)


def bridge_join(ticket, bridge: int, pin: str, **extra) -> tuple[RawJanus, dict]:
    client = RawJanus(ticket["url"], ticket["token"])
    assert client.attach(AUDIOBRIDGE)["janus"] == "success"
    ack = client.send(f"/{client.session}/{client.handle}", {"janus": "message", "body": {
        "request": "join", "room": bridge, "pin": pin, "token": ticket["token"], **extra}})
    return client, ack if ack["janus"] != "ack" else client.event()


def data(answer: dict) -> dict:
    return answer.get("plugindata", {}).get("data", {})


def exists(room, bridge: int) -> bool:
    janus = room.occurrence.janus_room.janus
    return janus.plugin_request(AUDIOBRIDGE, {"request": "exists", "room": bridge})["exists"]


def test_a_mix_opens_for_its_person_only(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Lia"), roles=("participant", "listener"))
    ani, lia = room.people
    ani_ticket, lia_ticket = ticket_for(room, ani), ticket_for(room, lia)
    answer = audio_only(room, lia)  # listen-only roles may use low-bandwidth mode too
    assert answer["on"] is True and exists(room, answer["bridge"])

    _client, joined = bridge_join(lia_ticket, answer["bridge"], answer["pin"], muted=True)
    assert data(joined)["audiobridge"] == "joined", joined
    # Someone else's token, with the right pin: not on the bridge's list.
    _client, refused = bridge_join(ani_ticket, answer["bridge"], answer["pin"])
    assert data(refused)["error_code"] == 489, refused  # unauthorized
    _client, wrong_pin = bridge_join(lia_ticket, answer["bridge"], "guessed")
    assert data(wrong_pin)["error_code"] == 489, wrong_pin
    # Posing as the bridge's admin (to be mixed) or unmuting the room takes its secret.
    _client, admin = bridge_join(lia_ticket, answer["bridge"], answer["pin"], secret="guessed")
    assert data(admin)["error_code"] == 489, admin
    client, _ = bridge_join(lia_ticket, answer["bridge"], answer["pin"])
    unmute = client.send(f"/{client.session}/{client.handle}", {"janus": "message", "body": {
        "request": "unmute_room", "room": answer["bridge"], "secret": "guessed"}})
    assert data(unmute)["error_code"] == 489, unmute


def test_without_a_ticket_there_is_no_mix(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani",))
    with pytest.raises(Forbidden):
        audio_only(room, room.people[0])
    assert not AudioBridge.objects.exists()


def test_switching_back_removal_and_the_sittings_end_destroy_the_mix(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Budi"))
    ani, budi = room.people
    ticket_for(room, ani), ticket_for(room, budi)
    first = audio_only(room, ani)
    again = audio_only(room, ani)  # a second tab, or the page coming back: one mix per person
    assert not exists(room, first["bridge"]) and exists(room, again["bridge"])
    assert audio_only(room, ani, on=False) == {"on": False}
    assert not exists(room, again["bridge"])

    budis = audio_only(room, budi)
    room_services.lobby_deny(occurrence=room.occurrence, attendee=budi, by=room.host, reason="")
    assert not exists(room, budis["bridge"])

    anis = audio_only(room, ani)
    room_services.room_status_set(occurrence=room.occurrence, status="live", by=room.host)
    room_services.room_status_set(occurrence=room.occurrence, status="ended", by=room.host)
    assert not exists(room, anis["bridge"])
    assert not AudioBridge.objects.filter(closed_at__isnull=True).exists()


def test_the_keeper_holds_a_session_per_open_mix_and_lets_go_of_closed_ones(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani",))
    ticket_for(room, room.people[0])
    janus = room.occurrence.janus_room.janus
    before = len(janus.admin("", {"janus": "list_sessions"})["sessions"])
    audio_only(room, room.people[0])
    KEEPER.tick()
    assert len(janus.admin("", {"janus": "list_sessions"})["sessions"]) == before + 1
    audio_only(room, room.people[0], on=False)
    KEEPER.tick()
    assert not KEEPER.held
    assert len(janus.admin("", {"janus": "list_sessions"})["sessions"]) == before

    # The process stops: its mixes end (the page asks again on the process it reconnects to).
    answer = audio_only(room, room.people[0])
    KEEPER.tick()
    KEEPER.release_all()
    assert not exists(room, answer["bridge"]) and not AudioBridge.objects.filter(closed_at__isnull=True).exists()


# What reaches the mix, measured on Opus packets: the bridge encodes silence in a few bytes and a tone
# in tens. ffmpeg makes the tone's packets; a plain-RTP "ear" (joined as Hadir's legs are) hears the mix.

def tone_packets(seconds: float = 3.0) -> list[bytes]:
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    sink.settimeout(2)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                    "-ar", "48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k", "-f", "rtp", "-payload_type", "100",
                    f"rtp://127.0.0.1:{sink.getsockname()[1]}"], check=True, timeout=30)
    packets = []
    try:
        while True:
            packets.append(sink.recv(2000))
    except TimeoutError:
        pass
    sink.close()
    return packets


def plain_leg(ticket, bridge, *, secret=None, token=None):
    """A plain-RTP participant: its socket, and the bridge's port it sends to."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    extra = {"secret": secret} if secret else {}
    client = RawJanus(ticket["url"], ticket["token"])  # the core lets her in; the bridge checks "token"
    client.attach(AUDIOBRIDGE)
    ack = client.send(f"/{client.session}/{client.handle}", {"janus": "message", "body": {
        "request": "join", "room": bridge.room, "pin": bridge.pin, "token": token or ticket["token"], "muted": False,
        "rtp": {"ip": "127.0.0.1", "port": sock.getsockname()[1], "payload_type": 100}, **extra}})
    assert ack["janus"] == "ack", ack
    joined = client.event()
    return client, sock, data(joined)["rtp"]["port"]


def heard(ear: socket.socket, talker: socket.socket | None, port: int, packets: list[bytes]) -> float:
    """Median payload size the ear receives while the talker sends the tone."""
    ear.settimeout(0.01)
    sizes = []
    for packet in packets:
        if talker is not None:
            talker.sendto(packet, ("127.0.0.1", port))
        try:
            while True:
                sizes.append(len(ear.recv(2000)) - 12)
        except TimeoutError:
            pass
        time.sleep(0.02)
    return statistics.median(sizes[len(sizes) // 2:]) if sizes else 0


def test_what_a_browser_sends_into_a_mix_is_dropped_and_hadirs_legs_are_mixed(janus_settings):
    room = make_room(kind="test-lobby", people=("Lia",), roles=("listener",))
    lia = room.people[0]
    ticket = ticket_for(room, lia)
    audio_only(room, lia)
    bridge = AudioBridge.objects.get()
    packets = tone_packets()
    # The ear joins as Hadir's legs do (with the secret); the bridge sends to it once it heard from it.
    _ear_client, ear, ear_port = plain_leg(ticket, bridge, secret=bridge.secret, token=bridge.keeper_token)
    for packet in packets[:5]:
        ear.sendto(packet, ("127.0.0.1", ear_port))

    silence = heard(ear, None, 0, packets[:60])
    # Lia's own token, in her own mix, talking: Janus drops it (the room is muted, she is no admin).
    _lia_client, lia_sock, lia_port = plain_leg(ticket, bridge)
    from_lia = heard(ear, lia_sock, lia_port, packets[:100])
    # Hadir's leg (the secret): mixed.
    _leg_client, leg_sock, leg_port = plain_leg(ticket, bridge, secret=bridge.secret, token=bridge.keeper_token)
    from_leg = heard(ear, leg_sock, leg_port, packets[:100])
    print(f"median Opus payload heard: {silence} bytes for silence, {from_lia} from the listener,"
          f" {from_leg} from Hadir's leg")
    assert from_lia <= silence + 2 and from_leg > 3 * silence, (silence, from_lia, from_leg)


def test_a_mix_nobody_listens_to_is_closed(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani", "Budi"))
    ani, budi = room.people
    ani_ticket = ticket_for(room, ani)
    ticket_for(room, budi)
    heard_mix, unheard_mix = audio_only(room, ani), audio_only(room, budi)
    _client, joined = bridge_join(ani_ticket, heard_mix["bridge"], heard_mix["pin"], muted=True)
    assert data(joined)["audiobridge"] == "joined"
    KEEPER.tick()
    for held in KEEPER.held.values():  # as if 40 s had passed since the mixes opened
        held.kept_alive_at -= 40
        held.listener_seen_at -= 40
    KEEPER.tick()
    assert exists(room, heard_mix["bridge"]) and not exists(room, unheard_mix["bridge"])
    assert AudioBridge.objects.get(room=unheard_mix["bridge"]).closed_at is not None
    audio_only(room, ani, on=False)
    KEEPER.tick()


def test_a_mix_janus_lost_is_closed(janus_settings):
    room = make_room(kind="test-lobby", people=("Ani",))
    ticket_for(room, room.people[0])
    answer = audio_only(room, room.people[0])
    KEEPER.tick()
    bridge = AudioBridge.objects.get()
    # As after a Janus restart: the bridge is gone from Janus, its row is not.
    room.occurrence.janus_room.janus.plugin_request(
        AUDIOBRIDGE, {"request": "destroy", "room": answer["bridge"], "secret": bridge.secret})
    for held in KEEPER.held.values():
        held.kept_alive_at -= 40
    KEEPER.tick()
    assert AudioBridge.objects.get().closed_at is not None and not KEEPER.held
