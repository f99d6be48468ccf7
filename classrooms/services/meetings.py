"""Meetings: the term schedule, single meetings, and what follows when a meeting's room opens."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext as _

from classrooms import policies, selectors
from classrooms.errors import ClassroomError
from classrooms.models import ClassEvent, Classroom
from classrooms.services.common import EVENT_KIND, RRULE_DAYS, _person_name, _utc_stamp, _zone
from config.types import User
from scheduling import services as scheduling
from scheduling.models import Event, Occurrence


def _term_schedule_follow(classroom: Classroom, *, by: User) -> None:
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


def meetings_schedule(
    *,
    classroom: Classroom,
    weekdays: Iterable[int],
    start_time: time,
    end_time: time,
    by: User,
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


def meeting_add(
    *, classroom: Classroom, start: datetime, end: datetime, by: User, allow_conflicts: bool = False
) -> Event:
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
    by: User,
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


def meeting_cancel(*, classroom: Classroom, occurrence: Occurrence, by: User) -> Occurrence:
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
        if attendee.user is None:  # filtered out above; the check tells the type checker
            continue
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
    students = list(occurrence.event.attendees.select_related("event").filter(pk__in=waiting, role=policies.STUDENT))
    if students:
        rooms.lobby_admit_many(occurrence=occurrence, attendees=students, by=None)
