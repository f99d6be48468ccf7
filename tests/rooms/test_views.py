"""The join link and the room page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rooms.models import RoomState
from rooms.sessions import SESSION_KEY
from scheduling import services as scheduling
from scheduling import tokens
from scheduling.models import Occurrence
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db


def test_unknown_revoked_and_rotated_links_get_clear_pages(client):
    room = make_room()
    ani = room.people[0]
    response = client.get("/join/not-a-real-token/")
    assert response.status_code == 404 and b"not valid" in response.content
    old = ani.join_token
    scheduling.attendee_token_rotate(attendee=ani, by=None)
    assert client.get(f"/join/{old}/").status_code == 404
    scheduling.attendee_token_revoke(attendee=ani, by=None)
    response = client.get(ani.join_path)
    assert response.status_code == 410 and b"withdrawn" in response.content
    assert client.get(f"/join/{'x' * 500}/").status_code == 404


def test_a_join_link_opens_the_room_and_remembers_the_attendee(client):
    room = make_room()
    ani = room.people[0]
    response = client.get(ani.join_path)
    assert response.status_code == 302 and response["Location"] == f"/rooms/{room.id}/"
    assert client.session[SESSION_KEY] == [[str(ani.pk), tokens.token_fingerprint(ani.join_token)]]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"js/room.js" in page.content and room.occurrence.event.title.encode() in page.content
    assert b'id="room-strings"' in page.content


def test_the_room_page_needs_the_link(client):
    room = make_room()
    assert client.get(f"/rooms/{room.id}/").status_code == 403
    other = make_room()
    client.get(other.people[0].join_path)
    assert client.get(f"/rooms/{room.id}/").status_code == 403


def test_before_the_room_opens_a_countdown(client):
    room = make_room(starts_in=timedelta(hours=3), in_progress=False)
    response = client.get(room.people[0].join_path, follow=True)
    assert response.status_code == 200
    assert b"countdown" in response.content and b"15 minutes before" in response.content
    seconds = response.context["seconds_left"]
    assert 3 * 3600 - 15 * 60 - 5 < seconds <= 3 * 3600 - 15 * 60 + 1


def test_which_sitting_a_link_opens(client):
    room = make_room(starts_in=timedelta(days=1), in_progress=False)
    event = room.occurrence.event
    now = timezone.now()
    first = room.occurrence

    def sitting(start):
        return Occurrence.objects.create(event=event, recurrence_id=start, start=start, end=start + timedelta(hours=1))

    Occurrence.objects.filter(pk=first.pk).update(start=now - timedelta(days=2), end=now - timedelta(days=2, hours=-1))
    live = sitting(now - timedelta(minutes=10))
    upcoming = sitting(now + timedelta(days=1))
    link = room.people[0].join_path
    assert client.get(link)["Location"] == f"/rooms/{live.pk}/"
    live.delete()
    assert client.get(link)["Location"] == f"/rooms/{upcoming.pk}/"
    upcoming.delete()
    response = client.get(link)
    assert response["Location"] == f"/rooms/{first.pk}/"
    ended = client.get(response["Location"])
    assert ended.status_code == 410 and b"has ended" in ended.content


def test_an_ended_or_cancelled_sitting_says_so(client):
    room = make_room()
    client.get(room.people[0].join_path)
    RoomState.objects.create(occurrence=room.occurrence, status="ended")
    response = client.get(f"/rooms/{room.id}/")
    assert response.status_code == 410 and b"has ended" in response.content
    scheduling.occurrence_cancel(occurrence=room.occurrence, by=None)
    response = client.get(f"/rooms/{room.id}/")
    assert response.status_code == 410 and b"cancelled" in response.content


def test_the_room_page_in_bahasa_indonesia(client):
    room = make_room()
    client.cookies["django_language"] = "id"
    response = client.get(room.people[0].join_path, follow=True)
    assert response.status_code == 200
    assert b"Peserta" in response.content and b"Obrolan" in response.content


def test_times_in_the_events_zone_and_the_viewers_when_they_differ(client):
    room = make_room(starts_in=timedelta(hours=3), in_progress=False)
    session = client.session
    session["hadir_timezone"] = "Asia/Jayapura"
    session.save()
    response = client.get(room.people[0].join_path, follow=True)
    text = response.content.decode()
    assert "WIB" in text and "WIT for you" in text


def test_when_the_room_opens_in_words_in_the_events_zone():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from rooms.views import opens_in_words

    jakarta = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 12, 7, 20, 0, tzinfo=jakarta)
    assert opens_in_words(now + timedelta(minutes=11, seconds=30), now=now, zone="Asia/Jakarta") == (
        "The room opens in 12 minutes.")
    assert opens_in_words(now + timedelta(seconds=20), now=now, zone="Asia/Jakarta") == "The room opens in 1 minute."
    assert "today at" in opens_in_words(now + timedelta(hours=2), now=now, zone="Asia/Jakarta")
    tomorrow = opens_in_words(datetime(2026, 12, 8, 8, 0, tzinfo=jakarta), now=now, zone="Asia/Jakarta")
    assert tomorrow.startswith("The room opens tomorrow at") and tomorrow.endswith("WIB.") and "8" in tomorrow
    # 08:00 WIB is 09:00 WITA: the event's zone decides the words, not the server's.
    makassar = opens_in_words(datetime(2026, 12, 8, 8, 0, tzinfo=jakarta), now=now, zone="Asia/Makassar")
    assert "tomorrow" in makassar and "9" in makassar and makassar.endswith("WITA.")
    later = opens_in_words(datetime(2026, 12, 10, 8, 0, tzinfo=jakarta), now=now, zone="Asia/Jakarta")
    assert "Thursday 10 December" in later
    with translation.override("id"):
        assert opens_in_words(datetime(2026, 12, 8, 8, 0, tzinfo=jakarta), now=now,
                              zone="Asia/Jakarta") == "Ruang dibuka besok pukul 8.00 WIB."
        assert "Kamis 10 Desember" in opens_in_words(datetime(2026, 12, 10, 8, 0, tzinfo=jakarta), now=now,
                                                     zone="Asia/Jakarta")
