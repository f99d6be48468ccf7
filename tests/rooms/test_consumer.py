"""The room socket, in process, through the project's whole ASGI stack (origin, session, routing)."""

import json
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from rooms import services as room_services
from rooms.live import hub as hub_module
from rooms.models import Admission, AttendanceInterval, AuditEntry, ChatMessage, RoomState
from rooms.wire import Diff
from scheduling import services as scheduling
from scheduling.models import Occurrence
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db(transaction=True)


def names(participants):
    return sorted(p["name"] for p in participants)


async def entered(connect, room, attendee):
    client = await connect(room.id, attendee)
    hello = await client.until("hello")
    state = await client.until("presence.state")
    client.you, client.state = hello["you"], state
    return client


async def test_hello_then_state_then_numbered_diffs(connect):
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await connect(room.id, ani)
    hello = await first.until("hello")
    assert hello["you"]["id"] == str(ani.pk) and hello["you"]["status"] == "present"
    assert hello["room"]["id"] == room.id and hello["room"]["status"] == "scheduled"
    assert set(hello["room"]) >= {"id", "title", "kind", "status", "starts_at", "ends_at"}
    state = await first.until("presence.state")
    assert names(state["participants"]) == ["Ani"]
    seq = state["seq"]

    second = await entered(connect, room, budi)
    assert names(second.state["participants"]) == ["Ani", "Budi"]
    diff = await first.until("presence.diff", where=lambda m: m["joins"])
    assert diff["seq"] == seq + 1 and names(diff["joins"]) == ["Budi"]
    participant = diff["joins"][0]
    assert set(participant) >= {"id", "name", "role", "moderator", "status", "connections", "hand_raised"}
    assert participant["status"] == "present" and participant["connections"] == 1
    assert participant["moderator"] is False

    await second.close()
    await first.until_people(lambda people: people["Budi"]["status"] == "away")


async def test_away_then_leave_after_the_grace_period(connect, settings):
    settings.HADIR_PRESENCE_AWAY_SECONDS = 1
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    await first.until_people(lambda people: "Budi" in people)
    await second.close()
    await first.until_people(lambda people: people["Budi"]["status"] == "away")
    await first.until_people(lambda people: "Budi" not in people)


async def test_reconnecting_within_the_grace_period_is_not_a_leave(connect):
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await entered(connect, room, ani)
    await (await entered(connect, room, budi)).close()
    await first.until_people(lambda people: people.get("Budi", {}).get("status") == "away")
    await entered(connect, room, budi)
    await first.until_people(lambda people: people["Budi"]["status"] == "present")
    assert not any(m["leaves"] for m in first.seen if m["type"] == "presence.diff")


async def test_tabs_of_one_attendee_are_one_participant_and_a_sixth_is_refused(connect):
    room = await sync_to_async(make_room)()
    ani = room.people[0]
    tabs = [await entered(connect, room, ani) for _ in range(5)]
    snapshot = await sync_to_async(room_presence_of)(room)
    assert len(snapshot) == 1 and snapshot[0]["connections"] == 5
    await tabs[0].until_people(lambda people: people["Ani"]["connections"] == 5)
    sixth = await connect(room.id, ani)
    assert await sixth.closed() == 4429
    assert (await sync_to_async(room_presence_of)(room))[0]["connections"] == 5


def room_presence_of(room):
    from rooms.selectors import room_presence

    return room_presence(room.occurrence)


@pytest.mark.parametrize("case, code", [
    ("anonymous", 4401), ("other_event", 4403), ("unknown_room", 4404), ("malformed_room", 4404),
    ("cancelled", 4410), ("ended", 4410), ("over", 4410), ("not_open_yet", 4403), ("refused_role", 4403),
    ("removed", 4403),
])
async def test_close_codes(connect, case, code):
    def arrange():
        room = make_room(kind="test-lobby", people=("Ani", "Bad"), roles=("participant", "banned"))
        ani = room.people[0]
        target, who = room.id, ani
        if case == "anonymous":
            who = None
        elif case == "other_event":
            who = make_room().people[0]
        elif case == "unknown_room":
            target = str(uuid.uuid4())
        elif case == "malformed_room":
            target = "not-a-room"
        elif case == "cancelled":
            scheduling.occurrence_cancel(occurrence=Occurrence.objects.get(pk=room.id), by=None)
        elif case == "ended":
            RoomState.objects.create(occurrence=room.occurrence, status="ended")
        elif case == "over":
            end = timezone.now() - timedelta(hours=1)
            Occurrence.objects.filter(pk=room.id).update(start=end - timedelta(hours=1), end=end)
        elif case == "not_open_yet":
            later = make_room(starts_in=timedelta(hours=3), in_progress=False)
            target, who = later.id, later.people[0]
        elif case == "refused_role":
            who = room.people[1]
        elif case == "removed":
            scheduling.attendee_remove(attendee=ani, by=None)
        return target, who

    target, who = await sync_to_async(arrange)()
    client = await connect(target, who)
    assert await client.closed() == code


async def test_a_foreign_origin_is_refused(connect):
    room = await sync_to_async(make_room)()
    client = await connect(room.id, room.people[0], origin=b"http://evil.example")
    assert client.accepted is False


async def test_lobby_admit_deny_and_audit(connect):
    room = await sync_to_async(make_room)(
        kind="test-lobby", people=("Ani", "Gita", "Hadi"), roles=("participant", "guest", "guest")
    )
    ani, gita, hadi = room.people
    host = await entered(connect, room, room.host)
    assert host.you["moderator"] is True
    member = await entered(connect, room, ani)
    guest = await connect(room.id, gita)
    assert (await guest.until("hello"))["you"]["status"] == "waiting"
    await guest.until("lobby.waiting")
    await host.until_people(lambda people: people.get("Gita", {}).get("status") == "waiting")

    # A participant never sees the lobby, and may not admit.
    await member.send({"type": "lobby.admit", "participant": str(gita.pk)})
    assert (await member.until("error"))["code"] == "forbidden"
    assert "Gita" not in {p["name"] for p in member.people.values()}
    # Nor may the waiting guest chat.
    await guest.send({"type": "chat.send", "text": "let me in"})
    assert (await guest.until("error"))["code"] == "forbidden"

    await host.send({"type": "lobby.admit", "participant": str(gita.pk)})
    await guest.until("lobby.admitted")
    state = await guest.until("presence.state")
    assert names(state["participants"]) == ["Ani", "Gita", "Host"]
    await member.until_people(lambda people: people.get("Gita", {}).get("status") == "present")
    await host.send({"type": "lobby.admit", "participant": str(gita.pk)})  # idempotent
    await host.send({"type": "heartbeat"})

    other = await connect(room.id, hadi)
    await other.until("lobby.waiting")
    await host.send({"type": "lobby.deny", "participant": str(hadi.pk), "reason": "Not on the list"})
    denied = await other.until("lobby.denied")
    assert denied["reason"] == "Not on the list"
    assert await other.closed() == 4403
    again = await connect(room.id, hadi)
    assert (await again.until("lobby.denied"))["reason"] == "Not on the list"
    assert await again.closed() == 4403

    def audit():
        entries = AuditEntry.objects.filter(occurrence=room.occurrence)
        return list(entries.values_list("action", "subject__name", "by__name"))

    assert await sync_to_async(audit)() == [("admit", "Gita", "Host"), ("deny", "Hadi", "Host")]
    assert await sync_to_async(Admission.objects.filter(occurrence=room.occurrence, decision="admitted").count)() == 1

    await host.send({"type": "lobby.admit", "participant": str(uuid.uuid4())})
    assert (await host.until("error"))["code"] == "invalid"
    await host.send({"type": "lobby.deny", "participant": str(room.host.pk)})
    assert (await host.until("error"))["code"] == "invalid"


async def test_chat_is_stored_delivered_and_replayed_on_admission(connect):
    room = await sync_to_async(make_room)(
        kind="test-lobby", people=("Ani", "Lia", "Gita"), roles=("participant", "listener", "guest")
    )
    ani, lia, gita = room.people
    sender = await entered(connect, room, ani)
    listener = await entered(connect, room, lia)
    await sender.send({"type": "chat.send", "text": "<b>halo</b> semua"})
    line = await sender.until("chat.message")
    assert line["text"] == "<b>halo</b> semua" and line["from"]["id"] == str(ani.pk)
    assert set(line) >= {"id", "from", "text", "at"}
    assert (await listener.until("chat.message"))["id"] == line["id"]

    await listener.send({"type": "chat.send", "text": "may I?"})
    assert (await listener.until("error"))["code"] == "forbidden"
    for bad in ("", "   ", "x" * 2001, 42, None):
        await sender.send({"type": "chat.send", "text": bad})
        assert (await sender.until("error"))["code"] == "invalid"
    assert await sync_to_async(ChatMessage.objects.count)() == 1

    def many():
        for n in range(60):
            room_services.chat_send(occurrence=room.occurrence, attendee=ani, text=f"line {n}")

    await sync_to_async(many)()
    host = await entered(connect, room, room.host)
    guest = await connect(room.id, gita)
    await guest.until("lobby.waiting")
    await host.send({"type": "lobby.admit", "participant": str(gita.pk)})
    await guest.until("presence.state")
    history = []
    try:
        for _ in range(50):
            history.append(await guest.until("chat.message"))
    except TimeoutError:
        raise AssertionError([m["type"] for m in guest.seen]) from None
    assert history[-1]["text"] == "line 59" and history[0]["text"] == "line 10"


async def test_the_first_to_enter_on_a_process_gets_the_history_from_the_database(connect):
    room = await sync_to_async(make_room)()
    ani, budi = room.people

    def earlier():
        ChatMessage.objects.bulk_create(
            ChatMessage(occurrence=room.occurrence, attendee=budi, text=f"earlier {n}") for n in range(3)
        )

    await sync_to_async(earlier)()
    client = await entered(connect, room, ani)
    assert [(await client.until("chat.message"))["text"] for _ in range(3)] == ["earlier 0", "earlier 1", "earlier 2"]


async def test_hand_raise_and_lower(connect):
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    await second.send({"type": "hand.raise"})
    await first.until_people(lambda people: people.get("Budi", {}).get("hand_raised"))
    await second.send({"type": "hand.lower"})
    await first.until_people(lambda people: people["Budi"]["hand_raised"] is False)


async def test_status_changes_are_checked_audited_and_broadcast(connect):
    room = await sync_to_async(make_room)()
    host = await entered(connect, room, room.host)
    member = await entered(connect, room, room.people[0])
    await member.send({"type": "room.set_status", "status": "open"})
    assert (await member.until("error"))["code"] == "forbidden"
    await host.send({"type": "room.set_status", "status": "ended"})  # scheduled -> ended is not allowed
    assert (await host.until("error"))["code"] == "invalid"
    await host.send({"type": "room.set_status", "status": "nonsense"})
    assert (await host.until("error"))["code"] == "invalid"
    await host.send({"type": "room.set_status", "status": "live", "next_at": "tomorrow"})
    assert (await host.until("error"))["code"] == "invalid"

    await host.send({"type": "room.set_status", "status": "live", "reason": "Starting"})
    for client in (host, member):
        status = await client.until("room.status")
        assert status["status"] == "live" and status["reason"] == "Starting"
    await host.send({"type": "room.set_status", "status": "ended", "reason": "Done"})
    assert (await member.until("room.status"))["status"] == "ended"
    assert await member.closed() == 4410
    assert await host.closed() == 4410

    def audit():
        entries = AuditEntry.objects.filter(occurrence=room.occurrence, action="status")
        return list(entries.values_list("detail", flat=True))

    assert [entry["to"] for entry in await sync_to_async(audit)()] == ["live", "ended"]


async def test_signal_relay_only_between_admitted_participants(connect):
    room = await sync_to_async(make_room)(
        kind="test-lobby", people=("Ani", "Budi", "Gita", "Lia"),
        roles=("participant", "participant", "guest", "listener"),
    )
    ani, budi, gita, lia = room.people
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    listener = await entered(connect, room, lia)
    guest = await connect(room.id, gita)
    await guest.until("lobby.waiting")

    await first.send({"type": "signal", "to": str(budi.pk), "data": {"sdp": "offer"}})
    relayed = await second.until("signal")
    assert relayed == {"type": "signal", "from": str(ani.pk), "data": {"sdp": "offer"}}
    await first.send({"type": "signal", "to": str(gita.pk), "data": {}})
    assert (await first.until("error"))["code"] == "invalid"
    await guest.send({"type": "signal", "to": str(ani.pk), "data": {}})
    assert (await guest.until("error"))["code"] == "forbidden"
    await listener.send({"type": "signal", "to": str(ani.pk), "data": {}})
    assert (await listener.until("error"))["code"] == "forbidden"
    await first.send({"type": "signal", "to": str(budi.pk), "data": "not an object"})
    assert (await first.until("error"))["code"] == "invalid"
    await first.send({"type": "signal", "to": str(budi.pk), "data": {"blob": "x" * (64 * 1024)}})
    assert (await first.until("error"))["code"] == "too_large"
    while not await second.communicator.receive_nothing(0.5):
        await second.receive()
    assert [m for m in second.seen if m["type"] == "signal"] == [relayed]


async def test_malformed_messages_get_errors_and_the_socket_stays(connect):
    room = await sync_to_async(make_room)()
    client = await entered(connect, room, room.people[0])
    await client.communicator.send_to(text_data="{not json")
    assert (await client.until("error"))["code"] == "bad_json"
    await client.communicator.send_to(text_data="[1, 2]")
    assert (await client.until("error"))["code"] == "bad_json"
    await client.send({"type": "teleport"})
    assert (await client.until("error"))["code"] == "unknown_type"
    await client.send({"no": "type"})
    assert (await client.until("error"))["code"] == "unknown_type"
    await client.send({"type": "hand.raise"})
    await client.until_people(lambda people: people["Ani"]["hand_raised"])


async def test_flooding_is_rate_limited_then_closed(connect):
    room = await sync_to_async(make_room)()
    flooder = await entered(connect, room, room.people[0])
    bystander = await entered(connect, room, room.people[1])
    for _ in range(30):
        await flooder.send({"type": "heartbeat"})
    assert (await flooder.until("error"))["code"] == "rate_limited"
    for _ in range(60):
        await flooder.send({"type": "heartbeat"})
    assert await flooder.closed() == 4429
    await bystander.send({"type": "hand.raise"})
    await bystander.until_people(lambda people: people["Budi"]["hand_raised"])


async def test_a_gap_in_the_sequence_gets_a_fresh_state(connect):
    room = await sync_to_async(make_room)()
    client = await entered(connect, room, room.people[0])
    hub = hub_module.current_hub()
    seq = client.state["seq"]
    await hub.dispatch(room.id, Diff(seq + 5, seq + 5, '{"type":"presence.diff"}', '{"type":"presence.diff"}'))
    fresh = await client.until("presence.state")
    assert names(fresh["participants"]) == ["Ani"]
    await client.send({"type": "presence.sync"})
    assert (await client.until("presence.state"))["seq"] == fresh["seq"]


async def test_attendance_intervals_per_connection(connect):
    room = await sync_to_async(make_room)()
    ani = room.people[0]
    first = await entered(connect, room, ani)
    second = await entered(connect, room, ani)
    await first.close()
    await second.close()

    def intervals():
        return list(AttendanceInterval.objects.filter(occurrence=room.occurrence).values_list("attendee_id", "left_at"))

    rows = await sync_to_async(intervals)()
    assert len(rows) == 2 and all(attendee == ani.pk and left is not None for attendee, left in rows)


async def test_json_frames_escape_nothing_twice(connect):
    room = await sync_to_async(make_room)(people=('Ani "<script>"', "Budi"))
    client = await entered(connect, room, room.people[0])
    assert json.loads(json.dumps(client.state))["participants"][0]["name"] == 'Ani "<script>"'


async def test_cancelling_the_sitting_or_removing_the_attendee_closes_their_sockets(connect):
    room = await sync_to_async(make_room)()
    ani, budi = room.people
    first = await entered(connect, room, ani)
    second = await entered(connect, room, budi)
    await sync_to_async(scheduling.attendee_remove)(attendee=budi, by=None)
    assert await second.closed() == 4403
    await sync_to_async(scheduling.occurrence_cancel)(occurrence=room.occurrence, by=None)
    assert await first.closed() == 4410


async def test_sockets_close_with_4410_when_the_end_plus_grace_passes(connect, settings):
    settings.HADIR_ROOM_CLOSES_AFTER_MINUTES = 0
    room = await sync_to_async(make_room)()
    end = timezone.now() + timedelta(seconds=2)
    await sync_to_async(Occurrence.objects.filter(pk=room.id).update)(end=end)
    client = await entered(connect, room, room.people[0])
    assert await client.closed(timeout=10) == 4410
