"""Attendance edge cases, fed through rooms' own attendance services at controlled clock times."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from classrooms import attendance, services
from classrooms.chart import term_chart
from config.exports import csv_text
from rooms import services as room_services
from rooms.models import AttendanceInterval
from scheduling.models import Attendee
from tests.classrooms.conftest import clock_at, past_meeting


@pytest.fixture
def meeting(classroom, people):
    """A 90-minute meeting that started yesterday at this hour; extra students for each case."""
    start = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    with clock_at(start - timedelta(days=20)):
        for name in ("Two Tabs", "Rejoin", "Crash", "Early Bird", "Never", "Late", "Leaver"):
            email = name.lower().replace(" ", "") + "@example.org"
            services.enrollment_add(classroom=classroom, by=people["teacher"], name=name, email=email)
    return past_meeting(classroom, people["teacher"], start=start)


def attendee(occurrence, name):
    return Attendee.objects.get(event=occurrence.event, name=name)


def stay(occurrence, who, joined_after: float, left_after: float | None, instance="proc-a"):
    """Join ``joined_after`` minutes from the start; leave ``left_after`` minutes from it (None: stay)."""
    start, interval_id = occurrence.start, uuid.uuid4()
    joined = start + timedelta(minutes=joined_after)
    room_services.attendance_record(instance=instance, opened=[(interval_id, occurrence.pk, who.pk, joined)])
    if left_after is not None:
        left = start + timedelta(minutes=left_after)
        room_services.attendance_record(instance=instance, closed=[(interval_id, left)])
    return AttendanceInterval.objects.get(pk=interval_id)


def rows_by_name(summary):
    return {row.enrollment.name: row for row in summary.rows}


def test_every_edge_case(classroom, meeting, people):
    start, end = meeting.start, meeting.end
    # Two tabs: overlapping connections are one stay.
    two = attendee(meeting, "Two Tabs")
    stay(meeting, two, 1, 90)
    stay(meeting, two, 5, 60)
    # Rejoin: left after 30 minutes, back 10 minutes later until the end.
    rejoin = attendee(meeting, "Rejoin")
    stay(meeting, rejoin, 0, 30)
    stay(meeting, rejoin, 40, 90)
    # Joining before the start counts as on time; the early minutes count as time spent.
    stay(meeting, attendee(meeting, "Early Bird"), -5, 90)
    stay(meeting, attendee(meeting, "Late"), 25, 90)
    stay(meeting, attendee(meeting, "Leaver"), 0, 45)
    # A crash mid-class: the process holding the connection dies; another process's sweeper
    # closes the interval at its last sign of life.
    stay(meeting, attendee(meeting, "Crash"), 2, None, instance="dead-process")
    with clock_at(start + timedelta(minutes=50)):
        room_services.attendance_sweep(instance="dead-process", ttl=30)
    with clock_at(start + timedelta(minutes=55)):
        closed = room_services.attendance_sweep(instance="live-process", ttl=30)
    assert closed == 1
    # The student with an account was there all along.
    stay(meeting, Attendee.objects.get(event=meeting.event, user=people["student"]), 0, 90)

    rows = rows_by_name(attendance.meeting_attendance(classroom, meeting))
    assert {name: row.status for name, row in rows.items()} == {
        "Two Tabs": "present",
        "Rejoin": "present",
        "Early Bird": "present",
        "Late": "late",
        "Leaver": "left_early",
        "Crash": "left_early",
        "Never": "absent",
        "Budi Murid": "present",
    }
    assert rows["Two Tabs"].minutes == 89
    assert (rows["Two Tabs"].first_join, rows["Two Tabs"].last_leave) == (start + timedelta(minutes=1), end)
    assert rows["Rejoin"].minutes == 80
    assert rows["Rejoin"].last_leave == end
    assert rows["Early Bird"].first_join == start - timedelta(minutes=5)
    assert rows["Crash"].last_leave == start + timedelta(minutes=50)
    assert rows["Never"].first_join is None and rows["Never"].minutes == 0
    # The assistant is staff, not a student: not listed.
    assert "assistant" not in {row.enrollment.email.split("@")[0] for row in rows.values()}


def test_threshold_is_configurable(classroom, meeting, people):
    stay(meeting, attendee(meeting, "Late"), 25, 90)
    services.classroom_update(classroom=classroom, by=people["teacher"], late_after_minutes=30)
    classroom.refresh_from_db()
    assert rows_by_name(attendance.meeting_attendance(classroom, meeting))["Late"].status == "present"


def test_ending_the_room_early_is_not_leaving_early(classroom, meeting, people):
    stay(meeting, attendee(meeting, "Leaver"), 0, 60)
    teacher = Attendee.objects.get(event=meeting.event, user=people["teacher"])
    with clock_at(meeting.start - timedelta(minutes=1)):
        room_services.room_status_set(occurrence=meeting, status="open", by=teacher)
    with clock_at(meeting.start + timedelta(minutes=1)):
        room_services.room_status_set(occurrence=meeting, status="live", by=teacher)
    with clock_at(meeting.start + timedelta(minutes=60)):
        room_services.room_status_set(occurrence=meeting, status="ended", by=teacher)
    assert rows_by_name(attendance.meeting_attendance(classroom, meeting))["Leaver"].status == "present"


def test_still_in_the_room_is_not_leaving(classroom, people):
    start = timezone.now() - timedelta(minutes=20)
    occurrence = past_meeting(classroom, people["teacher"], start=start)
    stay(occurrence, Attendee.objects.get(event=occurrence.event, user=people["student"]), 0, None)
    row = attendance.meeting_attendance(classroom, occurrence).rows[0]
    assert row.status == "present" and row.last_leave is None and row.minutes >= 19


def test_csvs_use_the_schools_zone_and_fixed_columns(classroom, meeting):
    stay(meeting, attendee(meeting, "Late"), 25, 90)
    summary = attendance.meeting_attendance(classroom, meeting)
    rows = list(csv.DictReader(io.StringIO(csv_text(*attendance.meeting_table(classroom, summary)))))
    assert list(rows[0]) == ["name", "email", "status", "first_join", "last_leave", "minutes"]
    late = next(row for row in rows if row["name"] == "Late")
    assert late["status"] == "late" and late["minutes"] == "65"
    assert late["first_join"].endswith("+07:00")
    assert late["first_join"] == (meeting.start + timedelta(minutes=25)).astimezone(
        timezone.get_fixed_timezone(7 * 60)
    ).isoformat(timespec="seconds")
    never = next(row for row in rows if row["name"] == "Never")
    assert (never["status"], never["first_join"], never["last_leave"], never["minutes"]) == (
        "absent",
        "",
        "",
        "0",
    )

    meetings, rates = attendance.term_attendance(classroom)
    assert [m.occurrence for m in meetings] == [meeting]
    term_rows = list(csv.DictReader(io.StringIO(csv_text(*attendance.term_table(classroom, meetings)))))
    assert list(term_rows[0])[:6] == ["name", "email", "status", "first_join", "last_leave", "minutes"]
    assert {row["meeting_start"] for row in term_rows} == {
        meeting.start.astimezone(timezone.get_fixed_timezone(7 * 60)).isoformat(timespec="seconds")
    }
    by_name = {rate.enrollment.name: rate for rate in rates}
    assert by_name["Late"].rate == 100 and by_name["Never"].rate == 0


def test_term_rate_and_chart(classroom, people):
    student = people["student"]
    first = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=3))
    second = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    stay(first, Attendee.objects.get(event=first.event, user=student), 0, 90)
    meetings, rates = attendance.term_attendance(classroom)
    assert [m.occurrence for m in meetings] == [first, second]
    (rate,) = rates
    assert (rate.attended, rate.expected, rate.rate) == (1, 2, 50)
    own = attendance.own_attendance(classroom.enrollments.get(user=student))
    assert own.rate == 50
    chart = term_chart(meetings, zone_name="Asia/Jakarta")
    assert len(chart["bars"]) == 2
    assert [segment["count"] for segment in chart["bars"][0]["segments"]] == [1]


def test_students_enrolled_after_a_meeting_are_not_expected_at_it(classroom, people):
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    services.enrollment_add(classroom=classroom, by=people["teacher"], name="Newcomer", email="new@example.org")
    names = [row.enrollment.name for row in attendance.meeting_attendance(classroom, occurrence).rows]
    assert "Newcomer" not in names and "Budi Murid" in names


def test_csv_cells_never_become_spreadsheet_formulas(classroom, people):
    with clock_at(timezone.now() - timedelta(days=10)):
        services.enrollment_add(
            classroom=classroom, by=people["teacher"], name='=HYPERLINK("http://x")', email="formula@example.org"
        )
    occurrence = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=2))
    summary = attendance.meeting_attendance(classroom, occurrence)
    rows = list(csv.DictReader(io.StringIO(csv_text(*attendance.meeting_table(classroom, summary)))))
    assert {row["name"] for row in rows} == {"Budi Murid", '\'=HYPERLINK("http://x")'}


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_term_chart_keeps_its_bars_in_every_language(client, classroom, people, language):
    """Django writes a float as ``63,3`` in Indonesian; SVG reads that as no number at all."""
    from xml.etree import ElementTree

    with clock_at(timezone.now() - timedelta(days=20)):
        for name in ("Citra", "Dewi"):
            services.enrollment_add(classroom=classroom, by=people["teacher"], name=name, email=f"{name}@example.org")
    first = past_meeting(classroom, people["teacher"], start=timezone.now() - timedelta(days=3))
    stay(first, Attendee.objects.get(event=first.event, user=people["student"]), 0, 90)
    client.force_login(people["teacher"])
    client.cookies["django_language"] = language
    page = client.get(f"/classrooms/{classroom.pk}/attendance/").content.decode()
    assert f'<html lang="{language}">' in page
    svg = ElementTree.fromstring(page[page.index("<svg"):page.index("</svg>") + len("</svg>")])
    bars = [rect for rect in svg.iter("{http://www.w3.org/2000/svg}rect") if rect.find("{*}title") is not None]
    heights = [float(rect.get("height")) for rect in bars]
    tops = [float(rect.get("y")) for rect in bars]
    # One present of three, two absent: thirds of the 160-unit column, stacked from the axis at 170.
    assert heights == pytest.approx([53.33, 106.67], abs=0.05)
    assert tops == pytest.approx([116.67, 10], abs=0.05)
