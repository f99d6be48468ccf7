"""Observer places cannot be hoarded (issue 13): 28 POSTs in under a second from one anonymous
session took all 30 places of a public hearing."""

import asyncio
import concurrent.futures
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hearings.models import Role
from rooms.models import AttendanceInterval
from scheduling.models import Attendee
from tests.support import client as outside


def observe_url(hearing) -> str:
    return reverse("hearings:observe", args=[hearing.observer_token])


def places(hearing) -> int:
    return hearing.participants.filter(role=Role.OBSERVER, attendee__removed_at__isnull=True).count()


def take(client, hearing, name="Warga", address="203.0.113.7"):
    return client.post(observe_url(hearing), {"name": name}, REMOTE_ADDR=address)


@pytest.fixture
def public(hearing):
    hearing.observer_capacity = 30
    hearing.save()
    return hearing


def test_one_browser_session_holds_one_place(public):
    browser = Client()
    first = take(browser, public, "Warga Satu")
    assert first.status_code == 302 and first.url == reverse("rooms:room", args=[public.occurrence_id])
    for number in range(27):
        again = take(browser, public, f"Warga {number}")
        assert again.status_code == 302 and again.url == first.url
    assert places(public) == 1
    assert public.participants.get(role=Role.OBSERVER).attendee.name == "Warga Satu"


def test_one_address_takes_a_few_places_however_many_sessions(public, settings):
    settings.HADIR_OBSERVER_PLACES_PER_ADDRESS = 10
    answers = [take(Client(), public, f"Warga {n}").status_code for n in range(28)]
    assert answers.count(302) == 10 and answers[10:] == [429] * 18
    refused = take(Client(), public).content.decode()
    assert "Too many observer places were taken from your network" in refused
    assert places(public) == 10
    assert take(Client(), public, address="198.51.100.9").status_code == 302  # someone else still can


def test_behind_a_proxy_places_are_counted_per_forwarded_address(public, settings):
    """Through nginx every request comes from its address; HADIR_BEHIND_PROXY counts the client's."""
    settings.HADIR_BEHIND_PROXY = True
    settings.HADIR_OBSERVER_PLACES_PER_ADDRESS = 2

    def through_proxy(client, client_address):
        return client.post(observe_url(public), {"name": "Warga"}, REMOTE_ADDR="127.0.0.1",
                           HTTP_X_FORWARDED_FOR=client_address)

    assert [through_proxy(Client(), "203.0.113.7").status_code for _ in range(3)] == [302, 302, 429]
    assert through_proxy(Client(), "198.51.100.9").status_code == 302


def test_a_place_not_connected_within_minutes_goes_back(public, settings):
    settings.HADIR_OBSERVER_CONNECT_MINUTES = 5
    public.observer_capacity = 2
    public.save()
    idle, attending, late = Client(), Client(), Client()
    assert take(idle, public, "Diam", address="192.0.2.1").status_code == 302
    assert take(attending, public, "Hadir", address="192.0.2.2").status_code == 302
    assert "All observer places" in take(late, public, "Telat", address="192.0.2.3").content.decode()

    observers = {p.attendee.name: p.attendee for p in public.participants.filter(role=Role.OBSERVER)}
    # Both were taken six minutes ago; only "Hadir" has been in the room since.
    Attendee.objects.filter(pk__in=[a.pk for a in observers.values()]).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    joined = timezone.now() - timedelta(minutes=5)
    AttendanceInterval.objects.create(occurrence=public.occurrence, attendee=observers["Hadir"], instance="test",
                                      joined_at=joined, last_seen_at=joined, left_at=joined + timedelta(minutes=1))

    assert take(late, public, "Telat", address="192.0.2.3").status_code == 302
    assert sorted(p.attendee.name for p in public.participants.filter(
        role=Role.OBSERVER, attendee__removed_at__isnull=True)) == ["Hadir", "Telat"]
    room = reverse("rooms:room", args=[public.occurrence_id])
    assert idle.get(room).status_code == 403  # the released place no longer opens the room
    assert attending.get(room).status_code == 200
    # The idle browser may take a place again when one is free.
    assert "All observer places" in take(idle, public, "Diam", address="192.0.2.1").content.decode()


def test_a_place_the_court_withdrew_is_not_taken_again_by_the_same_browser(public, clerk):
    from scheduling import services as scheduling

    browser = Client()
    take(browser, public)
    observer = public.participants.get(role=Role.OBSERVER).attendee
    scheduling.attendee_token_revoke(attendee=observer, by=clerk)
    refused = take(browser, public).content.decode()
    assert "The court withdrew your observer place." in refused
    assert public.participants.filter(role=Role.OBSERVER).count() == 1


@pytest.mark.e2e
async def test_on_daphne_a_burst_from_one_session_takes_one_place(daphne_server, hearing):
    """The attack as it was made: a burst of POSTs from one browser session, then from none."""
    hearing.observer_capacity = 30
    await sync_to_async(hearing.save)()
    browser = outside.Browser(daphne_server.base_url)
    page = await asyncio.to_thread(browser.get, observe_url(hearing))
    assert "csrfmiddlewaretoken" in page

    def burst(make_browser, count):
        with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(lambda n: make_browser().post(observe_url(hearing), {"name": f"Warga {n}"}),
                                 range(count)))

    answers = await asyncio.to_thread(burst, lambda: browser, 28)
    assert answers == [200] * 28  # each followed to the room page
    assert await sync_to_async(places)(hearing) == 1

    def fresh():
        other = outside.Browser(daphne_server.base_url)
        other.get(observe_url(hearing))
        return other

    answers = await asyncio.to_thread(burst, fresh, 28)
    assert answers.count(200) == 9 and answers.count(429) == 19  # ten per address, one taken already
    assert await sync_to_async(places)(hearing) == 10
    await sync_to_async(connections.close_all)()
