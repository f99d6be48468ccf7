"""Classes: created by a school's administrators, changed by their managers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from classrooms import policies, selectors
from classrooms.errors import ClassroomError
from classrooms.models import Classroom, School
from classrooms.services.common import MAX_MINUTES, MAX_SIZE_LIMIT, _day, _invite, _person_name, _text
from classrooms.services.meetings import _term_schedule_follow
from config.types import User
from scheduling import services as scheduling


def _check_class_fields(
    *, term_start: date, term_end: date, size_limit: int, late_after_minutes: int, left_early_minutes: int
) -> None:
    _day(term_start, field="term_start")
    _day(term_end, field="term_end")
    if term_end < term_start:
        raise ClassroomError({"term_end": _("The term cannot end before it starts.")})
    if not 1 <= size_limit <= MAX_SIZE_LIMIT:
        raise ClassroomError({"size_limit": _("The size limit is between 1 and %(max)d.") % {"max": MAX_SIZE_LIMIT}})
    for field, minutes in (("late_after_minutes", late_after_minutes), ("left_early_minutes", left_early_minutes)):
        if not 0 <= minutes <= MAX_MINUTES:
            raise ClassroomError({field: _("Give between 0 and %(max)d minutes.") % {"max": MAX_MINUTES}})


def classroom_create(
    *,
    school: School,
    by: User,
    name: str,
    subject: str = "",
    term_start: date,
    term_end: date,
    teachers: Iterable[User] = (),
    size_limit: int = 40,
    late_after_minutes: int = 10,
    left_early_minutes: int = 10,
    students_wait: bool = False,
    lecture_audience: bool = False,
) -> Classroom:
    """A class for one term; only the school's administrators create classes. No teachers given:
    the creator teaches it."""
    policies.require_school_admin(by, school)
    name, subject = _text(name, field="name"), _text(subject, field="subject")
    if not name:
        raise ClassroomError({"name": _("The class needs a name.")})
    _check_class_fields(
        term_start=term_start,
        term_end=term_end,
        size_limit=size_limit,
        late_after_minutes=late_after_minutes,
        left_early_minutes=left_early_minutes,
    )
    teachers = list(teachers) or [by]
    if Classroom.objects.filter(school=school, name=name).exists():
        raise ClassroomError({"name": _("The school already has a class with this name.")})
    with transaction.atomic():
        classroom = Classroom.objects.create(
            school=school,
            name=name,
            subject=subject,
            term_start=term_start,
            term_end=term_end,
            size_limit=size_limit,
            late_after_minutes=late_after_minutes,
            left_early_minutes=left_early_minutes,
            students_wait=bool(students_wait),
            lecture_audience=bool(lecture_audience),
        )
        classroom.teachers.set(teachers)
    return classroom


def classroom_update(
    *,
    classroom: Classroom,
    by: User,
    name: str | None = None,
    subject: str | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
    teachers: Iterable[User] | None = None,
    size_limit: int | None = None,
    late_after_minutes: int | None = None,
    left_early_minutes: int | None = None,
    students_wait: bool | None = None,
    lecture_audience: bool | None = None,
) -> Classroom:
    """Change a class. New teachers are invited to its meetings; removed ones are taken off them."""
    policies.require_manager(by, classroom)
    previous_term_end = classroom.term_end
    if name is not None:
        name = _text(name, field="name")
        if not name:
            raise ClassroomError({"name": _("The class needs a name.")})
    if subject is not None:
        subject = _text(subject, field="subject")
    values = {
        "name": name,
        "subject": subject,
        "term_start": term_start,
        "term_end": term_end,
        "size_limit": size_limit,
        "late_after_minutes": late_after_minutes,
        "left_early_minutes": left_early_minutes,
        "students_wait": None if students_wait is None else bool(students_wait),
        "lecture_audience": None if lecture_audience is None else bool(lecture_audience),
    }
    for key, value in values.items():
        if value is not None:
            setattr(classroom, key, value.strip() if isinstance(value, str) else value)
    _check_class_fields(
        term_start=classroom.term_start,
        term_end=classroom.term_end,
        size_limit=classroom.size_limit,
        late_after_minutes=classroom.late_after_minutes,
        left_early_minutes=classroom.left_early_minutes,
    )
    if size_limit is not None and size_limit < selectors.student_count(classroom):
        raise ClassroomError({"size_limit": _("More students are enrolled than this limit allows.")})
    with transaction.atomic():
        try:
            with transaction.atomic():
                classroom.save()
        except IntegrityError as exc:
            raise ClassroomError({"name": _("The school already has a class with this name.")}) from exc
        if classroom.term_end != previous_term_end:
            _term_schedule_follow(classroom, by=by)
        if teachers is not None:
            teachers = list(teachers)
            if not teachers:
                raise ClassroomError({"teachers": _("A class needs at least one teacher.")})
            before = set(classroom.teachers.all())
            classroom.teachers.set(teachers)
            for class_event in selectors.live_class_events(classroom):
                for teacher in set(teachers) - before:
                    _invite(
                        class_event.event,
                        user=teacher,
                        name=_person_name(teacher),
                        email=teacher.email,
                        role=policies.TEACHER,
                        zone=classroom.school.timezone,
                    )
                for teacher in before - set(teachers):
                    for attendee in selectors.attendees_matching(class_event.event, user=teacher, email=""):
                        scheduling.attendee_remove(attendee=attendee, by=by)
    return classroom
