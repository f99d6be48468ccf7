"""Reads of the classrooms app: who sees which schools and classes, meetings, dashboards."""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from classrooms.errors import ClassroomNotFound
from classrooms.models import ClassEvent, Classroom, Enrollment, School
from config.types import User
from scheduling.models import Attendee, Event, Occurrence


def schools_for_user(user: User) -> QuerySet[School]:
    """Schools the user administers or teaches in."""
    return School.objects.filter(Q(admins=user) | Q(classrooms__teachers=user)).distinct()


def administered_schools(user: User) -> QuerySet[School]:
    return School.objects.filter(admins=user)


def school_for(user: User, school_id: uuid.UUID | str) -> School:
    """A school by id among those ``user`` administers; ``ClassroomNotFound`` (a 404) otherwise.
    The lookup of every school page and call; what may be done there is the services' to say."""
    try:
        return administered_schools(user).get(pk=school_id)
    except (School.DoesNotExist, ValueError, ValidationError) as exc:
        raise ClassroomNotFound(_("No such school.")) from exc


def classroom_for(user: User, classroom_id: uuid.UUID | str) -> Classroom:
    """A class by id among those ``user`` takes part in, in any role (a 404 for anyone else, so
    that a class's existence is not revealed before anything else is said). The lookup of every
    class page and call; what the person may do in the class is the services' (or, for a read,
    ``policies.require_staff``) to say."""
    visible = Q(school__admins=user) | Q(teachers=user) | Q(enrollments__user=user)
    try:
        return Classroom.objects.filter(visible).distinct().select_related("school").get(pk=classroom_id)
    except (Classroom.DoesNotExist, ValueError, ValidationError) as exc:
        raise ClassroomNotFound(_("No such class.")) from exc


def staff_classrooms(user: User) -> QuerySet[Classroom]:
    """Classes the user runs or helps in: as a school administrator, teacher or assistant."""
    return (
        Classroom.objects.filter(
            Q(school__admins=user)
            | Q(teachers=user)
            | Q(enrollments__user=user, enrollments__role=Enrollment.Role.ASSISTANT)
        )
        .distinct()
        .select_related("school")
    )


def student_enrollments(user: User) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(user=user, role=Enrollment.Role.STUDENT).select_related("classroom__school")


def classroom_by_code(code: str) -> Classroom | None:
    """The class a self-enrolment code belongs to (codes are read case-insensitively)."""
    code = (code or "").strip().upper()
    return Classroom.objects.filter(enrolment_code=code).select_related("school").first() if code else None


def student_count(classroom: Classroom) -> int:
    return classroom.enrollments.filter(role=Enrollment.Role.STUDENT).count()


def students(classroom: Classroom) -> QuerySet[Enrollment]:
    return classroom.enrollments.filter(role=Enrollment.Role.STUDENT).select_related("user")


def enrollment_matching(classroom: Classroom, *, user: User | None, email: str) -> Enrollment | None:
    match = Q(user=user) if user is not None else Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    return classroom.enrollments.filter(match).first()


def live_class_events(classroom: Classroom) -> QuerySet[ClassEvent]:
    return classroom.class_events.filter(event__status=Event.Status.CONFIRMED).select_related("event")


def attendees_matching(event: Event, *, user: User | None, email: str) -> QuerySet[Attendee]:
    match = Q(user=user) if user is not None else Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    return event.attendees.filter(match, removed_at__isnull=True)


def class_occurrences(classroom: Classroom) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(event__class_event__classroom=classroom).select_related("event").order_by("start")


def meeting_recipients(occurrences: list[Occurrence]) -> dict[uuid.UUID, int]:
    """Per event, how many of the class (students and assistants, not its teachers) a change to
    one of its meetings e-mails: the number a confirmation names before cancelling."""
    event_ids = {occurrence.event_id for occurrence in occurrences}
    rows = (
        Attendee.objects.filter(event_id__in=event_ids, role__in=[Enrollment.Role.STUDENT, Enrollment.Role.ASSISTANT])
        .values("event_id").annotate(count=Count("id"))
    )
    return {row["event_id"]: row["count"] for row in rows}


def class_occurrence(classroom: Classroom, occurrence_id: uuid.UUID | str) -> Occurrence:
    try:
        return class_occurrences(classroom).get(pk=occurrence_id)
    except (Occurrence.DoesNotExist, ValueError) as exc:
        raise ClassroomNotFound(_("No such meeting.")) from exc


def require_class_occurrence(classroom: Classroom, occurrence: Occurrence) -> None:
    if not ClassEvent.objects.filter(classroom=classroom, event_id=occurrence.event_id).exists():
        raise ClassroomNotFound(_("No such meeting."))


def held_occurrences(classroom: Classroom, *, now: datetime | None = None) -> list[Occurrence]:
    """Meetings that took place (over by the clock, or ended by a teacher) and were not cancelled:
    the ones term attendance counts."""
    now = now or timezone.now()
    over = Q(end__lte=now) | Q(room_state__status="ended")
    return [
        occurrence
        for occurrence in class_occurrences(classroom).filter(over, start__lte=now)
        if not occurrence.is_cancelled
    ]


def school_occurrences_on(*, school: School, day: date) -> list[Occurrence]:
    zone = zoneinfo.ZoneInfo(school.timezone)
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return [
        occurrence
        for occurrence in Occurrence.objects.filter(
            event__class_event__classroom__school=school,
            start__gte=start,
            start__lt=start + timedelta(days=1),
            end__gt=timezone.now(),
            status=Occurrence.Status.SCHEDULED,
            event__status=Event.Status.CONFIRMED,
        ).select_related("event")
    ]


def own_attendee(occurrence: Occurrence, user: User) -> Attendee | None:
    """The user's own invitation to this meeting: its join link is their button into the room."""
    return occurrence.event.attendees.filter(
        user=user, removed_at__isnull=True, join_token_revoked_at__isnull=True
    ).first()


@dataclass
class MeetingCard:
    occurrence: Occurrence
    classroom: Classroom
    status: str
    present: int
    expected: int
    join_path: str

    @property
    def status_label(self) -> str:
        from rooms.policies import policy_for

        return str(policy_for(self.occurrence.event).statuses.get(self.status, self.status))


def _room_status(occurrence: Occurrence) -> str:
    from rooms.policies import policy_for

    state = getattr(occurrence, "room_state", None)
    return state.status if state is not None else policy_for(occurrence.event).initial_status


def live_student_count(occurrence: Occurrence) -> int:
    from rooms.selectors import room_presence

    return sum(
        1
        for participant in room_presence(occurrence)
        if participant["role"] == "student" and participant["status"] == "present"
    )


def week_of(now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday in the active (viewer's) zone."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=today.weekday())
    return start, start + timedelta(days=7)


def meeting_cards(user: User, *, start: datetime, end: datetime) -> list[MeetingCard]:
    """The staff user's class meetings between two instants, with live counts."""
    classrooms = {classroom.pk: classroom for classroom in staff_classrooms(user)}
    occurrences = (
        Occurrence.objects.filter(
            event__class_event__classroom__in=list(classrooms),
            start__lt=end,
            end__gt=start,
            status=Occurrence.Status.SCHEDULED,
            event__status=Event.Status.CONFIRMED,
        )
        .select_related("event__class_event", "room_state")
        .order_by("start")
    )
    expected = {pk: student_count(classroom) for pk, classroom in classrooms.items()}
    cards = []
    for occurrence in occurrences:
        classroom = classrooms[occurrence.event.class_event.classroom_id]
        status = _room_status(occurrence)
        attendee = own_attendee(occurrence, user)
        cards.append(
            MeetingCard(
                occurrence=occurrence,
                classroom=classroom,
                status=status,
                present=live_student_count(occurrence) if status in ("open", "live") else 0,
                expected=expected[classroom.pk],
                join_path=attendee.join_path if attendee else "",
            )
        )
    return cards


def next_meeting_for(
    enrollment: Enrollment, *, now: datetime | None = None
) -> tuple[Occurrence | None, Attendee | None]:
    """A student's current or next meeting of a class, with their own join link."""
    now = now or timezone.now()
    occurrence = (
        class_occurrences(enrollment.classroom)
        .filter(end__gt=now, status=Occurrence.Status.SCHEDULED, event__status=Event.Status.CONFIRMED)
        .first()
    )
    if occurrence is None:
        return None, None
    attendee = occurrence.event.attendees.filter(
        Q(user=enrollment.user) if enrollment.user_id else Q(email__iexact=enrollment.email),
        removed_at__isnull=True,
        join_token_revoked_at__isnull=True,
    ).first()
    return occurrence, attendee


def school_language_for_event(event: Event) -> str:
    """The language of the school whose class meeting this is (while the meeting is being created,
    a school the organiser teaches at or runs); "" when neither is known."""
    link = ClassEvent.objects.filter(event=event).select_related("classroom__school").first()
    if link is not None:
        return link.classroom.school.language
    school = schools_for_user(event.organizer).order_by("pk").first()
    return school.language if school is not None else ""


def invite_guidance(attendee: Attendee) -> list[str]:
    """Registered with ``scheduling.guidance``: the class, its teachers and the recipient's part."""
    link = ClassEvent.objects.filter(event_id=attendee.event_id).select_related("classroom").first()
    if link is None:
        return []
    classroom = link.classroom
    teachers = ", ".join(teacher.get_full_name() or teacher.get_username() for teacher in classroom.teachers.all())
    lines = [_("Class: %(name)s.") % {"name": classroom.name}]
    if teachers:
        lines.append(_("Teacher: %(names)s.") % {"names": teachers})
    if attendee.user_id is not None and classroom.teachers.filter(pk=attendee.user_id).exists():
        lines.append(_("You teach this meeting: sign in with your account when you open your link, to run the room."))
    else:
        lines.append(_("You take part as a student: join a few minutes early and check your camera and microphone."))
    return lines
