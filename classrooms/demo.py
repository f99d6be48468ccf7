"""Demo class for ``seed_demo``: a school, a teacher, six students, a term of Monday and Wednesday
meetings, and one meeting in progress whose room is live.

Idempotent: what exists is found again by name and left as it is. Only when no meeting of the
class is in progress (a later run, on another day) is a new one added, so that the printed links
always lead into a live room.
"""

from __future__ import annotations

import uuid
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from classrooms import selectors, services
from classrooms.models import Classroom, School
from classrooms.policies import CLASS_ROOM_POLICY
from feedback import services as feedback
from feedback.demo import published_examples
from feedback.models import SessionFeedback
from rooms import selectors as room_selectors
from rooms import services as room_services
from scheduling import services as scheduling
from scheduling.models import Event, Occurrence

SCHOOL = "SMA Negeri 1 Hadir"
CLASSROOM = "XI IPA 2"
TEACHER = {
    "username": "guru.sari",
    "password": "hadir-guru-demo",
    "first_name": "Sari",
    "last_name": "Wulandari",
    "email": "sari.wulandari@sekolah.example",
}
STUDENTS = [
    ("Adi Nugroho", "adi.nugroho@sekolah.example", "2026001"),
    ("Bunga Lestari", "bunga.lestari@sekolah.example", "2026002"),
    ("Cahya Putra", "cahya.putra@sekolah.example", "2026003"),
    ("Dewi Anggraini", "dewi.anggraini@sekolah.example", "2026004"),
    ("Eko Prasetyo", "eko.prasetyo@sekolah.example", "2026005"),
    ("Fitri Handayani", "fitri.handayani@sekolah.example", "2026006"),
]
TERM_WEEKS = 16


def _teacher():
    user_model = get_user_model()
    user = user_model.objects.filter(username=TEACHER["username"]).first()
    if user is None:
        user = user_model.objects.create_user(**TEACHER)
    elif not user.check_password(TEACHER["password"]):
        user.set_password(TEACHER["password"])
        user.save(update_fields=["password"])
    return user


def _classroom(teacher) -> Classroom:
    today = timezone.localdate()
    school = School.objects.filter(name=SCHOOL, admins=teacher).first()
    if school is None:
        # A holiday three weeks on, on a Wednesday: the term schedule skips it (an EXDATE).
        holiday = today + timedelta(days=21 + (2 - today.weekday()) % 7)
        # Founded by the system (as staff would), with the teacher as its administrator.
        school = services.school_create(
            name=SCHOOL, timezone="Asia/Jakarta", by=None, admins=[teacher], holidays=[(holiday, "Libur sekolah")]
        )
        services.school_update(school=school, by=teacher, allow_recording=True)
    classroom = Classroom.objects.filter(school=school, name=CLASSROOM).first()
    if classroom is None:
        classroom = services.classroom_create(
            school=school,
            by=teacher,
            name=CLASSROOM,
            subject="Fisika",
            term_start=today,
            term_end=today + timedelta(weeks=TERM_WEEKS),
            size_limit=36,
        )
    elif classroom.term_end < today:
        classroom = services.classroom_update(
            classroom=classroom, by=teacher, term_end=today + timedelta(weeks=TERM_WEEKS)
        )
    return classroom


def _meeting_in_progress(classroom: Classroom, teacher) -> Occurrence:
    now = timezone.now()
    current = (
        selectors.class_occurrences(classroom)
        .filter(
            start__lte=now + timedelta(minutes=5),
            end__gt=now + timedelta(minutes=10),
            status=Occurrence.Status.SCHEDULED,
            event__status=Event.Status.CONFIRMED,
        )
        .exclude(room_state__status__in=CLASS_ROOM_POLICY.final_statuses)
        .first()
    )
    if current is None:
        start = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
        event = services.meeting_add(
            classroom=classroom,
            by=teacher,
            start=start,
            end=start + timedelta(minutes=90),
            allow_conflicts=True,
        )
        current = event.occurrences.get()
    moderator = selectors.own_attendee(current, teacher)
    for status in ("open", "live"):
        now_status = room_selectors.room_status(current).status
        if now_status in ("scheduled", "open") and status != now_status:
            room_services.room_status_set(occurrence=current, status=status, by=moderator)
    return current


ANSWERS = [(5, 5, "Penjelasannya jelas, terima kasih Bu."), (4, 3, "Suara sempat putus sebentar."),
           (4, None, "")]
PUBLIC_ITEMS = [
    ("proposal", "Mohon rekaman materi kelas daring dibagikan untuk siswa yang sakit.",
     "Mulai minggu depan guru membagikan ringkasan materi setelah setiap pertemuan."),
]


def _ended_meeting_with_feedback(classroom: Classroom, teacher) -> Occurrence:
    """A short extra meeting the students attended and the teacher ended, with a few answers."""
    answered = SessionFeedback.objects.filter(occurrence__event__class_event__classroom=classroom).first()
    if answered is not None:
        return answered.occurrence
    start = (timezone.now() + timedelta(minutes=1)).replace(second=0, microsecond=0)
    occurrence = services.meeting_add(classroom=classroom, by=teacher, start=start, end=start + timedelta(minutes=30),
                                      allow_conflicts=True).occurrences.get()
    moderator = selectors.own_attendee(occurrence, teacher)
    room_services.room_status_set(occurrence=occurrence, status="open", by=moderator)
    seats = [a for a in occurrence.event.attendees.filter(role="student").order_by("name")]
    now = timezone.now()
    room_services.attendance_record(
        instance="demo", opened=[(uuid.uuid4(), occurrence.pk, seat.pk, now) for seat in seats],
    )
    room_services.room_status_set(occurrence=occurrence, status="ended", by=moderator)
    for seat, (rating, connection, comment) in zip(seats, ANSWERS, strict=False):
        feedback.feedback_record(attendee=seat, occurrence=occurrence, rating=rating, connection=connection,
                                 comment=comment, anonymous=not comment)
    return occurrence


def seed() -> dict:
    teacher = _teacher()
    classroom = _classroom(teacher)
    for name, email, number in STUDENTS:
        if selectors.enrollment_matching(classroom, user=None, email=email) is None:
            services.enrollment_add(classroom=classroom, by=teacher, name=name, email=email, student_number=number)
    if not classroom.class_events.filter(is_term_schedule=True).exists():
        services.meetings_schedule(
            classroom=classroom,
            by=teacher,
            weekdays=[0, 2],
            start_time=time(7, 30),
            end_time=time(9, 0),
            allow_conflicts=True,
        )
    meeting = _meeting_in_progress(classroom, teacher)
    ended = _ended_meeting_with_feedback(classroom, teacher)
    published_examples(kind_key="school", organisation=classroom.school, by=teacher, examples=PUBLIC_ITEMS)
    students = []
    for enrollment in selectors.students(classroom):
        attendee = selectors.attendees_matching(meeting.event, user=None, email=enrollment.email).first()
        ended_seat = selectors.attendees_matching(ended.event, user=None, email=enrollment.email).first()
        students.append(
            {
                "name": enrollment.name,
                "email": enrollment.email,
                "join_url": attendee.join_path,
                "feedback_url": reverse("feedback:session", args=[(ended_seat or attendee).join_token])
                + (f"?occurrence={ended.pk}" if ended_seat else ""),
                "feed_url": scheduling.calendar_feed_for(email=enrollment.email).path,
            }
        )
    return {
        "classroom": {
            "id": str(classroom.pk),
            "meeting_occurrence_id": str(meeting.pk),
            "name": classroom.name,
            "enrolment_code": classroom.enrolment_code,
            "ended_occurrence_id": str(ended.pk),
            "school_feedback_url": reverse("feedback:school_submit", args=[classroom.school.slug]),
            "teacher": {
                "username": TEACHER["username"],
                "password": TEACHER["password"],
                "join_url": selectors.own_attendee(meeting, teacher).join_path,
                "feed_url": scheduling.calendar_feed_for(user=teacher).path,
            },
            "students": students,
        }
    }
