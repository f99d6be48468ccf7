"""Attendance pages and their CSV files."""

from __future__ import annotations

import zoneinfo

from django.shortcuts import render
from django.utils import timezone

from classrooms import attendance, policies, selectors
from classrooms.chart import term_chart
from classrooms.views.common import _csv_response, classroom_view


@classroom_view(*policies.STAFF_ROLES)
def meeting_attendance(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    summary = attendance.meeting_attendance(classroom, occurrence)
    return render(
        request,
        "classrooms/meeting_attendance.html",
        {
            "classroom": classroom,
            "occurrence": occurrence,
            "summary": summary,
            "labels": attendance.STATUS_LABELS,
            "manager": role in policies.MANAGER_ROLES,
            "join": selectors.own_attendee(occurrence, request.user),
            "not_over": attendance.effective_end(occurrence) > timezone.now(),
            # Managers rotate, withdraw or resend the meeting's links here (scheduling's buttons).
            "people": occurrence.event.attendees.filter(removed_at__isnull=True).order_by("name")
            if role in policies.MANAGER_ROLES else [],
        },
    )


@classroom_view(*policies.STAFF_ROLES)
def meeting_attendance_csv(request, classroom, role, occurrence_id):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    summary = attendance.meeting_attendance(classroom, occurrence)
    local = occurrence.start.astimezone(zoneinfo.ZoneInfo(classroom.school.timezone))
    return _csv_response(attendance.meeting_csv(classroom, summary), f"attendance-{local:%Y%m%d-%H%M}.csv")


@classroom_view(*policies.STAFF_ROLES)
def term_attendance(request, classroom, role):
    meetings, rates = attendance.term_attendance(classroom)
    return render(
        request,
        "classrooms/term_attendance.html",
        {
            "classroom": classroom,
            "meetings": meetings,
            "rates": rates,
            "labels": attendance.STATUS_LABELS,
            "chart": term_chart(meetings, zone_name=classroom.school.timezone),
        },
    )


@classroom_view(*policies.STAFF_ROLES)
def term_attendance_csv(request, classroom, role):
    meetings, _rates = attendance.term_attendance(classroom)
    return _csv_response(attendance.term_csv(classroom, meetings), "attendance-term.csv")
