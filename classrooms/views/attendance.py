"""Attendance pages and their downloads (CSV and .xlsx, through ``config.exports``)."""

from __future__ import annotations

import zoneinfo

from django.shortcuts import render
from django.utils import timezone

from classrooms import attendance, policies, selectors
from classrooms.chart import term_chart
from classrooms.views.common import classroom_view
from config.exports import table_response


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
def meeting_attendance_export(request, classroom, role, occurrence_id, fmt):
    occurrence = selectors.class_occurrence(classroom, occurrence_id)
    header, rows = attendance.meeting_table(classroom, attendance.meeting_attendance(classroom, occurrence))
    local = occurrence.start.astimezone(zoneinfo.ZoneInfo(classroom.school.timezone))
    return table_response(request, header=header, rows=rows, filename=f"attendance-{local:%Y%m%d-%H%M}", fmt=fmt)


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
def term_attendance_export(request, classroom, role, fmt):
    meetings, _rates = attendance.term_attendance(classroom)
    header, rows = attendance.term_table(classroom, meetings)
    return table_response(request, header=header, rows=rows, filename="attendance-term", fmt=fmt)
