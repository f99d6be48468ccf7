"""The dashboard of a class's staff and the student's page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from classrooms import attendance, policies, selectors
from scheduling import services as scheduling


@login_required
def dashboard(request):
    now = timezone.now()
    week_start, week_end = selectors.week_of(now)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    cards_week = selectors.meeting_cards(request.user, start=week_start, end=week_end)
    today = [
        card
        for card in cards_week
        if today_start <= card.occurrence.start < today_start + timedelta(days=1)
        or card.occurrence.start <= now < card.occurrence.end
    ]
    return render(
        request,
        "classrooms/dashboard.html",
        {
            "today": today,
            "week": cards_week,
            "classrooms": selectors.staff_classrooms(request.user),
            "schools": selectors.administered_schools(request.user),
            "may_found_school": policies.may_found_school(request.user),
            "enrollments": selectors.student_enrollments(request.user).exists(),
        },
    )


@login_required
def student_home(request):
    entries = []
    for enrollment in selectors.student_enrollments(request.user):
        occurrence, attendee = selectors.next_meeting_for(enrollment)
        entries.append(
            {
                "enrollment": enrollment,
                "occurrence": occurrence,
                "attendee": attendee,
                "record": attendance.own_attendance(enrollment),
            }
        )
    feed = scheduling.calendar_feed_for(user=request.user)
    return render(
        request,
        "classrooms/student_home.html",
        {
            "entries": entries,
            "feed_url": request.build_absolute_uri(feed.path),
            "webcal_url": request.build_absolute_uri(feed.path)
            .replace("https://", "webcal://", 1)
            .replace("http://", "webcal://", 1),
            "now": timezone.now(),
        },
    )
