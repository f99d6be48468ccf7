"""A school with two classes and one person per role, built through the services."""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from classrooms import services
from rooms.models import AttendanceInterval

User = get_user_model()
PASSWORD = "a-long-test-password"


@contextmanager
def clock_at(moment: datetime):
    """Scheduling refuses to create sittings in the past; tests of past meetings create them
    as if it were ``moment``."""
    with (
        mock.patch("scheduling.services.validation.now", return_value=moment),
        mock.patch("django.utils.timezone.now", return_value=moment),
    ):
        yield


def make_user(username: str, **extra):
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.org", **extra)


@pytest.fixture
def people(db):
    return {
        "teacher": make_user("teacher", first_name="Sari", last_name="Guru"),
        "assistant": make_user("assistant"),
        "student": make_user("student", first_name="Budi", last_name="Murid"),
        "other_student": make_user("other"),
        "other_teacher": make_user("otherteacher"),
    }


@pytest.fixture
def school(people):
    """Founded by the system, as staff would, with the teacher as its administrator."""
    return services.school_create(name="SMA 1 Bogor", timezone="Asia/Jakarta", by=None, admins=[people["teacher"]])


@pytest.fixture
def classroom(school, people):
    today = timezone.localdate()
    classroom = services.classroom_create(
        school=school,
        by=people["teacher"],
        name="XI IPA 1",
        subject="Fisika",
        term_start=today - timedelta(days=30),
        term_end=today + timedelta(days=60),
        size_limit=30,
    )
    # Enrolled since the start of the term, so that past meetings expect them.
    with clock_at(timezone.now() - timedelta(days=30)):
        services.enrollment_add(classroom=classroom, by=people["teacher"], user=people["assistant"], role="assistant")
        services.enrollment_add(classroom=classroom, by=people["teacher"], user=people["student"])
    return classroom


@pytest.fixture
def other_classroom(people):
    school = services.school_create(name="SMA 2", timezone="Asia/Makassar", by=None, admins=[people["other_teacher"]])
    today = timezone.localdate()
    classroom = services.classroom_create(
        school=school,
        by=people["other_teacher"],
        name="X-2",
        term_start=today - timedelta(days=30),
        term_end=today + timedelta(days=60),
    )
    services.enrollment_add(classroom=classroom, by=people["other_teacher"], user=people["other_student"])
    return classroom


def past_meeting(classroom, teacher, *, start: datetime, minutes: int = 90):
    """An extra meeting that took place at ``start`` (created as if it were just before then)."""
    with clock_at(start - timedelta(hours=1)):
        event = services.meeting_add(
            classroom=classroom,
            by=teacher,
            start=start,
            end=start + timedelta(minutes=minutes),
            allow_conflicts=True,
        )
    return event.occurrences.get()


def interval(occurrence, attendee, joined: datetime, left: datetime | None, *, instance="test"):
    return AttendanceInterval.objects.create(
        occurrence=occurrence,
        attendee=attendee,
        instance=instance,
        joined_at=joined,
        last_seen_at=left or joined,
        left_at=left,
    )


@pytest.fixture
def today_date() -> date:
    return timezone.localdate()
