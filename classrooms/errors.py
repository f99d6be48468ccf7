"""The failures classroom services raise; views and the API show their message (``config.errors``)."""

from config.errors import Forbidden, InvalidInput, NotFound


class ClassroomError(InvalidInput):
    """A request that cannot be carried out as asked (the message says why); nothing was changed."""


class ClassroomForbidden(Forbidden):
    """The person has a role in the class, or is a school's, but not one that may do this (a 403)."""


class ClassroomNotFound(NotFound):
    """No such class, school or meeting, or none the person may know of (a 404)."""


class RosterFull(ClassroomError):
    """The class has reached its size limit."""


class AlreadyEnrolled(ClassroomError):
    """The person is already on this class's roster."""


class InvalidEnrolmentCode(ClassroomError):
    """A self-enrolment code that matches no class (or was reset)."""
