"""Invites, feeds and replies as three independent calendar readers see them (see conftest):
every message and feed parses in icalendar, vobject and ical.js; what they expand is what the
database holds, across a daylight-saving change; e-mail headers read as a mail client reads them."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hearings import services as hearing_services
from notifications.models import Message
from scheduling import ical, services
from scheduling.models import Occurrence
from scheduling.services import AttendeeSpec, calendar_feed_for
from tests.notifications import factories
from tests.notifications.test_replies import CLIENTS, _calendar
from tests.scheduling import factories as f

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def in_db(event) -> list[tuple]:
    rows = Occurrence.objects.filter(event=event, status=Occurrence.Status.SCHEDULED)
    return sorted((row.start.astimezone(UTC), row.end.astimezone(UTC)) for row in rows)


def agree(readers, data: bytes, expected: list[tuple]) -> None:
    assert readers.recurring(data) == expected, "recurring-ical-events"
    assert readers.vobject_sittings(data) == expected, "vobject"
    assert readers.icaljs_sittings(data) == expected, "ical.js"


@pytest.fixture
def dst_series(db):
    """Weekly at 10:00 Amsterdam time, from before the spring change (last Sunday of March) to
    after it, with one sitting moved and one cancelled; a Jakarta participant."""
    year = datetime.now(UTC).year + 1
    organiser = f.organiser("docent", first_name="Anna", last_name="de Vries")
    event = f.event(
        organizer=organiser, title="Hoorzitting", tz="Europe/Amsterdam", rrule="FREQ=WEEKLY;COUNT=8",
        start=datetime(year, 3, 8, 10, tzinfo=AMSTERDAM),
        attendees=[AttendeeSpec(name="Siti", email="siti@example.org", timezone="Asia/Jakarta")],
    )
    sittings = list(event.occurrences.order_by("start"))
    services.occurrence_move(occurrence=sittings[4], start=sittings[4].start + timedelta(hours=3), by=organiser)
    services.occurrence_cancel(occurrence=sittings[6], by=organiser)
    event.refresh_from_db()
    return event


def test_the_zone_is_written_with_yearly_rules(dst_series, readers):
    data = ical.calendar_bytes(ical.invite_calendar(event=dst_series, attendee=dst_series.attendees.get()))
    (zone,) = readers.icalendar(data).walk("VTIMEZONE")
    rules = {component.name: component["RRULE"] for component in zone.subcomponents}
    assert rules["DAYLIGHT"]["BYMONTH"] == [3] and rules["DAYLIGHT"]["BYDAY"] == ["-1SU"]
    assert rules["STANDARD"]["BYMONTH"] == [10] and rules["STANDARD"]["BYDAY"] == ["-1SU"]
    assert readers.icaljs(data)["timezones"] == ["Europe/Amsterdam"]


def test_a_daylight_saving_series_expands_alike_in_every_reader_and_the_database(dst_series, readers):
    expected = in_db(dst_series)
    # Summer sittings are an hour earlier in UTC than winter ones: the wall clock is kept.
    assert {start.hour for start, _ in expected} == {9, 8, 11}
    invite = ical.calendar_bytes(ical.invite_calendar(event=dst_series, attendee=dst_series.attendees.get()))
    agree(readers, invite, expected)
    feed = ical.calendar_bytes(ical.feed_calendar(feed=calendar_feed_for(user=dst_series.organizer)))
    agree(readers, feed, expected)


def test_every_e_mail_of_an_events_life_reads_right_everywhere(
    db, smtp_server, sync_tasks, django_capture_on_commit_callbacks, readers
):
    teacher = factories.user("guru", email="guru@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        event = factories.meeting(teacher, kind="", rrule="FREQ=WEEKLY;COUNT=5", people=[
            {"name": "Siti Rahayu", "email": "siti@example.org", "language": "id", "timezone": "Europe/Amsterdam"},
            {"name": "Ann", "email": "ann@example.org"},
            {"user": teacher, "name": "Guru", "email": "guru@example.org"},
        ])
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(event=event, by=teacher, title="Physics 10A — Bab 2")
    sittings = list(event.occurrences.order_by("start"))
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_move(occurrence=sittings[1], start=sittings[1].start + timedelta(hours=2), by=teacher)
    after_move = in_db(event)  # what the last REQUEST carries; the sitting's CANCEL follows it
    with django_capture_on_commit_callbacks(execute=True):
        services.occurrence_cancel(occurrence=sittings[2], by=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendee_remove(attendee=event.attendees.get(email="ann@example.org"), by=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, by=teacher)
    expected = Message.objects.filter(channel="email", status="sent").count()
    received = smtp_server.wait_for(expected)
    assert len(received) == expected >= 14
    last_request = {}
    for item in received:
        message = item.message
        parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
        assert len(parts) == 1
        header = parts[0]["Content-Type"]
        method = parts[0].get_param("method")
        assert header.params == {"method": method, "charset": "utf-8"} and not header.defects
        assert message["Content-Language"] in ("en", "id")
        assert message["Reply-To"].addresses[0].addr_spec == "guru@example.org"
        data = parts[0].get_content().encode("utf-8")
        calendar = readers.icalendar(data)
        assert str(calendar["METHOD"]) == method
        assert readers.vobject(data).method.value == method
        js = readers.icaljs(data)
        assert js["method"] == method
        # Never a REQUEST addressed to nobody: the organiser's own copy lists them as the chair.
        assert js["attendees"] and all(a["value"] == f"mailto:{item.rcpt_tos[0]}" for a in js["attendees"])
        if item.rcpt_tos[0] == "guru@example.org":
            assert {(a["role"], a["partstat"]) for a in js["attendees"]} == {("CHAIR", "ACCEPTED")}
        if method == "REQUEST":
            assert readers.recurring(data) == readers.vobject_sittings(data) == readers.icaljs_sittings(data)
            last_request[item.rcpt_tos[0]] = data
        elif len(js["sittings"]) == 1 and js["sittings"][0]["recurrence_id"]:
            cancelled = sittings[2].recurrence_id.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            assert js["sittings"][0]["recurrence_id"] == cancelled
    for recipient in ("siti@example.org", "guru@example.org"):
        agree(readers, last_request[recipient], after_move)
    siti = [item.message for item in received if item.rcpt_tos == ["siti@example.org"]]
    assert all(message["Content-Language"] == "id" for message in siti)


def test_feeds_parse_everywhere(client, dst_series, readers):
    feed = calendar_feed_for(user=dst_series.organizer)
    for response in (client.get(feed.path), client.head(feed.path)):
        assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    data = client.get(feed.path).content
    assert str(readers.icalendar(data)["METHOD"]) == readers.vobject(data).method.value == "PUBLISH"
    assert readers.icaljs(data)["method"] == "PUBLISH"


def test_the_docket_feed_parses_everywhere(client, db, readers):
    from tests.hearings.conftest import make_user

    court = hearing_services.court_create(name="PN Contoh", slug="pn-contoh")
    clerk = make_user("clerk")
    hearing_services.court_member_add(court=court, user=clerk, role="clerk")
    case = hearing_services.case_create(court=court, number="1/Pdt.G/2026", case_type="civil", parties="A v. B",
                                        by=clerk)
    judge = make_user("judge")
    hearing_services.court_member_add(court=court, user=judge, role="judge")
    hearing = hearing_services.hearing_schedule(
        case=case, start=datetime.now(UTC) + timedelta(days=5), duration=timedelta(hours=1), courtroom="Cakra",
        agenda="Mediasi", by=clerk, presiding_judge=hearing_services.person_for(judge),
    )
    data = client.get(reverse("hearings:docket_ics", args=[court.slug])).content
    expected = [(hearing.occurrence.start.astimezone(UTC).replace(microsecond=0),
                 hearing.occurrence.end.astimezone(UTC).replace(microsecond=0))]
    assert readers.recurring(data) == readers.vobject_sittings(data) == readers.icaljs_sittings(data) == expected


@pytest.mark.parametrize("client_name", CLIENTS)
def test_the_reply_samples_parse_everywhere(dst_series, readers, client_name):
    attendee = dst_series.attendees.get()
    occurrence = dst_series.occurrences.order_by("start")[5]
    for sitting in (None, occurrence):
        text = _calendar(client_name, event=dst_series, attendee=attendee, partstat="ACCEPTED", occurrence=sitting)
        data = text.encode("utf-8")
        assert str(readers.icalendar(data)["METHOD"]) == readers.vobject(data).method.value == "REPLY"
        js = readers.icaljs(data)
        assert js["method"] == "REPLY"
        assert [a["partstat"] for a in js["attendees"]] == ["ACCEPTED"]
