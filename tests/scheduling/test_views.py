"""Pages: the calendar feed, the RSVP page behind an invite link, my schedule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from scheduling import services
from scheduling.models import Attendee
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def siti():
    return f.user("siti", first_name="Siti")


@pytest.fixture
def event(siti):
    return f.event(
        title="Kelas Fisika",
        rrule="FREQ=WEEKLY;COUNT=4",
        tz="Asia/Makassar",
        start=f.local("Asia/Makassar", f.next_weekday(0), 9),
        attendees=[AttendeeSpec(user=siti), AttendeeSpec(name="Tamu", email="tamu@example.org")],
    )


# ---------------------------------------------------------------- feed


def test_feed_answers_ics_with_etag_and_last_modified_and_304(client, siti, event):
    feed = services.calendar_feed_for(user=siti)
    response = client.get(feed.path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH" and len(calendar.walk("VEVENT")) == 1
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert client.get(feed.path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(feed.path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # Any change to what the feed shows gives a new ETag and a full answer.
    second = event.occurrences.order_by("start")[1]
    services.occurrence_move(occurrence=second, start=second.start + timedelta(hours=2), by=event.organizer)
    changed = client.get(feed.path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert len(Calendar.from_ical(changed.content).walk("VEVENT")) == 2
    attendee = event.attendees.get(user=siti)
    services.attendee_token_rotate(attendee=attendee, by=None)
    assert client.get(feed.path, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


def test_feed_unknown_or_revoked_token_is_404(client, siti, event):
    assert client.get("/calendar/nope.ics").status_code == 404
    feed = services.calendar_feed_for(user=siti)
    old_path = feed.path
    services.calendar_feed_rotate(feed=feed)
    assert client.get(old_path).status_code == 404
    assert client.get(feed.path).status_code == 200
    services.calendar_feed_revoke(feed=feed)
    response = client.get(feed.path)
    assert response.status_code == 404 and b"calendar link" in response.content


def test_feed_of_a_person_without_an_account(client, event):
    feed = services.calendar_feed_for(email="tamu@example.org")
    response = client.get(feed.path)
    assert response.status_code == 200 and b"Kelas Fisika" in response.content


# ---------------------------------------------------------------- RSVP


def test_rsvp_get_never_changes_state_and_post_records(client, event):
    tamu = event.attendees.get(email="tamu@example.org")
    url = reverse("scheduling:rsvp", args=[tamu.join_token]) + "?answer=ACCEPTED"
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Kelas Fisika" in content and "WITA" in content and 'value="ACCEPTED"' in content
    assert Attendee.objects.get(pk=tamu.pk).rsvp == "NEEDS-ACTION"
    response = client.post(reverse("scheduling:rsvp", args=[tamu.join_token]), {"answer": "ACCEPTED"})
    assert response.status_code == 302
    assert Attendee.objects.get(pk=tamu.pk).rsvp == "ACCEPTED"
    assert "Accepted" in client.get(response["Location"]).content.decode()


def test_rsvp_bad_answer_and_bad_token(client, event):
    tamu = event.attendees.get(email="tamu@example.org")
    url = reverse("scheduling:rsvp", args=[tamu.join_token])
    response = client.post(url, {"answer": "SURE"})
    assert response.status_code == 200 and "not a valid answer" in response.content.decode()
    assert Attendee.objects.get(pk=tamu.pk).rsvp == "NEEDS-ACTION"
    assert client.get(reverse("scheduling:rsvp", args=["forged"])).status_code == 404
    services.attendee_remove(attendee=tamu, by=event.organizer)
    assert client.post(url, {"answer": "ACCEPTED"}).status_code == 404


def test_rsvp_for_a_cancelled_event_is_gone(client, event):
    tamu = event.attendees.get(email="tamu@example.org")
    services.event_cancel(event=event, by=event.organizer)
    assert client.get(reverse("scheduling:rsvp", args=[tamu.join_token])).status_code == 410


def test_rsvp_page_in_indonesian(client, event):
    tamu = event.attendees.get(email="tamu@example.org")
    client.cookies["django_language"] = "id"
    page = client.get(
        reverse("scheduling:rsvp", args=[tamu.join_token]) + "?answer=DECLINED", HTTP_ACCEPT_LANGUAGE="id"
    )
    assert "Konfirmasi" in page.content.decode()


# ---------------------------------------------------------------- my schedule


def test_schedule_needs_login(client):
    response = client.get(reverse("scheduling:schedule"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_schedule_week_and_list_in_the_viewers_zone(client, siti, event):
    client.force_login(siti)
    first = event.occurrences.order_by("start").first()
    week = client.get(reverse("scheduling:schedule"), {"week": first.start.date().isoformat()})
    content = week.content.decode()
    assert week.status_code == 200 and "Kelas Fisika" in content
    # Shown at 08:00 in the viewer's zone (WIB), with the event's own 09:00 WITA alongside.
    assert "08:00" in content and "09:00 WITA" in content
    listing = client.get(reverse("scheduling:schedule"), {"view": "list"})
    assert listing.content.decode().count("Kelas Fisika") == 4
    feed = services.calendar_feed_for(user=siti)
    assert f"webcal://127.0.0.1:8000{feed.path}" in content and f"http://127.0.0.1:8000{feed.path}" in content
    assert "My schedule" in client.get("/").content.decode()


def test_accept_and_decline_from_my_schedule_only_for_my_own_invitation(client, siti, event):
    mine = event.attendees.get(user=siti)
    other = event.attendees.get(email="tamu@example.org")
    client.force_login(siti)
    response = client.post(reverse("scheduling:answer", args=[mine.pk]), {"answer": "DECLINED"})
    assert response.status_code == 302 and Attendee.objects.get(pk=mine.pk).rsvp == "DECLINED"
    assert client.post(reverse("scheduling:answer", args=[other.pk]), {"answer": "DECLINED"}).status_code == 404
    assert Attendee.objects.get(pk=other.pk).rsvp == "NEEDS-ACTION"
    assert client.get(reverse("scheduling:answer", args=[mine.pk])).status_code == 405


def test_replacing_the_feed_address(client, siti):
    client.force_login(siti)
    old = services.calendar_feed_for(user=siti).path
    client.post(reverse("scheduling:feed_rotate"))
    assert client.get(old).status_code == 404
    assert client.get(services.calendar_feed_for(user=siti).path).status_code == 200


def test_admin_lists_scheduling_rows_read_only(client, event):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser(username="root", password="x", email="root@example.org")
    client.force_login(admin)
    for model in ("event", "occurrence", "attendee", "calendarfeed", "profile"):
        assert client.get(f"/admin/scheduling/{model}/").status_code == 200, model
    assert client.get(f"/admin/scheduling/event/{event.pk}/change/").status_code == 200
    assert client.get("/admin/scheduling/event/add/").status_code == 403



def test_feed_last_modified_moves_on_when_an_event_leaves_it(client, event):
    from scheduling import selectors

    feed = services.calendar_feed_for(email="tamu@example.org")
    first = client.get(feed.path)
    etag, before = selectors.feed_version(feed=feed)
    assert first["ETag"] == etag
    services.attendee_remove(attendee=event.attendees.get(email="tamu@example.org"), by=event.organizer)
    # The event leaves the feed, yet Last-Modified moves forward (If-Modified-Since clients see it).
    assert selectors.feed_version(feed=feed)[1] > before
    after = client.get(feed.path, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and b"Kelas Fisika" not in after.content
