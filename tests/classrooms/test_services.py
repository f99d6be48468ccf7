import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from classrooms import services
from classrooms.errors import AlreadyEnrolled, ClassroomError, ClassroomNotFound, InvalidEnrolmentCode, RosterFull
from classrooms.models import ClassEvent, Enrollment
from scheduling.models import Attendee, Occurrence
from tests.classrooms.conftest import make_user

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


def next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_enrolled_people_are_attendees_with_their_roles(classroom, people):
    services.enrollment_add(classroom=classroom, by=people["teacher"], name="Citra", email="citra@example.org")
    event = services.meetings_schedule(
        classroom=classroom,
        by=people["teacher"],
        weekdays=[0, 2],
        start_time=time(7, 30),
        end_time=time(9, 0),
    )
    roles = {attendee.email: attendee.role for attendee in event.attendees.all()}
    assert roles == {
        "teacher@example.org": "teacher",
        "assistant@example.org": "assistant",
        "student@example.org": "student",
        "citra@example.org": "student",
    }
    assert event.kind == "class"
    # Someone enrolled later is invited to the existing meetings too.
    services.enrollment_add(classroom=classroom, by=people["teacher"], name="Dewi", email="dewi@example.org")
    assert event.attendees.filter(email="dewi@example.org", role="student").exists()


def test_term_schedule_is_a_bounded_rrule_skipping_holidays(classroom, people, school):
    today = timezone.localdate()
    holiday = next_weekday(today + timedelta(days=8), 2)  # a Wednesday in the term
    services.holiday_add(school=school, day=holiday, name="Libur", by=people["teacher"])
    event = services.meetings_schedule(
        classroom=classroom,
        by=people["teacher"],
        weekdays=[0, 2],
        start_time=time(7, 30),
        end_time=time(9, 0),
    )
    assert event.rrule.startswith("FREQ=WEEKLY")
    assert "BYDAY=MO,WE" in event.rrule and "UNTIL=" in event.rrule
    assert event.duration == timedelta(minutes=90)
    holiday_start = datetime.combine(holiday, time(7, 30), tzinfo=JAKARTA)
    starts = [occurrence.start for occurrence in event.occurrences.filter(status="scheduled")]
    assert holiday_start not in starts
    assert any(
        value.startswith(holiday_start.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M"))
        for value in event.exdates
    )
    assert all(start.astimezone(JAKARTA).weekday() in (0, 2) for start in starts)
    assert all(start.astimezone(JAKARTA).time() == time(7, 30) for start in starts)
    assert max(starts).astimezone(JAKARTA).date() <= classroom.term_end
    assert ClassEvent.objects.get(event=event).is_term_schedule


def test_a_second_term_schedule_is_refused(classroom, people):
    services.meetings_schedule(
        classroom=classroom, by=people["teacher"], weekdays=[1], start_time=time(8), end_time=time(9)
    )
    with pytest.raises(ClassroomError):
        services.meetings_schedule(
            classroom=classroom, by=people["teacher"], weekdays=[3], start_time=time(8), end_time=time(9)
        )


def test_bad_schedules_are_refused(classroom, people):
    with pytest.raises(ClassroomError):
        services.meetings_schedule(
            classroom=classroom, by=people["teacher"], weekdays=[], start_time=time(8), end_time=time(9)
        )
    with pytest.raises(ClassroomError):
        services.meetings_schedule(
            classroom=classroom, by=people["teacher"], weekdays=[1], start_time=time(9), end_time=time(8)
        )
    assert not ClassEvent.objects.exists()


def test_holiday_added_later_cancels_that_days_meetings(classroom, people, school):
    event = services.meetings_schedule(
        classroom=classroom,
        by=people["teacher"],
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(7, 30),
        end_time=time(9, 0),
    )
    target = event.occurrences.order_by("start")[3]
    day = target.start.astimezone(JAKARTA).date()
    services.holiday_add(school=school, day=day, name="Cuti bersama", by=people["teacher"])
    target.refresh_from_db()
    assert target.status == Occurrence.Status.CANCELLED


def test_extra_meeting_move_and_cancel(classroom, people):
    start = timezone.now() + timedelta(days=2)
    event = services.meeting_add(classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1))
    occurrence = event.occurrences.get()
    moved = services.meeting_move(
        classroom=classroom,
        occurrence=occurrence,
        by=people["teacher"],
        start=start + timedelta(days=1),
        end=start + timedelta(days=1, hours=2),
    )
    assert moved.start == start + timedelta(days=1)
    assert moved.end - moved.start == timedelta(hours=2)
    series = services.meetings_schedule(
        classroom=classroom,
        by=people["teacher"],
        weekdays=[4],
        start_time=time(13),
        end_time=time(14),
        allow_conflicts=True,
    )
    first = series.occurrences.order_by("start").first()
    services.meeting_cancel(classroom=classroom, occurrence=first, by=people["teacher"])
    first.refresh_from_db()
    assert first.is_cancelled
    assert series.occurrences.filter(status="scheduled").count() >= 1


def test_meeting_outside_the_term_is_refused(classroom, people):
    start = datetime.combine(classroom.term_end + timedelta(days=3), time(8), tzinfo=JAKARTA)
    with pytest.raises(ClassroomError):
        services.meeting_add(classroom=classroom, by=people["teacher"], start=start, end=start + timedelta(hours=1))


def test_a_meeting_of_another_class_cannot_be_moved_through_this_one(classroom, other_classroom, people):
    start = timezone.now() + timedelta(days=2)
    event = services.meeting_add(
        classroom=other_classroom, by=people["other_teacher"], start=start, end=start + timedelta(hours=1)
    )
    with pytest.raises(ClassroomNotFound):
        services.meeting_cancel(classroom=classroom, occurrence=event.occurrences.get(), by=people["teacher"])
    assert not event.occurrences.get().is_cancelled


def test_size_limit_and_duplicates(classroom, people):
    services.classroom_update(classroom=classroom, by=people["teacher"], size_limit=2)
    services.enrollment_add(classroom=classroom, by=people["teacher"], name="A", email="a@example.org")
    with pytest.raises(RosterFull):
        services.enrollment_add(classroom=classroom, by=people["teacher"], name="B", email="b@example.org")
    # Assistants do not take a student's place.
    services.enrollment_add(
        classroom=classroom, by=people["teacher"], name="C", email="c@example.org", role="assistant"
    )
    with pytest.raises(AlreadyEnrolled):
        services.enrollment_add(
            classroom=classroom, by=people["teacher"], name="A again", email="A@example.org", role="assistant"
        )
    with pytest.raises(ClassroomError):
        services.enrollment_add(
            classroom=classroom, by=people["teacher"], name="D", email="not-an-address", role="assistant"
        )


def test_only_managers_change_a_class(classroom, people):
    with pytest.raises(PermissionDenied):
        services.enrollment_add(classroom=classroom, by=people["assistant"], name="X", email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.enrollment_add(classroom=classroom, by=people["student"], name="X", email="x@example.org")
    with pytest.raises(ClassroomNotFound):
        services.enrollment_add(classroom=classroom, by=people["other_student"], name="X", email="x@example.org")
    assert not Enrollment.objects.filter(email="x@example.org").exists()


def test_removing_a_student_withdraws_their_invitations(classroom, people):
    event = services.meetings_schedule(
        classroom=classroom, by=people["teacher"], weekdays=[0], start_time=time(10), end_time=time(11)
    )
    enrollment = classroom.enrollments.get(user=people["student"])
    services.enrollment_remove(enrollment=enrollment, by=people["teacher"])
    attendee = Attendee.objects.get(event=event, user=people["student"])
    assert attendee.removed_at is not None
    assert not classroom.enrollments.filter(user=people["student"]).exists()


def test_self_enrolment_code_and_reset(classroom, people, db):
    newcomer = make_user("newcomer")
    enrollment = services.enrollment_self_enrol(code=classroom.enrolment_code.lower(), user=newcomer)
    assert enrollment.role == "student" and enrollment.user == newcomer
    assert services.enrollment_self_enrol(code=classroom.enrolment_code, user=newcomer) == enrollment
    old = classroom.enrolment_code
    services.enrolment_code_reset(classroom=classroom, by=people["teacher"])
    assert classroom.enrolment_code != old
    with pytest.raises(InvalidEnrolmentCode):
        services.enrollment_self_enrol(code=old, user=make_user("late"))
    with pytest.raises(PermissionDenied):
        services.enrolment_code_reset(classroom=classroom, by=people["student"])


def test_teacher_change_updates_meeting_attendees(classroom, people):
    event = services.meetings_schedule(
        classroom=classroom, by=people["teacher"], weekdays=[2], start_time=time(10), end_time=time(11)
    )
    services.classroom_update(
        classroom=classroom, by=people["teacher"], teachers=[people["teacher"], people["other_teacher"]]
    )
    assert event.attendees.filter(user=people["other_teacher"], role="teacher", removed_at=None).exists()
    services.classroom_update(classroom=classroom, by=people["teacher"], teachers=[people["teacher"]])
    assert not event.attendees.filter(user=people["other_teacher"], removed_at=None).exists()


def test_the_term_schedule_follows_a_new_term_end_and_skips_holidays(classroom, people, school):
    event = services.meetings_schedule(
        classroom=classroom, by=people["teacher"], weekdays=[1], start_time=time(7, 30), end_time=time(9, 0)
    )
    before = event.occurrences.filter(status="scheduled").count()
    holiday = next_weekday(classroom.term_end + timedelta(days=10), 1)
    services.holiday_add(school=school, day=holiday, name="Libur", by=people["teacher"])
    services.classroom_update(
        classroom=classroom, by=people["teacher"], term_end=classroom.term_end + timedelta(weeks=4)
    )
    starts = [o.start.astimezone(JAKARTA).date() for o in event.occurrences.filter(status="scheduled")]
    assert len(starts) == before + 3
    assert holiday not in starts and max(starts) <= classroom.term_end
    services.classroom_update(
        classroom=classroom, by=people["teacher"], term_end=classroom.term_end - timedelta(weeks=6)
    )
    starts = [o.start.astimezone(JAKARTA).date() for o in event.occurrences.filter(status="scheduled")]
    assert max(starts) <= classroom.term_end
