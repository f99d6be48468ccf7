"""Through a real Daphne: a calendar client polling the feed, and a person answering in Chromium."""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from icalendar import Calendar

from scheduling import services
from scheduling.models import Attendee
from scheduling.services import AttendeeSpec
from tests.scheduling import factories as f

pytestmark = pytest.mark.e2e


@pytest.fixture
def invited(daphne_server):
    event = f.event(
        title="Sidang Perdata",
        rrule="FREQ=WEEKLY;COUNT=3",
        tz="Asia/Jayapura",
        start=f.local("Asia/Jayapura", f.next_weekday(3), 10),
        attendees=[AttendeeSpec(name="Rina", email="rina@example.org")],
    )
    return event, event.attendees.get()


def test_calendar_client_polls_the_feed_with_etag(daphne_server, invited):
    event, _rina = invited
    url = daphne_server.base_url + services.calendar_feed_for(email="rina@example.org").path
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
        calendar = Calendar.from_ical(response.read())
        etag = response.headers["ETag"]
    link = f"{daphne_server.base_url}/join/"
    assert str(calendar.walk("VEVENT")[0]["URL"]).startswith(link)
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(urllib.request.Request(url, headers={"If-None-Match": etag}), timeout=10)
    assert not_modified.value.code == 304
    services.event_update(event=event, by=event.organizer, title="Sidang Perdata (ruang 2)")
    request = urllib.request.Request(url, headers={"If-None-Match": etag})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert b"ruang 2" in response.read()


def answer_of(attendee) -> str:
    """Read the database outside Playwright's event loop (Django refuses ORM calls inside it)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: Attendee.objects.get(pk=attendee.pk).rsvp).result()


@pytest.mark.browser
def test_answering_an_invitation_in_the_browser(daphne_server, invited, browser):
    _event, rina = invited
    page = browser.new_page()
    page.goto(f"{daphne_server.base_url}/rsvp/{rina.join_token}/?answer=DECLINED", timeout=20_000)
    assert "Sidang Perdata" in page.content() and "WIT" in page.content()
    assert answer_of(rina) == "NEEDS-ACTION"  # opening the link changed nothing
    page.get_by_role("button", name="Confirm: Decline").click()
    page.wait_for_selector(".messages li", timeout=20_000)
    assert answer_of(rina) == "DECLINED"
    page.close()
