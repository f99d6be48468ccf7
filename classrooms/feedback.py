"""What ``feedback`` asks of a class (registered in ``ClassroomsConfig.ready``): students and
guests are asked about a meeting, its teachers and the school's administrators read the answers;
a school's administrators triage what students and parents write to it."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext_lazy as _

from classrooms.models import Classroom, School
from classrooms.policies import ASSISTANT, MANAGER_ROLES, TEACHER, classroom_role, is_school_admin
from feedback.registry import OrganisationKind, SittingPolicy
from scheduling.models import Event


class ClassSittingPolicy(SittingPolicy):
    def is_asked(self, attendee) -> bool:
        return attendee.role not in (TEACHER, ASSISTANT)

    def may_read(self, user, event) -> bool:
        classroom = Classroom.objects.select_related("school").filter(class_events__event_id=event.pk).first()
        return classroom is not None and classroom_role(user, classroom) in MANAGER_ROLES


class SchoolKind(OrganisationKind):
    key = "school"
    url_prefix = "schools"
    label = _("school")

    def lookup(self, slug: str) -> School | None:
        return School.objects.filter(slug=slug).first()

    def by_key(self, key: str) -> School | None:
        try:
            return School.objects.filter(pk=uuid.UUID(key)).first()
        except ValueError:
            return None

    def is_staff(self, user, school) -> bool:
        return is_school_admin(user, school)

    def events(self, school):
        return Event.objects.filter(class_event__classroom__school=school)
