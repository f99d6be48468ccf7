"""The home page's "needs attention": the lobby provider asks the presence store only about the
sittings the person moderates now (the store itself is replaced here: without a running hub a
process has none to read; tests/e2e/test_home_browser.py covers the other providers end to end)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from rooms import attention
from scheduling.services import AttendeeSpec, event_create

pytestmark = pytest.mark.django_db


def test_people_waiting_in_a_lobby_show_only_to_its_moderator(client, monkeypatch):
    users = get_user_model().objects
    host = users.create_user("guru", password="a-long-password-1", email="guru@example.org", is_staff=True)
    guest = users.create_user("tamu", password="a-long-password-1", email="tamu@example.org")
    event = event_create(
        organizer=host, title="Konsultasi", start=timezone.now() + timedelta(minutes=5),
        duration=timedelta(hours=1), timezone="Asia/Jakarta", allow_conflicts=True,
        attendees=[AttendeeSpec(name="Guru", email=host.email, user=host),
                   AttendeeSpec(name="Tamu", email=guest.email, user=guest)],
    )
    asked = []

    def presence(occurrence):
        asked.append(occurrence.pk)
        return [{"id": "x", "name": "Siti", "status": "waiting"}, {"id": "y", "name": "Budi", "status": "present"}]

    monkeypatch.setattr(attention, "room_presence", presence)
    client.force_login(host)
    page = client.get("/").content.decode()
    assert "1 person waits in the lobby of “Konsultasi”." in page
    assert asked == [event.occurrences.get().pk]
    asked.clear()
    client.force_login(guest)
    page = client.get("/").content.decode()
    assert "waits in the lobby" not in page and asked == []
    assert "Konsultasi" in page  # their own session, with its Enter button
