"""Every write of the classrooms app. Meetings go through ``scheduling`` so that invites follow."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _

from classrooms import policies, selectors
from classrooms.errors import AlreadyEnrolled, ClassroomError, InvalidEnrolmentCode, RosterFull
from classrooms.models import ClassEvent, Classroom, Enrollment, Holiday, School, new_enrolment_code
from scheduling import services as scheduling
from scheduling.models import Event, Occurrence
from scheduling.text import clean_text

User = get_user_model()
EVENT_KIND = "class"
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Terms and holidays fall in these years: wide enough for any school, narrow enough that a day
# turned into an instant in any zone, plus a day or a term's end, never leaves Python's calendar.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)
MAX_SIZE_LIMIT = 10_000
MAX_MINUTES = 600  # late after / left early: ten hours is longer than any meeting


def _zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone, or a ``ClassroomError``: a directory ("Asia"), a path or a name too long for the
    file system are refused like an unknown name, not with the file system's exception."""
    try:
        if not isinstance(name, str) or not name or len(name) > 64:
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        shown = name[:64] if isinstance(name, str) else ""
        raise ClassroomError({"timezone": _("“%(zone)s” is not a known time zone.") % {"zone": shown}}) from exc


def _text(value: str, *, field: str, max_length: int = 200) -> str:
    """One line of text, stripped: line breaks and control characters are refused (they end up in
    e-mail headers, calendars and CSV files)."""
    try:
        return clean_text(value, field=field, max_length=max_length)
    except ValidationError as exc:
        raise ClassroomError(exc.message_dict) from exc


def _day(value: date, *, field: str) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ClassroomError(
            {
                field: _("Choose a date between %(first)s and %(last)s.")
                % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()}
            }
        )
    return value


def _person_name(user) -> str:
    return user.get_full_name() or user.username


# Schools -------------------------------------------------------------------------------------


def school_create(
    *, name: str, timezone: str, by, admins: Iterable = (), holidays: Iterable[tuple[date, str]] = ()
) -> School:
    """A new school with its administrators (``admins``; none named: its founder ``by``).

    Staff found schools and name their administrators (``policies.may_found_school``), or any
    account when ``HADIR_SCHOOL_SELF_SERVICE`` is on; ``by`` None is the system (the demo)."""
    admins = list(admins) or [by]
    policies.require_found_school(by, admins=admins)
    _zone(timezone)
    name = _text(name, field="name")
    if not name:
        raise ClassroomError({"name": _("The school needs a name.")})
    holidays = [(_day(day, field="date"), _text(holiday_name, field="name")) for day, holiday_name in holidays]
    with transaction.atomic():
        school = School.objects.create(name=name, timezone=timezone)
        school.admins.add(*admins)
        for day, holiday_name in holidays:
            Holiday.objects.create(school=school, date=day, name=holiday_name)
    return school


def school_update(*, school: School, by, name: str | None = None, timezone: str | None = None) -> School:
    policies.require_school_admin(by, school)
    if timezone is not None:
        _zone(timezone)
        school.timezone = timezone
    if name is not None:
        name = _text(name, field="name")
        if not name:
            raise ClassroomError({"name": _("The school needs a name.")})
        school.name = name
    school.save(update_fields=["name", "timezone"])
    return school


def holiday_add(*, school: School, day: date, name: str = "", by) -> Holiday:
    """Record a holiday and cancel every class meeting of the school that falls on it."""
    policies.require_school_admin(by, school)
    _day(day, field="date")
    name = _text(name, field="name")
    with transaction.atomic():
        if Holiday.objects.filter(school=school, date=day).exists():
            raise ClassroomError({"date": _("%(date)s is already a holiday.") % {"date": day.isoformat()}})
        holiday = Holiday.objects.create(school=school, date=day, name=name)
        for occurrence in selectors.school_occurrences_on(school=school, day=day):
            scheduling.occurrence_cancel(occurrence=occurrence, by=by)
    return holiday


def holiday_remove(*, holiday: Holiday, by) -> None:
    policies.require_school_admin(by, holiday.school)
    holiday.delete()


# Classes -------------------------------------------------------------------------------------


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
    by,
    name: str,
    subject: str = "",
    term_start: date,
    term_end: date,
    teachers: Iterable = (),
    size_limit: int = 40,
    late_after_minutes: int = 10,
    left_early_minutes: int = 10,
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
        )
        classroom.teachers.set(teachers)
    return classroom


def classroom_update(
    *,
    classroom: Classroom,
    by,
    name: str | None = None,
    subject: str | None = None,
    term_start: date | None = None,
    term_end: date | None = None,
    teachers: Iterable | None = None,
    size_limit: int | None = None,
    late_after_minutes: int | None = None,
    left_early_minutes: int | None = None,
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


def _term_schedule_follow(classroom: Classroom, *, by) -> None:
    """The term's recurring meetings end with the (new) term end; new ones skip holidays."""
    class_event = selectors.live_class_events(classroom).filter(is_term_schedule=True).first()
    if class_event is None:
        return
    event = class_event.event
    zone = _zone(classroom.school.timezone)
    until = _utc_stamp(datetime.combine(classroom.term_end, time(23, 59, 59), tzinfo=zone))
    rule = ";".join(f"UNTIL={until}" if part.startswith("UNTIL=") else part for part in event.rrule.split(";"))
    scheduling.event_update(event=event, by=by, rrule=rule, allow_conflicts=True)
    holidays = set(classroom.school.holidays.values_list("date", flat=True))
    for occurrence in event.occurrences.filter(status=Occurrence.Status.SCHEDULED, start__gt=dj_timezone.now()):
        if occurrence.start.astimezone(zone).date() in holidays:
            scheduling.occurrence_cancel(occurrence=occurrence, by=by)


def enrolment_code_reset(*, classroom: Classroom, by) -> Classroom:
    """A new self-enrolment code; the old code and link stop working at once."""
    policies.require_manager(by, classroom)
    classroom.enrolment_code = new_enrolment_code()
    classroom.save(update_fields=["enrolment_code"])
    return classroom


# Roster --------------------------------------------------------------------------------------


def _invite(event: Event, *, user, name: str, email: str, role: str, zone: str, notify: bool = True):
    return scheduling.attendee_add(
        event=event, name=name, email=email, user=user, role=role, timezone=zone, notify=notify
    )


def _enrol(
    *, classroom: Classroom, user, name: str, email: str, student_number: str, role: str, notify: bool
) -> Enrollment:
    name = _text(name, field="name")
    email = _text(email, field="email", max_length=254)
    student_number = _text(student_number, field="student_number", max_length=64)
    if user is not None:
        name = name or _person_name(user)
        email = email or user.email
    if not name:
        raise ClassroomError({"name": _("The student needs a name.")})
    if user is None and not email:
        raise ClassroomError({"email": _("Give an e-mail address (or an account) for the student.")})
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ClassroomError({"email": _("“%(email)s” is not a valid e-mail address.") % {"email": email}}) from exc
    if role not in Enrollment.Role.values:
        raise ClassroomError({"role": _("The role must be student or assistant.")})
    # Lock the class row: two enrolments at once must not both take the last place.
    classroom = Classroom.objects.select_for_update().get(pk=classroom.pk)
    if selectors.enrollment_matching(classroom, user=user, email=email) is not None:
        raise AlreadyEnrolled(_("%(name)s is already on the roster.") % {"name": name})
    if classroom.teachers.filter(pk=getattr(user, "pk", None)).exists():
        raise AlreadyEnrolled(_("%(name)s teaches this class.") % {"name": name})
    if role == Enrollment.Role.STUDENT and selectors.student_count(classroom) >= classroom.size_limit:
        raise RosterFull(_("The class is full (%(limit)d students).") % {"limit": classroom.size_limit})
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                classroom=classroom,
                user=user,
                name=name,
                email=email,
                student_number=student_number,
                role=role,
            )
    except IntegrityError as exc:
        raise AlreadyEnrolled(_("%(name)s is already on the roster.") % {"name": name}) from exc
    for class_event in selectors.live_class_events(classroom):
        _invite(
            class_event.event,
            user=user,
            name=name,
            email=email,
            role=role,
            zone=classroom.school.timezone,
            notify=notify,
        )
    return enrollment


def enrollment_add(
    *,
    classroom: Classroom,
    by,
    user=None,
    name: str = "",
    email: str = "",
    student_number: str = "",
    role: str = Enrollment.Role.STUDENT,
    notify: bool = True,
) -> Enrollment:
    """Put one person on the roster and invite them to every meeting of the class."""
    policies.require_manager(by, classroom)
    with transaction.atomic():
        return _enrol(
            classroom=classroom,
            user=user,
            name=name,
            email=email,
            student_number=student_number,
            role=role,
            notify=notify,
        )


def enrollment_remove(*, enrollment: Enrollment, by) -> None:
    """Take someone off the roster; their invitations are withdrawn (they get a cancellation)."""
    policies.require_manager(by, enrollment.classroom)
    with transaction.atomic():
        for class_event in selectors.live_class_events(enrollment.classroom):
            for attendee in selectors.attendees_matching(
                class_event.event, user=enrollment.user, email=enrollment.email
            ):
                scheduling.attendee_remove(attendee=attendee, by=by)
        enrollment.delete()


def roster_import(*, classroom: Classroom, rows: list[dict], by, notify: bool = True) -> list[Enrollment]:
    """Enrol the confirmed rows of a previewed CSV: all of them, or (on any failure) none."""
    policies.require_manager(by, classroom)
    enrolled = []
    with transaction.atomic():
        for row in rows:
            try:
                enrolled.append(
                    _enrol(
                        classroom=classroom,
                        user=None,
                        name=row["name"],
                        email=row["email"],
                        student_number=row.get("student_number", ""),
                        role=Enrollment.Role.STUDENT,
                        notify=notify,
                    )
                )
            except ClassroomError as exc:
                raise ClassroomError(
                    _("Line %(line)s: %(error)s. Nothing was imported.")
                    % {"line": row.get("line", "?"), "error": " ".join(exc.messages)}
                ) from exc
    return enrolled


def enrollment_self_enrol(*, code: str, user) -> Enrollment:
    """A signed-in person enrols with the class's code; enrolling twice returns the same row."""
    classroom = selectors.classroom_by_code(code)
    if classroom is None:
        raise InvalidEnrolmentCode(_("This enrolment code is not valid (it may have been reset)."))
    existing = Enrollment.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return existing
    if classroom.term_end < dj_timezone.localdate(timezone=_zone(classroom.school.timezone)):
        raise ClassroomError(_("This class's term is over."))
    with transaction.atomic():
        return _enrol(
            classroom=classroom,
            user=user,
            name="",
            email="",
            student_number="",
            role=Enrollment.Role.STUDENT,
            notify=True,
        )


# Meetings ------------------------------------------------------------------------------------


def _class_attendees(classroom: Classroom) -> list[scheduling.AttendeeSpec]:
    zone = classroom.school.timezone
    people = [
        scheduling.AttendeeSpec(
            name=_person_name(teacher),
            email=teacher.email,
            user=teacher,
            role=policies.TEACHER,
            timezone=zone,
        )
        for teacher in classroom.teachers.all()
    ]
    people += [
        scheduling.AttendeeSpec(
            name=enrollment.name,
            email=enrollment.email,
            user=enrollment.user,
            role=enrollment.role,
            timezone=zone,
        )
        for enrollment in classroom.enrollments.all()
    ]
    return people


def _title(classroom: Classroom) -> str:
    return f"{classroom.name} · {classroom.subject}" if classroom.subject else classroom.name


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meetings_schedule(
    *,
    classroom: Classroom,
    weekdays: Iterable[int],
    start_time: time,
    end_time: time,
    by,
    allow_conflicts: bool = False,
    first_day: date | None = None,
) -> Event:
    """The term's recurring meetings (e.g. Mon and Wed 07:30–09:00 in the school's zone), from
    ``first_day`` (default: today or the term's start, whichever is later) to the end of the term,
    skipping the school's holidays. Every teacher and enrolled person is invited."""
    policies.require_manager(by, classroom)
    weekdays = sorted(set(weekdays))
    if not weekdays or any(day not in range(7) for day in weekdays):
        raise ClassroomError({"weekdays": _("Choose at least one day of the week.")})
    if end_time <= start_time:
        raise ClassroomError({"end_time": _("A meeting must end after it starts.")})
    zone = _zone(classroom.school.timezone)
    now = dj_timezone.now()
    day = max(classroom.term_start, first_day or now.astimezone(zone).date())
    # The first sitting is the first chosen weekday whose start is still ahead.
    while day <= classroom.term_end and (
        day.weekday() not in weekdays or datetime.combine(day, start_time, tzinfo=zone) <= now
    ):
        day += timedelta(days=1)
    if day > classroom.term_end:
        raise ClassroomError({"weekdays": _("No meeting day is left in the term.")})
    if ClassEvent.objects.filter(
        classroom=classroom, is_term_schedule=True, event__status=Event.Status.CONFIRMED
    ).exists():
        raise ClassroomError(
            _("The class already has a term schedule: move or cancel single meetings, or add extra ones.")
        )
    start = datetime.combine(day, start_time, tzinfo=zone)
    duration = datetime.combine(day, end_time, tzinfo=zone) - start
    until = datetime.combine(classroom.term_end, time(23, 59, 59), tzinfo=zone)
    rrule = f"FREQ=WEEKLY;BYDAY={','.join(RRULE_DAYS[d] for d in weekdays)};UNTIL={_utc_stamp(until)}"
    exdates = [
        datetime.combine(holiday.date, start_time, tzinfo=zone)
        for holiday in classroom.school.holidays.filter(date__gte=day, date__lte=classroom.term_end)
        if holiday.date.weekday() in weekdays
    ]
    with transaction.atomic():
        ClassEvent.objects.filter(classroom=classroom, is_term_schedule=True).delete()
        event = scheduling.event_create(
            organizer=by,
            title=_title(classroom),
            start=start,
            duration=duration,
            timezone=zone.key,
            rrule=rrule,
            exdates=exdates,
            description=_("Class meeting of %(name)s.") % {"name": classroom.name},
            kind=EVENT_KIND,
            attendees=_class_attendees(classroom),
            allow_conflicts=allow_conflicts,
        )
        ClassEvent.objects.create(classroom=classroom, event=event, is_term_schedule=True)
    return event


def meeting_add(*, classroom: Classroom, start: datetime, end: datetime, by, allow_conflicts: bool = False) -> Event:
    """One extra meeting (a make-up lesson, a review session) inside the term."""
    policies.require_manager(by, classroom)
    if end <= start:
        raise ClassroomError({"end": _("A meeting must end after it starts.")})
    zone = _zone(classroom.school.timezone)
    if not classroom.term_start <= start.astimezone(zone).date() <= classroom.term_end:
        raise ClassroomError({"start": _("The meeting must fall inside the term.")})
    with transaction.atomic():
        event = scheduling.event_create(
            organizer=by,
            title=_title(classroom),
            start=start,
            duration=end - start,
            timezone=zone.key,
            description=_("Extra meeting of %(name)s.") % {"name": classroom.name},
            kind=EVENT_KIND,
            attendees=_class_attendees(classroom),
            allow_conflicts=allow_conflicts,
        )
        ClassEvent.objects.create(classroom=classroom, event=event)
    return event


def meeting_move(
    *,
    classroom: Classroom,
    occurrence: Occurrence,
    start: datetime,
    end: datetime,
    by,
    allow_conflicts: bool = False,
) -> Occurrence:
    """Move one meeting; the others of the series stay. Everyone gets an update for that one."""
    policies.require_manager(by, classroom)
    selectors.require_class_occurrence(classroom, occurrence)
    if end <= start:
        raise ClassroomError({"end": _("A meeting must end after it starts.")})
    return scheduling.occurrence_move(
        occurrence=occurrence, start=start, end=end, by=by, allow_conflicts=allow_conflicts
    )


def meeting_cancel(*, classroom: Classroom, occurrence: Occurrence, by) -> Occurrence:
    policies.require_manager(by, classroom)
    selectors.require_class_occurrence(classroom, occurrence)
    return scheduling.occurrence_cancel(occurrence=occurrence, by=by)


def meeting_started_notify(*, occurrence: Occurrence) -> None:
    """Tell every enrolled student with an account, in their language, that the class has started
    (an in-app notice with their own join link); once per meeting and student."""
    from notifications.services import notice_send

    students = occurrence.event.attendees.filter(
        role=policies.STUDENT, user__isnull=False, removed_at__isnull=True, join_token_revoked_at__isnull=True
    ).select_related("user")
    for attendee in students:
        with translation.override(attendee.language or settings.LANGUAGE_CODE):
            text = _("%(title)s has started: join now.") % {"title": occurrence.event.title}
        notice_send(
            user=attendee.user,
            text=text,
            url=attendee.join_path,
            event=occurrence.event,
            key=f"class-started:{occurrence.pk}:{attendee.pk}",
        )


def lobby_students_admit(*, occurrence: Occurrence) -> None:
    """Students who came before the teacher opened the room wait in its lobby; opening lets them in."""
    from rooms import services as rooms
    from rooms.selectors import room_presence

    waiting = [p["id"] for p in room_presence(occurrence) if p["status"] == "waiting" and p["role"] == policies.STUDENT]
    for attendee in occurrence.event.attendees.filter(pk__in=waiting, role=policies.STUDENT):
        rooms.lobby_admit(occurrence=occurrence, attendee=attendee, by=None)
