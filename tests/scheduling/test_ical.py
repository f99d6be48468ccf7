"""The twelve iCalendar rules of issue 3, one test each (or more), plus whole-life consistency.

Every ICS is parsed with ``icalendar`` and expanded with ``recurring-ical-events``; the instants
are compared with the Occurrence rows.
"""

import email
import re
from datetime import UTC, timedelta
from email.mime.text import MIMEText

import pytest
import recurring_ical_events
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from scheduling import ical, replies, services
from scheduling.models import Event, Occurrence
from scheduling.services import AttendeeSpec, validation
from tests.scheduling import factories as f

pytestmark = pytest.mark.django_db


def parse(calendar) -> Calendar:
    return Calendar.from_ical(ical.calendar_bytes(calendar))


def vevents(calendar: Calendar) -> list:
    return [component for component in calendar.walk("VEVENT")]


def expanded(calendar: Calendar) -> list[tuple]:
    """(start, end) in UTC of every sitting a calendar client would show."""
    now = timezone.now()
    sittings = recurring_ical_events.of(calendar).between(now - timedelta(days=800), now + timedelta(days=800))
    return sorted(
        (c["DTSTART"].dt.astimezone(UTC), c["DTEND"].dt.astimezone(UTC))
        for c in sittings
        if str(c.get("STATUS", "")) != "CANCELLED"
    )


def in_db(event: Event) -> list[tuple]:
    rows = Occurrence.objects.filter(event=event, status=Occurrence.Status.SCHEDULED)
    return sorted((row.start, row.end) for row in rows)


def invite(event, attendee, **kwargs) -> Calendar:
    event.refresh_from_db()
    attendee.refresh_from_db()
    return parse(ical.invite_calendar(event=event, attendee=attendee, **kwargs))


@pytest.fixture
def series():
    """A weekly class of 6 sittings with an organiser and two students."""
    teacher = f.organiser("guru", first_name="Ibu", last_name="Guru")
    event = f.event(
        organizer=teacher,
        title="Matematika",
        rrule="FREQ=WEEKLY;COUNT=6",
        tz="Asia/Jakarta",
        description="Bab 3: pecahan",
        reminder_minutes=[15],
        attendees=[
            AttendeeSpec(name="Siti", email="siti@example.org", role="student"),
            AttendeeSpec(name="Budi", email="budi@example.org", role="student"),
        ],
    )
    return event


def attendee(event, name):
    return event.attendees.get(name=name)


# 1 ------------------------------------------------------------------------------------------


def test_rule_1_one_invite_per_recipient_method_request_and_mime_method(series):
    siti = attendee(series, "Siti")
    calendar = ical.invite_calendar(event=series, attendee=siti)
    assert calendar["METHOD"] == "REQUEST"
    part = MIMEText(ical.calendar_bytes(calendar).decode(), "calendar", "utf-8")
    part.replace_header("Content-Type", ical.content_type(calendar))
    parsed = email.message_from_string(part.as_string())
    assert parsed.get_content_type() == "text/calendar"
    assert parsed.get_param("method") == str(Calendar.from_ical(parsed.get_payload(decode=True))["METHOD"])
    recipients = {str(v["ATTENDEE"]) for v in vevents(parse(calendar))}
    assert recipients == {"mailto:siti@example.org"}


# 2 ------------------------------------------------------------------------------------------


def test_rule_2_stable_uid_and_growing_sequence(series):
    siti = attendee(series, "Siti")
    seen = []

    def snapshot():
        components = vevents(invite(series, siti))
        seen.append(({str(c["UID"]) for c in components}, max(int(c["SEQUENCE"]) for c in components)))

    snapshot()
    services.event_update(event=series, by=series.organizer, title="Matematika lanjut")
    snapshot()
    second = series.occurrences.order_by("start")[1]
    services.occurrence_move(occurrence=second, start=second.start + timedelta(hours=2), by=series.organizer)
    snapshot()
    services.occurrence_cancel(occurrence=series.occurrences.order_by("start")[3], by=series.organizer)
    snapshot()
    assert len({frozenset(uids) for uids, _ in seen}) == 1 and len(seen[0][0]) == 1
    assert [sequence for _, sequence in seen] == [0, 1, 2, 3]


# 3 ------------------------------------------------------------------------------------------


def test_rule_3_dtstamp_utc_organizer_with_cn_at_the_recipients_reply_address(series):
    services.attendee_add(event=series, user=series.organizer, role="teacher")
    second = series.occurrences.order_by("start")[1]
    services.occurrence_move(occurrence=second, start=second.start + timedelta(days=1), by=series.organizer)
    own = series.attendees.get(user=series.organizer)
    for recipient in (attendee(series, "Siti"), own):
        components = vevents(invite(series, recipient))
        assert len(components) == 2  # master and the moved sitting
        for component in components:
            assert component["DTSTAMP"].dt.utcoffset() == timedelta(0)
            assert component.to_ical().decode().count("DTSTAMP:") == 1
            assert re.search(r"DTSTAMP:\d{8}T\d{6}Z", component.to_ical().decode())
            organizer = component["ORGANIZER"]
            assert str(organizer) == f"mailto:{replies.reply_address(recipient)}"
            assert organizer.params["CN"] == "Ibu Guru"
            assert replies.attendee_for_reply_address(str(organizer)[7:]) == recipient


def test_rule_3_the_organisers_own_copy_lists_them_as_the_chair_who_accepted(series):
    """RFC 5546 §3.2.2: a REQUEST goes to its ATTENDEEs; the organiser's copy is no exception."""
    services.attendee_add(event=series, user=series.organizer, role="teacher")
    own = series.attendees.get(user=series.organizer)
    for component in vevents(invite(series, own)):
        line = component["ATTENDEE"]
        assert not isinstance(line, list) and str(line) == "mailto:guru@example.org"
        assert (line.params["ROLE"], line.params["PARTSTAT"], line.params["RSVP"]) == ("CHAIR", "ACCEPTED", "FALSE")
    siti = attendee(series, "Siti")
    (master,) = vevents(invite(series, siti))
    assert master["ATTENDEE"].params["ROLE"] == "REQ-PARTICIPANT"


# 4 ------------------------------------------------------------------------------------------


def test_rule_4_exactly_the_recipient_with_partstat_and_rsvp(series):
    siti = attendee(series, "Siti")
    (master,) = vevents(invite(series, siti))
    line = master["ATTENDEE"]
    assert not isinstance(line, list)
    assert str(line) == "mailto:siti@example.org"
    assert line.params["PARTSTAT"] == "NEEDS-ACTION" and line.params["RSVP"] == "TRUE"
    assert line.params["CN"] == "Siti"
    services.attendee_rsvp(attendee=siti, rsvp="ACCEPTED")
    (master,) = vevents(invite(series, siti))
    assert master["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_rule_4_a_sitting_answered_on_its_own_says_so_in_its_override(series):
    siti = attendee(series, "Siti")
    second = series.occurrences.order_by("start")[1]
    services.occurrence_move(occurrence=second, start=second.start + timedelta(hours=2), by=series.organizer)
    second.refresh_from_db()
    services.attendee_rsvp(attendee=siti, rsvp="DECLINED", occurrence=second)
    master, moved = vevents(invite(series, siti))
    assert master["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert moved["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


# 5 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "abbreviation_offset"),
    [("Asia/Jakarta", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)],
)
def test_rule_5_indonesian_zones(zone, abbreviation_offset):
    event = f.event(
        tz=zone,
        start=f.local(zone, f.next_weekday(2), 8, 30),
        rrule="FREQ=WEEKLY;COUNT=5",
        attendees=[AttendeeSpec(email="a@example.org")],
    )
    calendar = invite(event, event.attendees.get())
    (master,) = vevents(calendar)
    assert master["DTSTART"].params["TZID"] == zone
    assert master["DTSTART"].dt.hour == 8 and master["DTSTART"].dt.minute == 30
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {zone}
    sittings = expanded(calendar)
    assert sittings == in_db(event)
    assert all(start.hour == (8 - abbreviation_offset) % 24 for start, _ in sittings)


@pytest.mark.parametrize("month", [3, 10])
def test_rule_5_daylight_saving_zone_keeps_wall_clock(month):
    switch = f.next_dst_switch(month)
    zone = "Europe/Amsterdam"
    event = f.event(
        tz=zone,
        start=f.local(zone, switch - timedelta(days=13), 9),
        rrule="FREQ=WEEKLY;COUNT=4",
        attendees=[AttendeeSpec(email="a@example.org")],
    )
    calendar = invite(event, event.attendees.get())
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {zone}
    sittings = expanded(calendar)
    assert sittings == in_db(event)
    local_hours = {start.astimezone(f.zoneinfo.ZoneInfo(zone)).hour for start, _ in sittings}
    assert local_hours == {9}
    assert len({start.hour for start, _ in sittings}) == 2  # the UTC hour shifts at the switch


# 6 ------------------------------------------------------------------------------------------


def test_rule_6_cancelling_the_series(series):
    siti = attendee(series, "Siti")
    before = vevents(invite(series, siti))[0]
    services.event_cancel(event=series, by=series.organizer)
    calendar = invite(series, siti, method="CANCEL")
    assert calendar["METHOD"] == "CANCEL"
    (component,) = vevents(calendar)
    assert component["STATUS"] == "CANCELLED"
    assert component["UID"] == before["UID"]
    assert int(component["SEQUENCE"]) > int(before["SEQUENCE"])
    assert "RECURRENCE-ID" not in component
    assert expanded(calendar) == [] == in_db(series)


# 7 ------------------------------------------------------------------------------------------


def test_rule_7_cancelling_one_sitting(series):
    siti = attendee(series, "Siti")
    third = series.occurrences.order_by("start")[2]
    services.occurrence_cancel(occurrence=third, by=series.organizer)
    third.refresh_from_db()
    calendar = invite(series, siti, method="CANCEL", occurrence=third)
    assert calendar["METHOD"] == "CANCEL"
    (component,) = vevents(calendar)
    assert component["RECURRENCE-ID"].dt.astimezone(UTC) == third.recurrence_id
    assert component["STATUS"] == "CANCELLED"
    assert "RRULE" not in component
    # The series from then on carries the EXDATE, and its master is never cancelled.
    update = invite(series, siti)
    (master,) = vevents(update)
    assert master["STATUS"] == "CONFIRMED"
    exdates = [d.dt.astimezone(UTC) for d in master["EXDATE"].dts]
    assert exdates == [third.recurrence_id]
    assert expanded(update) == in_db(series)
    assert len(in_db(series)) == 5


# 8 ------------------------------------------------------------------------------------------


def test_rule_8_moving_one_sitting(series):
    siti = attendee(series, "Siti")
    second = series.occurrences.order_by("start")[1]
    original = second.start
    services.occurrence_move(occurrence=second, start=original + timedelta(days=2, hours=1), by=series.organizer)
    calendar = invite(series, siti, occurrence=second)
    master, override = vevents(calendar)
    assert override["UID"] == master["UID"]
    assert override["RECURRENCE-ID"].dt.astimezone(UTC) == original
    assert override["RECURRENCE-ID"].params["TZID"] == "Asia/Jakarta"
    assert override["DTSTART"].dt.astimezone(UTC) == original + timedelta(days=2, hours=1)
    assert expanded(calendar) == in_db(series)


# 9 ------------------------------------------------------------------------------------------


def test_rule_9_removing_one_attendee_cancels_for_them_only(series):
    budi = attendee(series, "Budi")
    services.attendee_remove(attendee=budi, by=series.organizer)
    calendar = invite(series, budi, method="CANCEL")
    (component,) = vevents(calendar)
    assert calendar["METHOD"] == "CANCEL" and component["STATUS"] == "CANCELLED"
    assert str(component["ATTENDEE"]) == "mailto:budi@example.org"
    assert "siti@example.org" not in ical.calendar_bytes(calendar).decode()
    # Siti keeps the series, Budi no longer appears in hers.
    siti_calendar = invite(series, attendee(series, "Siti"))
    assert "budi@example.org" not in ical.calendar_bytes(siti_calendar).decode()
    assert vevents(siti_calendar)[0]["STATUS"] == "CONFIRMED"


# 10 -----------------------------------------------------------------------------------------


def test_rule_10_crlf_and_folding(series):
    services.event_update(event=series, by=series.organizer, description="Materi: " + "pecahan campuran " * 20)
    text = ical.calendar_bytes(ical.invite_calendar(event=series, attendee=attendee(series, "Siti")))
    lines = text.split(b"\r\n")
    assert text.endswith(b"\r\n")
    assert b"\n" not in text.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long description was folded


# 11 -----------------------------------------------------------------------------------------


@override_settings(HADIR_BASE_URL="https://hadir.example.go.id")
def test_rule_11_personal_join_link_in_url_location_and_description(series):
    siti = attendee(series, "Siti")
    second = series.occurrences.order_by("start")[1]
    services.occurrence_move(occurrence=second, start=second.start + timedelta(hours=3), by=series.organizer)
    link = f"https://hadir.example.go.id/join/{siti.join_token}/"
    for component in vevents(invite(series, siti)):
        assert str(component["URL"]) == link
        assert str(component["LOCATION"]) == link
        assert link in str(component["DESCRIPTION"]) and "Bab 3: pecahan" in str(component["DESCRIPTION"])
    budi_text = ical.calendar_bytes(ical.invite_calendar(event=series, attendee=attendee(series, "Budi"))).decode()
    assert siti.join_token not in budi_text


# 12 -----------------------------------------------------------------------------------------


def test_rule_12_feed_is_publish_with_names_and_refresh(series):
    siti = attendee(series, "Siti")
    feed = services.calendar_feed_for(email="SITI@example.org")
    calendar = parse(ical.feed_calendar(feed=feed))
    assert calendar["METHOD"] == "PUBLISH"
    assert "siti@example.org" in str(calendar["X-WR-CALNAME"]).lower() and calendar["NAME"] == calendar["X-WR-CALNAME"]
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert siti.join_token in ical.calendar_bytes(calendar).decode()


def test_rule_12_feed_has_every_event_organised_or_attended_as_rrule_plus_overrides():
    ani = f.user("ani")
    other = f.organiser("lain")
    mine = f.event(organizer=ani, title="Rapat guru", rrule="FREQ=DAILY;COUNT=40")
    invited = f.event(
        organizer=other,
        title="Kelas IPA",
        rrule="FREQ=WEEKLY;COUNT=30",
        tz="Asia/Makassar",
        start=f.local("Asia/Makassar", f.next_weekday(0), 13),
        attendees=[AttendeeSpec(user=ani)],
    )
    by_email = f.event(
        organizer=other,
        title="Sidang",
        start=mine.start + timedelta(hours=5),
        attendees=[AttendeeSpec(email="ANI@example.org")],
    )
    f.event(organizer=other, title="Not mine", start=mine.start + timedelta(hours=7))
    cancelled = f.event(organizer=ani, title="Dibatalkan", start=mine.start + timedelta(hours=9))
    services.event_cancel(event=cancelled, by=ani)
    fourth = invited.occurrences.order_by("start")[3]
    services.occurrence_move(occurrence=fourth, start=fourth.start + timedelta(hours=1), by=other)
    services.occurrence_cancel(occurrence=invited.occurrences.order_by("start")[5], by=other)
    calendar = parse(ical.feed_calendar(feed=services.calendar_feed_for(user=ani)))
    components = vevents(calendar)
    assert sorted(str(c["SUMMARY"]) for c in components) == ["Kelas IPA", "Kelas IPA", "Rapat guru", "Sidang"]
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Asia/Jakarta", "Asia/Makassar"}
    assert expanded(calendar) == sorted(in_db(mine) + in_db(invited) + in_db(by_email))


# The "done when": a weekly series with one moved and one cancelled sitting --------------


def test_invite_update_and_cancellation_expand_like_the_database():
    zone = "Europe/Amsterdam"
    switch = f.next_dst_switch(10)
    event = f.event(
        tz=zone,
        start=f.local(zone, switch - timedelta(days=20), 18),
        rrule="FREQ=WEEKLY;COUNT=8",
        attendees=[AttendeeSpec(name="Rina", email="rina@example.org")],
    )
    rina = event.attendees.get()
    first_invite = invite(event, rina)
    assert expanded(first_invite) == in_db(event) and len(in_db(event)) == 8

    rows = list(event.occurrences.order_by("start"))
    services.occurrence_move(occurrence=rows[2], start=rows[2].start + timedelta(days=1), by=event.organizer)
    update = invite(event, rina, occurrence=rows[2])
    assert expanded(update) == in_db(event)

    services.occurrence_cancel(occurrence=rows[5], by=event.organizer)
    rows[5].refresh_from_db()
    cancellation = invite(event, rina, method="CANCEL", occurrence=rows[5])
    # A client applies the cancellation to what it had: the update minus the cancelled sitting.
    cancelled = {c["RECURRENCE-ID"].dt.astimezone(UTC) for c in vevents(cancellation)}
    assert cancelled == {rows[5].recurrence_id}
    applied = [s for s in expanded(update) if s[0] not in cancelled]
    assert applied == in_db(event) == expanded(invite(event, rina))
    feed = parse(ical.feed_calendar(feed=services.calendar_feed_for(email="rina@example.org")))
    assert expanded(feed) == in_db(event) and len(in_db(event)) == 7


def test_retimed_series_keeps_past_sittings_in_the_export(monkeypatch):
    zone = "Asia/Makassar"
    event = f.event(
        tz=zone,
        start=f.local(zone, f.next_weekday(1), 10),
        rrule="FREQ=WEEKLY;COUNT=6",
        attendees=[AttendeeSpec(email="a@example.org")],
    )
    rows = list(event.occurrences.order_by("start"))
    services.occurrence_move(occurrence=rows[1], start=rows[1].start + timedelta(hours=4), by=event.organizer)
    services.occurrence_cancel(occurrence=rows[4], by=event.organizer)
    # Three sittings have happened; the series moves to 14:00 and to 90 minutes from now on.
    monkeypatch.setattr(validation, "now", lambda: rows[2].end + timedelta(hours=1))
    services.event_update(
        event=event,
        by=event.organizer,
        start=event.start + timedelta(hours=4),
        duration=timedelta(minutes=90),
    )
    past = [(row.start, row.end) for row in rows[:3]]
    past[1] = (rows[1].start + timedelta(hours=4), rows[1].end + timedelta(hours=4))
    assert in_db(event)[:3] == past
    assert len(in_db(event)) == 5
    calendar = invite(event, event.attendees.get())
    assert expanded(calendar) == in_db(event)

    # Retimed again, from a later anchor: the past sittings become extra dates (RDATE).
    monkeypatch.setattr(validation, "now", lambda: rows[3].end + timedelta(hours=1))
    later = rows[5].recurrence_id + timedelta(days=-1, hours=1)
    services.event_update(event=event, by=event.organizer, start=later, rrule="FREQ=WEEKLY;COUNT=1")
    calendar = invite(event, event.attendees.get())
    assert "RDATE" in vevents(calendar)[0]
    assert expanded(calendar) == in_db(event)
    assert in_db(event)[-1][0] == later


def test_sittings_in_the_repeated_hour_of_a_daylight_saving_switch():
    zone = "Europe/Amsterdam"
    switch = f.next_dst_switch(10)
    event = f.event(
        tz=zone,
        start=f.local(zone, switch - timedelta(days=7), 2, 30),
        rrule="FREQ=WEEKLY;COUNT=3",
        attendees=[AttendeeSpec(email="a@example.org")],
    )
    second, third = list(event.occurrences.order_by("start"))[1:]
    # 02:30 on the switch night happens twice; the rule's sitting is the first pass (CEST).
    assert second.start.astimezone(f.zoneinfo.ZoneInfo(zone)).utcoffset() == timedelta(hours=2)
    # Moved to the second pass of 02:30 (CET): exported in UTC, since a TZID time has no fold.
    services.occurrence_move(
        occurrence=third, start=second.start + timedelta(hours=1), by=event.organizer, allow_conflicts=True
    )
    calendar = invite(event, event.attendees.get())
    assert expanded(calendar) == in_db(event)


def test_description_in_the_attendees_language(series):
    services.attendee_add(event=series, name="Wayan", email="wayan@example.org", language="id")
    wayan = series.attendees.get(email="wayan@example.org")
    (master,) = vevents(invite(series, wayan))
    assert "Tautan pribadi Anda untuk bergabung" in str(master["DESCRIPTION"])
    (master,) = vevents(invite(series, attendee(series, "Siti")))
    assert "Your personal link to join" in str(master["DESCRIPTION"])
