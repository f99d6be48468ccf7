"""``media.record`` on a real Daphne with a real Janus (issue 20): moderators only, only where the
court allows it; everyone in the room, the lobby too, hears ``media.recording`` live, and a socket
that connects later finds ``recording`` in ``hello.room``; start and stop land in the status log."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from hearings import services as hearings
from hearings.models import Role, StatusLogEntry
from media.models import Recording
from rooms import services as room_services
from tests.media.recording_world import make_hearing
from tests.support.client import connect, receive_until, session_cookie

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
async def close_db_thread():
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def recording_server(daphne_factory, janus_settings, settings, tmp_path):
    settings.HADIR_RECORDINGS_DIR = tmp_path / "recordings"
    return daphne_factory(**janus_settings.settings(), HADIR_RECORDINGS_DIR=str(tmp_path / "recordings"))


async def enter(server, attendee, *, signed_in=False):
    login = (attendee.user.username, "x") if signed_in else None
    cookie = await asyncio.to_thread(session_cookie, server.base_url, attendee.join_path, login=login)
    occurrence = await sync_to_async(lambda: attendee.event.occurrences.get().pk)()
    ws = await connect(server.ws_url, f"/ws/rooms/{occurrence}/", cookie=cookie)
    hello = await receive_until(ws, "hello")
    return ws, hello


async def send(ws, message: dict) -> None:
    await ws.send(json.dumps(message))


async def test_the_clerk_records_everyone_sees_it_and_others_are_refused(recording_server):
    world = await sync_to_async(make_hearing)()
    await sync_to_async(lambda: (world.clerk.user, world.party.user))()
    await sync_to_async(room_services.lobby_admit)(occurrence=world.occurrence, attendee=world.party, by=world.clerk)
    clerk, clerk_hello = await enter(recording_server, world.clerk, signed_in=True)
    party, party_hello = await enter(recording_server, world.party)
    assert clerk_hello["room"]["recording"] is False and clerk_hello["room"]["recording_allowed"] is True
    assert party_hello["room"]["recording"] is False
    witness = await sync_to_async(lambda: hearings.participant_add(
        hearing=world.hearing, role=Role.WITNESS, by=world.users["clerk"], notify=False,
        person=hearings.Person("Saksi", "saksi@example.org")).attendee)()
    waiting, waiting_hello = await enter(recording_server, witness)  # in the lobby
    assert waiting_hello["room"]["recording"] is False

    for ws in (party, waiting):  # not moderators
        await send(ws, {"type": "media.record", "on": True})
        refused = await receive_until(ws, "error")
        assert refused["code"] == "forbidden", refused
    await send(clerk, {"type": "media.record", "on": "yes"})
    assert (await receive_until(clerk, "error"))["code"] == "invalid"
    assert not await sync_to_async(Recording.objects.exists)()

    await send(clerk, {"type": "media.record", "on": True})
    for ws in (clerk, party, waiting):
        live = await receive_until(ws, "media.recording", timeout=15)
        assert live["recording"] is True and live["since"], live
    later, later_hello = await enter(recording_server, world.party)
    assert later_hello["room"]["recording"] is True
    await send(clerk, {"type": "media.record", "on": True})  # again: nothing changes, nothing logged
    await send(clerk, {"type": "media.record", "on": False})
    for ws in (clerk, party, later, waiting):
        live = await receive_until(ws, "media.recording", timeout=15)
        assert live == {"type": "media.recording", "recording": False, "since": None}, live

    recording = await sync_to_async(Recording.objects.get)(occurrence=world.occurrence)
    assert recording.status in (Recording.Status.STOPPED, Recording.Status.PROCESSING, Recording.Status.READY,
                                Recording.Status.EMPTY)
    assert len(recording.segments) == 1 and recording.segments[0]["by"] == world.clerk.name
    log = await sync_to_async(lambda: list(StatusLogEntry.objects.filter(hearing=world.hearing).exclude(
        kind=StatusLogEntry.Kind.STATUS).values_list("kind", "by_role", "status")))()
    assert log == [("recording_started", "clerk", "scheduled"), ("recording_stopped", "clerk", "scheduled")]
    for ws in (clerk, party, later, waiting):
        await ws.close()


async def test_a_court_that_does_not_allow_recording_refuses_its_clerk(recording_server):
    world = await sync_to_async(make_hearing)(allow_recording=False)
    await sync_to_async(lambda: world.clerk.user)()
    clerk, hello = await enter(recording_server, world.clerk, signed_in=True)
    assert hello["room"]["recording_allowed"] is False and hello["room"]["recording"] is False
    await send(clerk, {"type": "media.record", "on": True})
    refused = await receive_until(clerk, "error")
    assert refused["code"] == "forbidden" and "not allowed" in refused["message"], refused
    assert not await sync_to_async(Recording.objects.exists)()
    await clerk.close()
