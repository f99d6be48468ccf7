"""Every write of the classrooms app, one module per concept (schools, classes, roster, meetings).
Meetings go through ``scheduling`` so that invites follow. Callers import the names from here."""

from classrooms.services.classes import classroom_create, classroom_update
from classrooms.services.common import EVENT_KIND, FIRST_DAY, LAST_DAY, MAX_MINUTES, MAX_SIZE_LIMIT, RRULE_DAYS
from classrooms.services.meetings import (
    lobby_students_admit,
    meeting_add,
    meeting_cancel,
    meeting_move,
    meeting_started_notify,
    meetings_schedule,
)
from classrooms.services.roster import (
    enrollment_add,
    enrollment_remove,
    enrollment_self_enrol,
    enrolment_code_reset,
    roster_import,
)
from classrooms.services.schools import holiday_add, holiday_remove, school_create, school_update

__all__ = [
    "EVENT_KIND",
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_MINUTES",
    "MAX_SIZE_LIMIT",
    "RRULE_DAYS",
    "classroom_create",
    "classroom_update",
    "enrollment_add",
    "enrollment_remove",
    "enrollment_self_enrol",
    "enrolment_code_reset",
    "holiday_add",
    "holiday_remove",
    "lobby_students_admit",
    "meeting_add",
    "meeting_cancel",
    "meeting_move",
    "meeting_started_notify",
    "meetings_schedule",
    "roster_import",
    "school_create",
    "school_update",
]
