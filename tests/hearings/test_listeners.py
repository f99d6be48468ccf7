"""How many listen to a hearing now: on the clerk's day, the public docket and the observer page
(issue 19). The number comes from the presence store (here a real in-memory store, filled as the room
fills it); a closed hearing's never reaches the public."""

import asyncio
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from hearings.listeners import listening_label
from hearings.models import Status
from rooms import listeners as room_listeners
from rooms.presence import MemoryStore, participant_info
from tests.hearings.conftest import bring_to


def test_the_number_is_grouped_as_the_language_writes_it():
    with translation.override("id"):
        assert listening_label(1234) == "1.234 mendengarkan" and listening_label(312) == "312 mendengarkan"
    with translation.override("en"):
        assert listening_label(1234) == "1,234 listening"


def fill(store: MemoryStore, occurrence_id, count: int) -> None:
    """``count`` listeners admitted into the room's audience, as the room's sockets register them."""
    room = str(occurrence_id)

    async def run():
        for index in range(count):
            aid = f"{index:036d}"
            await store.join(room=room, aid=aid, conn=f"{room}-{index}", instance="i",
                             info=participant_info(attendee_id=aid, name=f"Warga {index}", role="observer",
                                                   role_label="Observer", moderator=False),
                             admitted=True, audience=True)
        await store.flush(room=room, aids={f"{index:036d}" for index in range(count)})

    asyncio.run(run())


@pytest.fixture
def store(monkeypatch):
    cache.clear()
    store = MemoryStore()
    monkeypatch.setattr(room_listeners, "presence_store", lambda: store)
    yield store
    cache.clear()


@pytest.fixture
def in_session(schedule, clerk):
    def make(*, is_public):
        hearing = schedule(start=timezone.now() + timedelta(minutes=5), is_public=is_public, allow_conflicts=True)
        bring_to(hearing, Status.IN_SESSION, by=clerk)
        return hearing

    return make


def test_the_public_sees_the_listeners_of_public_hearings_only(client, store, in_session, everyone_present):
    public, closed = in_session(is_public=True), in_session(is_public=False)
    fill(store, public.occurrence_id, 1234)
    fill(store, closed.occurrence_id, 3)
    client.cookies["django_language"] = "id"
    answer = client.get(f"/docket/{public.case.court.slug}/listeners.json").json()
    assert answer == {"hearings": {str(public.pk): {"listeners": 1234, "label": "1.234 mendengarkan"}}}
    assert client.get("/docket/no-such-court/listeners.json").status_code == 404
    assert "1.234 mendengarkan" in client.get(f"/hearings/observe/{public.observer_token}/").content.decode()


def test_the_clerk_sees_every_hearing_of_the_day_with_its_listeners(client, clerk, store, in_session,
                                                                      everyone_present):
    closed = in_session(is_public=False)
    fill(store, closed.occurrence_id, 2)
    client.force_login(clerk)
    page = client.get("/hearings/").content.decode()
    assert "2 listening" in page
