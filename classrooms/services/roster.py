"""The roster: enrolment one by one, by CSV import and by the class's self-enrolment code."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from classrooms import policies, selectors
from classrooms.errors import AlreadyEnrolled, ClassroomError, InvalidEnrolmentCode, RosterFull
from classrooms.models import Classroom, Enrollment, new_enrolment_code
from classrooms.services.common import _invite, _person_name, _text, _zone
from config.types import User
from scheduling import services as scheduling


def enrolment_code_reset(*, classroom: Classroom, by: User) -> Classroom:
    """A new self-enrolment code; the old code and link stop working at once."""
    policies.require_manager(by, classroom)
    classroom.enrolment_code = new_enrolment_code()
    classroom.save(update_fields=["enrolment_code"])
    return classroom


def _enrol(
    *, classroom: Classroom, user: User | None, name: str, email: str, student_number: str, role: str, notify: bool
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
    if user is not None and classroom.teachers.filter(pk=user.pk).exists():
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
    by: User,
    user: User | None = None,
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


def enrollment_remove(*, enrollment: Enrollment, by: User) -> None:
    """Take someone off the roster; their invitations are withdrawn (they get a cancellation)."""
    policies.require_manager(by, enrollment.classroom)
    with transaction.atomic():
        for class_event in selectors.live_class_events(enrollment.classroom):
            for attendee in selectors.attendees_matching(
                class_event.event, user=enrollment.user, email=enrollment.email
            ):
                scheduling.attendee_remove(attendee=attendee, by=by)
        enrollment.delete()


def roster_import(
    *, classroom: Classroom, rows: list[dict[str, Any]], by: User, notify: bool = True
) -> list[Enrollment]:
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


def enrollment_self_enrol(*, code: str, user: User) -> Enrollment:
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
