"""The trend a school's administrators see: average rating per week over all their sessions, drawn
on the server, with every SVG number written with a dot in every language."""

import re

from django.test import Client, override_settings
from django.utils import translation

from config.templatetags.hadir import svg_number
from feedback import services
from tests.classrooms.conftest import PASSWORD, interval


def test_svg_numbers_never_localise():
    with translation.override("id"), override_settings(USE_THOUSAND_SEPARATOR=True):
        assert [svg_number(v) for v in (30.75, 1234.5, 7, None, 2.0)] == ["30.75", "1234.5", "7", "0", "2"]


def test_the_school_admin_sees_the_weekly_trend_in_indonesian(held, guest, people):
    student = held.event.attendees.get(user=people["student"])
    tamu = held.event.attendees.get(email="tamu@example.org")
    interval(held, tamu, held.start, held.end)
    services.feedback_record(attendee=student, occurrence=held, rating=4)
    services.feedback_record(attendee=tamu, occurrence=held, rating=5)
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.login(username="teacher", password=PASSWORD)
    school = held.event.class_event.classroom.school
    body = client.get(f"/schools/{school.slug}/feedback/inbox/").content.decode()
    svg = re.search(r"<svg.*?</svg>", body, flags=re.S).group(0)
    assert "Nilai rata-rata per minggu" in svg
    (circle,) = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg)
    assert circle[1] == "30.75"  # a 4.5 average, with a dot
    assert "4.5 (2)" in svg and not re.search(r'="[0-9]+,[0-9]+"', svg)
