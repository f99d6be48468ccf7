"""The docket's live channel: no login, updates on every status change, never a closed party's name."""

import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone

from hearings import selectors, services
from hearings.models import Court, Status
from hearings.routing import websocket_urlpatterns
from tests.hearings.conftest import SECRET_NAMES, SECRET_PARTIES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _close_thread_connections():
    """The database work of these tests ran in asgiref's shared thread: close its connection, so that the
    test database can be dropped at the end of the run (PostgreSQL refuses while one is open)."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.fixture
def on_hearing_day(world, monkeypatch):
    day = world["public"].occurrence.start.astimezone(timezone.get_fixed_timezone(7 * 60)).date()
    monkeypatch.setattr(selectors, "court_day", lambda court, now=None: day)
    return day


async def _connect(slug):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/docket/{slug}/")
    connected, code = await communicator.connect()
    return communicator, connected, code


def _assert_no_secrets(message):
    text = json.dumps(message, ensure_ascii=False)
    for secret in (*SECRET_NAMES, SECRET_PARTIES, "Joko Terbuka"):
        assert secret not in text


@pytest.mark.parametrize("display", [Court.ClosedDisplay.OMIT, Court.ClosedDisplay.LISTED])
async def test_docket_updates_live_without_leaking(world, clerk, everyone_present, on_hearing_day, display):
    court = world["public"].case.court
    court.closed_display = display
    await database_sync_to_async(court.save)()
    communicator, connected, _code = await _connect(court.slug)
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "docket.state" and first["docket"]["date"] == on_hearing_day.isoformat()
    _assert_no_secrets(first)
    closed_listed = [e for e in first["docket"]["hearings"] if e["closed"]]
    assert len(closed_listed) == (1 if display == Court.ClosedDisplay.LISTED else 0)
    public_entry = next(e for e in first["docket"]["hearings"] if not e["closed"])
    assert public_entry["status"] == Status.SCHEDULED

    async def change(hearing, status, *, heard=True, **extra):
        await database_sync_to_async(services.hearing_status_set)(hearing=hearing, status=status, by=clerk, **extra)
        if not heard:
            return None
        message = await communicator.receive_json_from(timeout=5)
        _assert_no_secrets(message)
        return message

    for status in (Status.OPEN, Status.IN_SESSION, Status.RECESS):
        message = await change(world["public"], status)
        entry = next(e for e in message["docket"]["hearings"] if not e["closed"])
        assert entry["status"] == status
    # The closed hearing's changes are not broadcast at all: not even their timing reaches the public.
    next_at = timezone.now() + timedelta(days=9)
    for status, extra in ((Status.OPEN, {}), (Status.IN_SESSION, {}),
                          (Status.ADJOURNED, {"reason": "Saksi", "next_at": next_at + timedelta(days=1)})):
        await change(world["closed"], status, heard=False, **extra)
    assert await communicator.receive_nothing(timeout=1)
    message = await change(world["public"], Status.ADJOURNED, reason="Pemeriksaan saksi", next_at=next_at)
    entry = next(e for e in message["docket"]["hearings"] if not e["closed"])
    assert entry["status"] == Status.ADJOURNED and entry["reason"] == "Pemeriksaan saksi"
    assert entry["next_at"] == next_at.isoformat()
    await communicator.send_to(text_data="{}")
    refused = await communicator.receive_json_from(timeout=5)
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    await communicator.disconnect()


async def test_unknown_court_is_closed_4404(db):
    _communicator, connected, code = await _connect("no-such-court")
    assert not connected and code == 4404


async def test_the_days_progress_changes_live_when_a_hearing_starts_late(world, clerk, everyone_present,
                                                                          on_hearing_day):
    """The airport board: a hearing that starts 20 minutes late is in session in its courtroom, counted
    as held, and the day's median delay says 20; a closed one in session shows as "closed" only."""
    from tests.classrooms.conftest import clock_at

    public, closed = world["public"], world["closed"]
    slug, number = await database_sync_to_async(lambda: (public.case.court.slug, public.case.number))()
    communicator, connected, _code = await _connect(slug)
    assert connected
    first = (await communicator.receive_json_from(timeout=5))["docket"]["progress"]
    assert first == {"held": 0, "to_come": 2, "in_session": [], "median_delay_minutes": None}

    def start(hearing, minutes_late):
        with clock_at(hearing.occurrence.start + timedelta(minutes=minutes_late)):
            services.hearing_status_set(hearing=hearing, status=Status.OPEN, by=clerk)
            services.hearing_status_set(hearing=hearing, status=Status.IN_SESSION, by=clerk)

    await database_sync_to_async(start)(closed, 5)  # not broadcast (a closed hearing's timing stays private)
    assert await communicator.receive_nothing(timeout=1)
    await database_sync_to_async(start)(public, 20)
    await communicator.receive_json_from(timeout=5)  # open
    message = await communicator.receive_json_from(timeout=5)  # in session
    _assert_no_secrets(message)
    progress = message["docket"]["progress"]
    assert progress["held"] == 2 and progress["to_come"] == 0
    assert progress["median_delay_minutes"] == 12.5  # 5 and 20 minutes late
    rooms = {room["courtroom"]: room for room in progress["in_session"]}
    assert rooms[public.courtroom]["case_number"] == number
    assert rooms[closed.courtroom] == {"courtroom": closed.courtroom, "closed": True}
    await communicator.disconnect()
