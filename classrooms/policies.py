"""Who may do what with schools and classes, and how a class's live room behaves.

Roles in a class, strongest first: a school administrator and a teacher manage it; an assistant
sees it (roster, meetings, attendance) and moderates its room; a student sees only their own
classes, meetings and attendance. Anyone else is told the class does not exist (404), so that
the existence of other people's classes is not revealed.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from classrooms.errors import ClassroomForbidden, ClassroomNotFound
from classrooms.models import ClassEvent, Classroom, Enrollment, School
from rooms.policies import RoomPolicy

ADMIN, TEACHER, ASSISTANT, STUDENT = "admin", "teacher", "assistant", "student"
STAFF_ROLES = (ADMIN, TEACHER, ASSISTANT)
MANAGER_ROLES = (ADMIN, TEACHER)


def classroom_role(user, classroom: Classroom) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if classroom.school.admins.filter(pk=user.pk).exists():
        return ADMIN
    if classroom.teachers.filter(pk=user.pk).exists():
        return TEACHER
    enrollment = Enrollment.objects.filter(classroom=classroom, user=user).only("role").first()
    if enrollment is not None:
        return ASSISTANT if enrollment.role == Enrollment.Role.ASSISTANT else STUDENT
    return None


def require_role(user, classroom: Classroom, roles: tuple[str, ...]) -> str:
    """The user's role in the class; ``ClassroomNotFound`` (a 404) for outsiders and
    ``ClassroomForbidden`` (a 403) for a role not in ``roles``."""
    role = classroom_role(user, classroom)
    if role is None:
        raise ClassroomNotFound(gettext("No such class."))
    if role not in roles:
        raise ClassroomForbidden(gettext("Only the class's teachers may do this."))
    return role


def require_manager(user, classroom: Classroom) -> str:
    return require_role(user, classroom, MANAGER_ROLES)


def require_staff(user, classroom: Classroom) -> str:
    return require_role(user, classroom, STAFF_ROLES)


def is_school_admin(user, school: School) -> bool:
    return bool(user and user.is_authenticated and school.admins.filter(pk=user.pk).exists())


def require_school_admin(user, school: School) -> None:
    if not is_school_admin(user, school):
        raise ClassroomNotFound(gettext("No such school."))


def may_found_school(user) -> bool:
    """Django staff (the service's or a district's administrators) found schools: a school's
    teachers and administrators are organisers, who invite anyone and have the higher limits
    (``scheduling.policies.is_organiser``), so founding one is not for every account.

    ``HADIR_SCHOOL_SELF_SERVICE`` lets any account found one, and so become an organiser: for a
    deployment that trusts every account it makes to teach. Confining a self-service founder's
    invitations to their own class meetings would not hold: people on a class roster are invited
    to its meetings and are then acquaintances, whom anyone may invite anywhere.
    """
    return bool(user and user.is_authenticated and (user.is_staff or settings.HADIR_SCHOOL_SELF_SERVICE))


def require_found_school(user, *, admins=()) -> None:
    """``user`` None is the system (the demo). Only staff name a school's administrators; a
    self-service founder administers their school alone."""
    if user is None:
        return
    if not may_found_school(user):
        raise ClassroomForbidden(gettext("Schools are created by the service's administrators: ask them for yours."))
    if not user.is_staff and any(admin != user for admin in admins):
        raise ClassroomForbidden(gettext("Only the service's administrators name a school's administrators."))


# Set on an Event by ``ClassroomRoomPolicy.prepare``: whether its class is a large lecture.
LECTURE_KEY = "_hadir_lecture_audience"


class ClassroomRoomPolicy(RoomPolicy):
    """Teachers and assistants moderate; enrolled students enter directly while the room is open;
    anyone else (a guest invited by hand, a student whose link was forwarded to someone) waits.

    Roles come from the attendee rows that the classroom services write (teacher, assistant,
    student), so the policy needs no query of its own and is safe to call from a consumer.
    """

    statuses = {
        "scheduled": _("Scheduled"),
        "open": _("Open"),
        "live": _("Live"),
        "ended": _("Ended"),
    }
    initial_status = "scheduled"
    transitions = {
        "scheduled": ("open",),
        "open": ("live", "ended"),
        "live": ("ended",),
        "ended": (),
    }
    final_statuses = ("ended",)
    entry_statuses = ("open", "live")
    role_labels = {"teacher": _("Teacher"), "assistant": _("Assistant"), "student": _("Student")}

    def video_settings(self, occurrence) -> School | None:
        return School.objects.filter(classrooms__class_events__event_id=occurrence.event_id).first()

    def role_label(self, attendee) -> str:
        return str(self.role_labels.get(attendee.role, attendee.role))

    def is_moderator(self, attendee) -> bool:
        return attendee.role in (TEACHER, ASSISTANT) or super().is_moderator(attendee)

    def enters_directly(self, attendee, *, status: str) -> bool:
        if self.is_moderator(attendee):
            return True
        return attendee.role == STUDENT and status in self.entry_statuses

    def prepare(self, *, occurrences, attendees) -> None:
        """Whether each meeting of the batch is a large lecture (``is_audience``), in one query, kept on
        the sittings' events, which the door gives the seats that knock (``attendee.event``)."""
        lectures = set(
            ClassEvent.objects.filter(event_id__in={o.event_id for o in occurrences}, classroom__lecture_audience=True)
            .values_list("event_id", flat=True)
        )
        for occurrence in occurrences:
            occurrence.event.__dict__[LECTURE_KEY] = occurrence.event_id in lectures

    def is_audience(self, attendee) -> bool:
        """Students of a large lecture (the class's "students listen" setting) follow as the audience;
        teachers and assistants never. Known from ``prepare`` at the door, else one query (students only)."""
        if attendee.role != STUDENT:
            return False
        event = attendee._state.fields_cache.get("event")  # loaded with the seat, or given by the door
        known = event.__dict__.get(LECTURE_KEY) if event is not None else None
        if known is not None:
            return bool(known)
        return ClassEvent.objects.filter(event_id=attendee.event_id, classroom__lecture_audience=True).exists()

    def opens_at_start(self, occurrence) -> str | None:
        """The class's room opens by itself at the start (its students enter), unless the class
        says students wait for a teacher."""
        classroom = Classroom.objects.filter(class_events__event_id=occurrence.event_id).only("students_wait").first()
        return None if classroom is None or classroom.students_wait else "open"

    def may_access_recordings(self, user, occurrence) -> bool:
        """The class's teachers and its school's administrators; never its students."""
        classroom = (Classroom.objects.select_related("school")
                     .filter(class_events__event_id=occurrence.event_id).first())
        return classroom is not None and classroom_role(user, classroom) in MANAGER_ROLES

    def next_steps(self, occurrence, attendee, *, moderator: bool) -> list[tuple[str, str]]:
        if not moderator:
            return []
        classroom = Classroom.objects.filter(class_events__event_id=occurrence.event_id).only("pk").first()
        if classroom is None:
            return []
        return [(gettext("The meeting's attendance"),
                 reverse("classrooms:meeting", args=[classroom.pk, occurrence.pk]))]


CLASS_ROOM_POLICY = ClassroomRoomPolicy()


def may_manage_links(user, event) -> bool:
    """A class's teachers and its school's administrators rotate, withdraw and resend the links of
    its meetings' people (``scheduling.policies.register_link_manager``)."""
    classroom = Classroom.objects.select_related("school").filter(class_events__event_id=event.pk).first()
    return classroom is not None and classroom_role(user, classroom) in MANAGER_ROLES
